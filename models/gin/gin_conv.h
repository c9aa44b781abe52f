// One GIN layer for molecules, as OGB's GINConv (the convolution MoleRec and
// NLA-MMR use), with bond features entering every message:
//
//   e_uv  = BondEncoder(bond features of u->v)            [E, d]
//   m_v   = sum over incoming edges u->v of relu(h_u + e_uv)  [N, d]
//   h'_v  = MLP((1 + eps) * h_v + m_v)                     [N, d]
//   MLP   = Linear(d, 2d) -> BatchNorm1d(2d) -> ReLU -> Linear(2d, d)
//
// eps is a learned scalar (initialised 0). Parameter names follow the
// reference's state dict: eps, mlp.0.*, mlp.1.*, mlp.3.* (mlp.2 is the ReLU),
// bond_encoder.bond_embedding_list.<k>.weight.
#pragma once

#include <memory>

#include "engine/nn/layers.h"
#include "models/gin/feature_embedding.h"
#include "models/gin/graph_tensors.h"
#include "models/gin/tracked_batch_norm.h"

namespace nlammr {

// The aggregation step on its own: for each node v, the sum over its incoming
// edges (CSR order) of relu(x[src[e]] + edge_emb[e]). x [N, d], edge_emb
// [E, d] in CSR order, src [E], dst_offsets [N + 1] -> [N, d]; a node without
// incoming edges gets 0. Runs the engine's fused gin_aggregate op (one
// kernel on CPU and CUDA, deterministic, no atomics in the forward).
Tensor gin_message_sum(const Tensor& x, const Tensor& edge_emb, const Tensor& src, const Tensor& dst_offsets);

class GinConv : public nn::Module {
 public:
  GinConv(int64_t dim, Generator& gen, DType dtype = DType::Float32);

  // x [N, d] node states -> [N, d].
  Tensor forward(const Tensor& x, const GraphTensors& graphs) const;

  Tensor eps;  // [1]

 private:
  std::shared_ptr<nn::Linear> expand_;        // mlp.0: d -> 2d
  std::shared_ptr<TrackedBatchNorm1d> norm_;  // mlp.1
  std::shared_ptr<nn::Linear> contract_;      // mlp.3: 2d -> d
  std::shared_ptr<FeatureEmbeddingSum> bond_encoder_;
};

}  // namespace nlammr
