// Option groups shared by several subcommands.
#pragma once

#include <CLI/CLI.hpp>

#include "models/nlammr/model/config.h"
#include "tools/nlammr/run_support.h"

namespace nlammr::cli {

void add_model_options(CLI::App* cmd, NlammrConfig& model);
void add_train_options(CLI::App* cmd, TrainConfig& train);
void add_encoder_options(CLI::App* cmd, EncoderArgs& encoder);
void add_normalize_option(CLI::App* cmd, EncoderArgs& encoder);

}  // namespace nlammr::cli
