// The molecular GIN of NLA-MMR: graph embeddings of molecules and the
// embedding of each medication class as the mean over its molecules.
//
// This is the reference's GNNGraph (MoleRec, itself the OGB molecule example
// without a virtual node): node representations from GinNodeEncoder
// (registered as "gnn_node", so parameter names match the reference state
// dict key for key, e.g. gnn_node.convs.0.mlp.0.weight), then a readout of
// each graph's nodes. NLA-MMR then averages each class's graph embeddings
// (its average_projection matrix product), which class_embeddings does.
//
//   GraphTensors graphs = make_graph_tensors(make_class_graph_batch(per_class));
//   GinEncoder gin(GinConfig{}, init_gen, dropout_gen);
//   Tensor classes = gin.class_embeddings(graphs);  // [num_classes, 64]
#pragma once

#include <memory>

#include "models/gin/gin_node_encoder.h"

namespace nlammr {

class GinEncoder : public nn::Module {
 public:
  // Parameters are drawn from `gen` (PyTorch's default initialisation for each
  // layer, OGB's xavier-uniform for the embedding tables); dropout masks from
  // `dropout_gen`, which the caller may share with the rest of a model.
  GinEncoder(const GinConfig& config, Generator& gen, std::shared_ptr<Generator> dropout_gen,
             DType dtype = DType::Float32);

  Tensor node_embeddings(const GraphTensors& graphs) const;  // [num_nodes, emb_dim]
  Tensor forward(const GraphTensors& graphs) const;          // [num_graphs, emb_dim]
  // [num_classes, emb_dim]: row c is the mean of the embeddings of class c's
  // graphs. A class with no graph (all of its SMILES invalid) gets a zero
  // vector, as a zero row of the reference's average_projection gives.
  // Throws when `graphs` carries no classes.
  Tensor class_embeddings(const GraphTensors& graphs) const;
  // The class means of graph embeddings already computed (one forward pass
  // gives both; a second one would update batch-norm statistics again).
  static Tensor class_means(const Tensor& graph_embeddings, const GraphTensors& graphs);

  const GinConfig& config() const { return config_; }

 private:
  GinConfig config_;
  std::shared_ptr<GinNodeEncoder> gnn_node_;
};

}  // namespace nlammr
