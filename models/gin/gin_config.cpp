#include "models/gin/gin_config.h"

#include <stdexcept>

namespace nlammr {

void GinConfig::validate() const {
  auto fail = [](const std::string& what) { throw std::runtime_error("GinConfig: " + what); };
  if (num_layers < 2) fail("num_layers must be at least 2, got " + std::to_string(num_layers));
  if (emb_dim < 1) fail("emb_dim must be positive, got " + std::to_string(emb_dim));
  if (!(dropout >= 0.0 && dropout < 1.0)) fail("dropout must lie in [0, 1), got " + std::to_string(dropout));
  if (jk != "last" && jk != "sum") fail("jk must be \"last\" or \"sum\", got \"" + jk + "\"");
  if (pooling != "mean" && pooling != "sum")
    fail("pooling must be \"mean\" or \"sum\", got \"" + pooling + "\"");
}

}  // namespace nlammr
