#include "models/gin/gin_conv.h"

#include "chem/molecule_graph.h"

namespace nlammr {

Tensor gin_message_sum(const Tensor& x, const Tensor& edge_emb, const Tensor& src,
                       const Tensor& dst_offsets) {
  // One fused op: gather the source rows, add the edge embeddings, ReLU, and
  // sum each destination's CSR segment, without materialising the [E, d]
  // messages. It equals segment_sum(relu(index_select(x, src) + edge_emb),
  // dst_offsets) exactly (tests/engine/test_gin_aggregate.cpp).
  return gin_aggregate(x, edge_emb, src, dst_offsets);
}

GinConv::GinConv(int64_t dim, Generator& gen, DType dtype) {
  eps = register_parameter("eps", Tensor::zeros({1}, dtype));
  expand_ = register_module("mlp.0", std::make_shared<nn::Linear>(dim, 2 * dim, gen, true, dtype));
  norm_ = register_module("mlp.1", std::make_shared<TrackedBatchNorm1d>(2 * dim, dtype));
  contract_ = register_module("mlp.3", std::make_shared<nn::Linear>(2 * dim, dim, gen, true, dtype));
  const std::vector<int64_t> bond_sizes(kBondFeatureSizes.begin(), kBondFeatureSizes.end());
  bond_encoder_ = register_module("bond_encoder", std::make_shared<FeatureEmbeddingSum>(
                                                      "bond_embedding_list", bond_sizes, dim, gen, dtype));
}

Tensor GinConv::forward(const Tensor& x, const GraphTensors& graphs) const {
  // One lookup per edge in the 60 sums of bond feature rows, not three.
  Tensor edge_emb = graphs.bond_combinations.defined()
                        ? bond_encoder_->forward_combined(graphs.bond_combinations)  // [E, d]
                        : bond_encoder_->forward(graphs.bond_features);

  Tensor aggregated = gin_message_sum(x, edge_emb, graphs.src, graphs.dst_offsets);  // [N, d]
  Tensor combined = (eps + 1.0) * x + aggregated;                                    // [N, d]
  Tensor hidden = relu(norm_->forward(expand_->forward(combined)));                  // [N, 2d]
  return contract_->forward(hidden);                                                 // [N, d]
}

}  // namespace nlammr
