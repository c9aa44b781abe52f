#include "models/gin/gin_encoder.h"

#include <stdexcept>
#include <string>

namespace nlammr {

GinEncoder::GinEncoder(const GinConfig& config, Generator& gen, std::shared_ptr<Generator> dropout_gen,
                       DType dtype)
    : config_(config) {
  gnn_node_ = register_module("gnn_node",
                              std::make_shared<GinNodeEncoder>(config, gen, std::move(dropout_gen), dtype));
}

Tensor GinEncoder::node_embeddings(const GraphTensors& graphs) const { return gnn_node_->forward(graphs); }

Tensor GinEncoder::forward(const GraphTensors& graphs) const {
  Tensor nodes = node_embeddings(graphs);
  // Graphs own consecutive node ranges, so the readout is a segment reduction.
  if (config_.pooling == "sum") return segment_sum(nodes, graphs.node_offsets);
  return segment_mean(nodes, graphs.node_offsets);
}

Tensor GinEncoder::class_embeddings(const GraphTensors& graphs) const {
  return class_means(forward(graphs), graphs);
}

Tensor GinEncoder::class_means(const Tensor& graph_embeddings, const GraphTensors& graphs) {
  if (!graphs.class_offsets.defined())
    throw std::runtime_error(
        "GinEncoder::class_embeddings: the graph tensors carry no classes "
        "(build them from a ClassGraphBatch)");
  if (graph_embeddings.dim() != 2 || graph_embeddings.size(0) != graphs.num_graphs)
    throw std::runtime_error("GinEncoder::class_means: expected graph embeddings [" +
                             std::to_string(graphs.num_graphs) + ", d], got " +
                             shape_str(graph_embeddings.shape()));
  // Same as the reference's product with its average_projection matrix
  // (1/n_c on class c's graphs), without building the matrix.
  return segment_mean(graph_embeddings, graphs.class_offsets);
}

}  // namespace nlammr
