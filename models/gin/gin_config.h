// Hyperparameters of the molecular GIN. The defaults are those NLA-MMR uses
// (MoleRec's GNNGraph with num_layer=5, emb_dim=64, gnn_type='gin',
// virtual_node=False, drop_ratio=0.7, JK='last', graph_pooling='mean').
#pragma once

#include <cstdint>
#include <string>

namespace nlammr {

struct GinConfig {
  int64_t num_layers = 5;        // message-passing layers; the reference requires at least 2
  int64_t emb_dim = 64;          // width of atom, bond and graph embeddings
  double dropout = 0.7;          // after every layer, in training mode only
  bool residual = false;         // add each layer's input to its output
  std::string jk = "last";       // node representation: "last" layer or "sum" over all layers
  std::string pooling = "mean";  // graph readout over its nodes: "mean" or "sum"

  // Throws std::runtime_error naming the first field out of range.
  void validate() const;
};

}  // namespace nlammr
