#include "models/gin/gin_node_encoder.h"

#include <stdexcept>
#include <string>

namespace nlammr {

GinNodeEncoder::GinNodeEncoder(const GinConfig& config, Generator& gen,
                               std::shared_ptr<Generator> dropout_gen, DType dtype)
    : config_(config), dropout_gen_(std::move(dropout_gen)) {
  config_.validate();
  if (!dropout_gen_) throw std::runtime_error("GinNodeEncoder: a dropout generator is required");
  const std::vector<int64_t> atom_sizes(kAtomFeatureSizes.begin(), kAtomFeatureSizes.end());
  atom_encoder_ = register_module(
      "atom_encoder",
      std::make_shared<FeatureEmbeddingSum>("atom_embedding_list", atom_sizes, config_.emb_dim, gen, dtype));
  for (int64_t l = 0; l < config_.num_layers; ++l)
    convs_.push_back(register_module("convs." + std::to_string(l),
                                     std::make_shared<GinConv>(config_.emb_dim, gen, dtype)));
  for (int64_t l = 0; l < config_.num_layers; ++l)
    batch_norms_.push_back(register_module("batch_norms." + std::to_string(l),
                                           std::make_shared<TrackedBatchNorm1d>(config_.emb_dim, dtype)));
}

Tensor GinNodeEncoder::forward(const GraphTensors& graphs) const {
  // h_0 [N, d]: the distinct kinds of atom embedded once each, then looked
  // up per atom (the same sums as embedding every atom's features).
  Tensor h0 = graphs.atom_kinds.defined()
                  ? embedding(atom_encoder_->forward(graphs.atom_kinds), graphs.atom_kind_of)
                  : atom_encoder_->forward(graphs.atom_features);
  std::vector<Tensor> states{h0};
  for (int64_t l = 0; l < config_.num_layers; ++l) {
    Tensor h = batch_norms_[l]->forward(convs_[l]->forward(states.back(), graphs));
    // The last layer keeps its sign: its output is the representation itself.
    if (l + 1 < config_.num_layers) h = relu(h);
    h = dropout(h, config_.dropout, is_training(), *dropout_gen_);
    if (config_.residual) h = h + states.back();
    states.push_back(h);
  }
  if (config_.jk == "last") return states.back();
  Tensor total = states[0];
  for (size_t i = 1; i < states.size(); ++i) total = total + states[i];
  return total;
}

}  // namespace nlammr
