// Helpers shared by the BERT encoder tests.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "engine/tensor.h"
#include "models/bert/model_dir.h"

namespace nlammr::testing {

// The installed all-MiniLM-L6-v2 folder, or "" when it is absent.
inline std::string installed_minilm_dir() {
  namespace fs = std::filesystem;
  if (const char* env = std::getenv(kModelDirEnvVar);
      env && *env && fs::exists(fs::path(env) / "config.json"))
    return env;
  const std::string dir = project_model_cache_dir();
  return fs::exists(fs::path(dir) / "model.safetensors") ? dir : std::string();
}

// Largest |a - b| over rows [B, S, H] at positions where mask [B, S] is nonzero:
// values at padded positions are not defined by the reference.
inline double max_abs_diff_unpadded(const Tensor& a, const Tensor& b, const Tensor& mask) {
  const std::vector<float> x = a.contiguous().to_vector<float>(), y = b.contiguous().to_vector<float>();
  const std::vector<int32_t> m = mask.contiguous().to_vector<int32_t>();
  const int64_t H = a.size(2);
  double worst = 0;
  for (size_t pos = 0; pos < m.size(); ++pos) {
    if (!m[pos]) continue;
    for (int64_t h = 0; h < H; ++h)
      worst = std::max(worst, static_cast<double>(std::fabs(x[pos * H + h] - y[pos * H + h])));
  }
  return worst;
}

// Largest |a - b| over all elements (float32 tensors of one shape).
inline double max_abs_diff(const Tensor& a, const Tensor& b) {
  const std::vector<float> x = a.contiguous().to_vector<float>(), y = b.contiguous().to_vector<float>();
  double worst = x.size() == y.size() ? 0.0 : INFINITY;
  for (size_t i = 0; i < std::min(x.size(), y.size()); ++i)
    worst = std::max(worst, static_cast<double>(std::fabs(x[i] - y[i])));
  return worst;
}

}  // namespace nlammr::testing
