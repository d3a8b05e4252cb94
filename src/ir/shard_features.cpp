// Feature splits (shard_gemms, shard_convs in edgeflow/ir_passes.h): a layer
// whose weight's first axis is its output features becomes one shard per
// range of them, joined by a Concat over features that takes its place.
//
//   x -> Gemm/Conv [O x ...] -> y     x -> shard 0 [O/s x ...] ---.
//                              ==>    x -> shard 1 [O/s x ...] ----> Concat -> y
//                                     ...                      ---'
#include "edgeflow/ir_passes.h"

#include <functional>

namespace edgeflow {
namespace {

// A layer's weight [O, ...] and bias [O], taken out of its attributes, and
// the rest of them (copied into each shard).
template <typename Attrs>
struct FeatureLayer {
  Attrs rest;
  Tensor weight;
  std::vector<float> bias;

  explicit FeatureLayer(Attrs&& attrs)
      : rest(std::move(attrs)), weight(std::move(rest.weight)), bias(std::move(rest.bias)) {}

  // The attributes of the shard computing output features [begin, end).
  Attrs shard(RowRange features) const {
    Attrs attrs = rest;
    Dims dims = weight.shape().dims;
    const int64_t per_feature = weight.shape().elements() / dims.at(0);
    const auto first = weight.values().begin() + features.begin * per_feature;
    dims[0] = features.size();
    attrs.weight = Tensor(Shape(dims),
                          std::vector<float>(first, first + features.size() * per_feature));
    attrs.bias.assign(bias.begin() + features.begin, bias.begin() + features.end);
    return attrs;
  }
};

// The shards of `node` (a Gemm or a Conv) over `ranges` of its output features.
std::vector<NodeAttrs> shard_attrs(Node& node, const std::vector<RowRange>& ranges) {
  std::vector<NodeAttrs> shards;
  auto split = [&](auto&& attrs) {
    const FeatureLayer layer(std::move(attrs));
    for (RowRange r : ranges) shards.emplace_back(layer.shard(r));
  };
  if (GemmAttrs* gemm = std::get_if<GemmAttrs>(&node.attrs))
    split(std::move(*gemm));
  else
    split(std::move(std::get<ConvAttrs>(node.attrs)));
  return shards;
}

// Splits every node `splits` accepts into min(shards, features) shards.
int shard_features(Graph& graph, int shards, const std::function<bool(const Node&)>& splits) {
  if (shards < 2) return 0;
  std::vector<Node> nodes;
  int split = 0;
  for (Node& node : graph.nodes) {
    if (!splits(node)) {
      nodes.push_back(std::move(node));
      continue;
    }
    const Shape out = graph.values[node.output].shape;
    const int64_t features = out.dims.at(1);
    const int64_t s = std::min<int64_t>(shards, features);
    std::vector<RowRange> ranges;
    for (int64_t i = 0; i < s; ++i) ranges.push_back({features * i / s, features * (i + 1) / s});
    std::vector<NodeAttrs> attrs = shard_attrs(node, ranges);
    Node concat;
    concat.name = node.name;
    concat.op = OpKind::kConcat;
    concat.output = node.output;
    for (int64_t i = 0; i < s; ++i) {
      const RowRange range = ranges[i];
      Value value;
      value.name = graph.values[node.output].name + "/shard" + std::to_string(i);
      value.shape = out;
      value.shape.dims[1] = range.size();
      graph.values.push_back(std::move(value));
      Node shard;
      shard.name = node.name + "/shard" + std::to_string(i);
      shard.op = node.op;
      shard.inputs = node.inputs;
      shard.output = static_cast<ValueId>(graph.values.size() - 1);
      shard.attrs = std::move(attrs[i]);
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

}  // namespace

int shard_gemms(Graph& graph, int shards, int64_t min_weights) {
  return shard_features(graph, shards, [&](const Node& node) {
    const GemmAttrs* gemm = std::get_if<GemmAttrs>(&node.attrs);
    return node.op == OpKind::kGemm && gemm && gemm->weight.shape().elements() >= min_weights &&
           gemm->weight.shape().dims.at(0) >= 2;
  });
}

int shard_convs(Graph& graph, int shards, int64_t min_weights, int64_t min_rows_per_shard) {
  return shard_features(graph, shards, [&](const Node& node) {
    const ConvAttrs* conv = std::get_if<ConvAttrs>(&node.attrs);
    if (node.op != OpKind::kConv || !conv || conv->group != 1 || conv->residual ||
        conv->weight.shape().elements() < min_weights)
      return false;
    const Shape& out = graph.shape_of(node.output);
    return out.dims.at(1) >= 2 * shards && out.height() < min_rows_per_shard * shards;
  });
}

}  // namespace edgeflow
