// Loaded weights must be finite: one NaN in a checkpoint or a model would
// turn every output into NaN while the command still succeeds.
#pragma once

#include <cstddef>

#include "io/safetensors.h"

namespace nlammr {

// Index of the first NaN or infinite element of a floating-point entry's
// bytes (checked on the bit pattern, for every float dtype alike), or -1
// when all are finite or the dtype is not a floating-point one.
long long first_non_finite(const TensorEntry& entry);

// Throws std::runtime_error "<file>: tensor '<name>' holds a NaN or infinite
// value (element <i>)" when first_non_finite finds one.
void require_finite(const SafeTensorsFile& file, const TensorEntry& entry);

}  // namespace nlammr
