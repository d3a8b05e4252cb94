// Feature splits of large Gemms (shard_gemms in edgeflow/ir_passes.h):
//
//   x -> Gemm [N x K] -> y        x -> Gemm [N/s x K] shard 0 ---.
//                          ==>    x -> Gemm [N/s x K] shard 1 ----> Concat -> y
//                                 ...                          ---'
#include "edgeflow/ir_passes.h"

namespace edgeflow {
namespace {

// Features [begin, end) of a Gemm: its weight rows and bias entries.
GemmAttrs shard_of(const GemmAttrs& gemm, RowRange features) {
  const int64_t k = gemm.weight.shape().dims.at(1);
  const auto first = gemm.weight.values().begin() + features.begin * k;
  GemmAttrs shard;
  shard.weight = Tensor(Shape({features.size(), k}),
                        std::vector<float>(first, first + features.size() * k));
  shard.bias.assign(gemm.bias.begin() + features.begin, gemm.bias.begin() + features.end);
  shard.activation = gemm.activation;
  return shard;
}

}  // namespace

int shard_gemms(Graph& graph, int shards, int64_t min_weights) {
  if (shards < 2) return 0;
  std::vector<Node> nodes;
  int split = 0;
  for (Node& node : graph.nodes) {
    const GemmAttrs* gemm = std::get_if<GemmAttrs>(&node.attrs);
    const int64_t features = gemm ? gemm->weight.shape().dims.at(0) : 0;
    if (node.op != OpKind::kGemm || !gemm || gemm->weight.shape().elements() < min_weights ||
        features < 2) {
      nodes.push_back(std::move(node));
      continue;
    }
    const int64_t s = std::min<int64_t>(shards, features);
    Node concat;
    concat.name = node.name;
    concat.op = OpKind::kConcat;
    concat.output = node.output;
    for (int64_t i = 0; i < s; ++i) {
      const RowRange range{features * i / s, features * (i + 1) / s};
      Value value;
      value.name = graph.values[node.output].name + "/shard" + std::to_string(i);
      value.shape = Shape({1, range.size()});
      graph.values.push_back(std::move(value));
      Node shard;
      shard.name = node.name + "/shard" + std::to_string(i);
      shard.op = OpKind::kGemm;
      shard.inputs = node.inputs;
      shard.output = static_cast<ValueId>(graph.values.size() - 1);
      shard.attrs = shard_of(*gemm, range);
      concat.inputs.push_back(shard.output);
      nodes.push_back(std::move(shard));
    }
    nodes.push_back(std::move(concat));
    ++split;
  }
  graph.nodes = std::move(nodes);
  for (size_t n = 0; n < graph.nodes.size(); ++n)
    graph.values[graph.nodes[n].output].producer = static_cast<int>(n);
  return split;
}

}  // namespace edgeflow
