// Writes the synthetic cohort and prints what an oracle reaches on it.
#pragma once

#include <string>

#include "data/synthetic/synthetic_cohort.h"

namespace nlammr::cli {

void run_synth(const std::string& out, const SyntheticOptions& options);

}  // namespace nlammr::cli
