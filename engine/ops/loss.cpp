// Losses. Each runs one fused kernel that returns the mean loss and its
// gradient together; the backward only scales that gradient by the incoming
// one (a scalar).
#include "engine/ops/op_support.h"

namespace nlammr {

using detail::backend_of;

namespace {

template <typename Kernel>
Tensor fused_loss(const char* name, const Tensor& input, Kernel kernel) {
  Tensor loss = Tensor::empty({}, input.dtype(), input.device());
  const bool wants_grad = needs_graph({input});
  Tensor grad = wants_grad ? Tensor::empty(input.shape(), input.dtype(), input.device()) : Tensor();
  kernel(input.detach().contiguous(), loss, grad);
  return record(name, loss, {input}, [grad](const Tensor& g) -> std::vector<Tensor> { return {grad * g}; });
}

}  // namespace

Tensor bce_with_logits(const Tensor& logits, const Tensor& targets) {
  detail::check_float(logits, "bce_with_logits", "logits");
  detail::check_same(logits, targets, "bce_with_logits");
  detail::check_shape(targets, logits.shape(), "bce_with_logits", "targets");
  Tensor t = targets.detach().contiguous();
  return fused_loss("BceWithLogitsBackward", logits, [&](const Tensor& x, const Tensor& loss, const Tensor& grad) {
    backend_of(x).bce_with_logits(x, t, loss, grad);
  });
}

Tensor multilabel_margin_loss(const Tensor& input, const Tensor& target) {
  detail::check_float(input, "multilabel_margin_loss", "input");
  if (input.dim() != 1 && input.dim() != 2)
    throw std::runtime_error("multilabel_margin_loss: input must be [C] or [N, C], got " + shape_str(input.shape()));
  detail::check_shape(target, input.shape(), "multilabel_margin_loss", "target");
  if (target.dtype() != DType::Int64)
    throw std::runtime_error("multilabel_margin_loss: target must be int64 class indices ending at -1");
  Tensor t = detail::packed(target);
  return fused_loss("MultilabelMarginBackward", input, [&](const Tensor& x, const Tensor& loss, const Tensor& grad) {
    backend_of(x).multilabel_margin(x, t, loss, grad);
  });
}

Tensor cross_entropy(const Tensor& logits, const Tensor& target, int64_t ignore_index) {
  detail::check_float(logits, "cross_entropy", "logits");
  if (logits.dim() != 2)
    throw std::runtime_error("cross_entropy: logits must be [N, C], got " + shape_str(logits.shape()));
  detail::check_shape(target, {logits.size(0)}, "cross_entropy", "target");
  if (target.dtype() != DType::Int64) throw std::runtime_error("cross_entropy: target must be int64 class ids");
  Tensor t = detail::packed(target);
  return fused_loss("CrossEntropyBackward", logits, [&](const Tensor& x, const Tensor& loss, const Tensor& grad) {
    backend_of(x).cross_entropy(x, t, ignore_index, loss, grad);
  });
}

Tensor contrastive_loss(const Tensor& similarity, const Tensor& positives, double temperature) {
  detail::check_float(similarity, "contrastive_loss", "similarity");
  if (similarity.dim() != 2)
    throw std::runtime_error("contrastive_loss: similarity must be [N, M], got " + shape_str(similarity.shape()));
  if (!(temperature > 0.0))
    throw std::runtime_error("contrastive_loss: temperature must be positive, got " + std::to_string(temperature));
  Tensor pos = detail::packed_mask(positives, similarity.shape(), "contrastive_loss");
  return fused_loss("ContrastiveBackward", similarity, [&](const Tensor& x, const Tensor& loss, const Tensor& grad) {
    backend_of(x).contrastive(x, pos, temperature, loss, grad);
  });
}

}  // namespace nlammr
