// Node representations of a batch of molecules: the reference's GNN_node.
//
//   h_0 = AtomEncoder(atom features)                          [N, d]
//   for layer l = 0 .. L-1:
//     h = GinConv_l(h_l)                                       [N, d]
//     h = BatchNorm1d_l(h)
//     h = relu(h)              (every layer but the last)
//     h = dropout(h)           (training mode only)
//     h_{l+1} = h  (+ h_l with residual)
//   out = h_L (jk "last") or h_0 + ... + h_L (jk "sum")
//
// Parameter names follow the reference: atom_encoder.atom_embedding_list.<k>.weight,
// convs.<l>.*, batch_norms.<l>.*.
#pragma once

#include <memory>
#include <vector>

#include "models/gin/gin_config.h"
#include "models/gin/gin_conv.h"

namespace nlammr {

class GinNodeEncoder : public nn::Module {
 public:
  GinNodeEncoder(const GinConfig& config, Generator& gen, std::shared_ptr<Generator> dropout_gen,
                 DType dtype = DType::Float32);

  Tensor forward(const GraphTensors& graphs) const;  // [num_nodes, emb_dim]

 private:
  GinConfig config_;
  std::shared_ptr<Generator> dropout_gen_;
  std::shared_ptr<FeatureEmbeddingSum> atom_encoder_;
  std::vector<std::shared_ptr<GinConv>> convs_;
  std::vector<std::shared_ptr<TrackedBatchNorm1d>> batch_norms_;
};

}  // namespace nlammr
