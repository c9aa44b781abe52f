// GELU on packed float32 tensors, vectorised.
//
// The generic unary loop calls std::erf (or std::tanh) once per element,
// which the compiler cannot vectorise: in a BERT layer that made GELU cost
// more than the feed-forward GEMM it follows. Eigen's array erf and tanh for
// float are rational approximations accurate to a few ulp, evaluated eight
// lanes at a time with AVX2. float64 keeps the exact scalar functions, which
// the float64 gradient checks compare against.
#pragma once

#include "engine/backend.h"

namespace nlammr::cpu {

// y = GELU(x) for op GeluErf or GeluTanh when x and y are packed float32;
// returns false, doing nothing, in every other case (the caller then runs
// the generic loop). Each element is computed independently, so the result
// does not depend on the thread count.
bool gelu_float32_packed(UnaryOp op, const Tensor& x, const Tensor& y);

}  // namespace nlammr::cpu
