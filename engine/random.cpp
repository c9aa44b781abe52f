#include "engine/random.h"

#include <cmath>
#include <stdexcept>
#include <string>
#include <vector>

#include "kernels/common/philox.h"

namespace nlammr {

void Generator::set_row_shard(uint64_t begin, uint64_t rows, uint64_t total) {
  if (rows == 0 || total == 0 || begin + rows > total)
    throw std::invalid_argument("Generator: row shard [" + std::to_string(begin) + ", " + std::to_string(begin + rows) +
                                ") of " + std::to_string(total) + " rows");
  shard_begin_ = begin, shard_rows_ = rows, shard_total_ = total;
}

uint64_t Generator::reserve_rows(uint64_t numel) {
  if (shard_total_ == 0) return reserve(numel);
  if (numel % shard_rows_ != 0)
    throw std::runtime_error("Generator: a tensor of " + std::to_string(numel) + " values is not " +
                             std::to_string(shard_rows_) + " batch rows (row shard set)");
  const uint64_t per_row = numel / shard_rows_;
  return reserve(per_row * shard_total_) + shard_begin_ * per_row;
}

double Generator::uniform() { return philox::uniform01_double(reserve(1), seed_); }

double Generator::normal() {
  // Box-Muller; 1 - u keeps the logarithm's argument in (0, 1].
  const double u1 = 1.0 - uniform();
  const double u2 = uniform();
  return std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * M_PI * u2);
}

namespace {
Tensor from_doubles(const std::vector<double>& values, const Shape& shape, DType dtype, Device device) {
  return Tensor::from_vector(values, shape).to(dtype).to(device);
}
}  // namespace

Tensor rand_uniform(const Shape& shape, double low, double high, Generator& gen, DType dtype, Device device) {
  std::vector<double> values(static_cast<size_t>(shape_numel(shape)));
  for (double& v : values) v = low + (high - low) * gen.uniform();
  return from_doubles(values, shape, dtype, device);
}

Tensor randn(const Shape& shape, Generator& gen, DType dtype, Device device, double mean, double stddev) {
  std::vector<double> values(static_cast<size_t>(shape_numel(shape)));
  for (double& v : values) v = mean + stddev * gen.normal();
  return from_doubles(values, shape, dtype, device);
}

}  // namespace nlammr
