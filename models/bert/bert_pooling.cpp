#include "models/bert/bert_pooling.h"

#include <stdexcept>

#include "engine/ops.h"

namespace nlammr {

const char* pooling_name(Pooling pooling) {
  switch (pooling) {
    case Pooling::Cls: return "cls";
    case Pooling::Mean: return "mean";
    case Pooling::Pooler: return "pooler";
  }
  return "?";
}

Pooling parse_pooling(const std::string& name) {
  if (name == "cls") return Pooling::Cls;
  if (name == "mean") return Pooling::Mean;
  if (name == "pooler") return Pooling::Pooler;
  throw std::runtime_error("unknown pooling '" + name + "' (choose mean, cls or pooler)");
}

Tensor mean_pool(const Tensor& hidden, const Tensor& attention_mask) {
  if (!attention_mask.defined()) return mean(hidden, {1});
  // The mask as 0/1 in the hidden states' dtype, [B, S, 1] to broadcast over H.
  Tensor mask = attention_mask.to(hidden.dtype()).unsqueeze(-1);
  Tensor summed = sum(mul(hidden, mask), {1});                                    // [B, H]
  Tensor counts = maximum(sum(mask, {1}), Tensor::scalar(1e-9, hidden.dtype()));  // [B, 1]
  return div(summed, counts);
}

Tensor pool(const BertOutput& output, const Tensor& attention_mask, Pooling pooling) {
  switch (pooling) {
    case Pooling::Cls: return output.last_hidden_state.slice(1, 0, 1).squeeze(1);
    case Pooling::Mean: return mean_pool(output.last_hidden_state, attention_mask);
    case Pooling::Pooler:
      if (!output.pooler_output.defined())
        throw std::runtime_error(
            "pooler pooling needs the pooler, but this model has none (its checkpoint has no "
            "'pooler.dense.weight'); use --pooling mean or cls");
      return output.pooler_output;
  }
  throw std::logic_error("pool: unknown pooling");
}

Tensor l2_normalize(const Tensor& x) {
  Tensor norms = sqrt(sum(mul(x, x), {-1}, true));
  return div(x, maximum(norms, Tensor::scalar(1e-12, x.dtype())));
}

}  // namespace nlammr
