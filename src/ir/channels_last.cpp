// absorb_channels_last_transposes: exporters write a channels-last layer
// (ConvNeXt's LayerNorm and Linear layers, a Linear over the channels of a
// map) as Transpose(0,2,3,1) -> ops over the last axis -> Transpose(0,3,1,2).
// A map is stored NHWC already, so the same ops over the channel axis of the
// untransposed map compute the same values with no reordering at all:
//
//   x [1,C,H,W] -> Transpose -> [1,H,W,C] -> MatMul(W[C,K]) -> Add(b[K]) -> Transpose -> [1,K,H,W]
//   x [1,C,H,W] -> Conv 1x1 (weight W^T, bias 0) -> Add(b as [1,K,1,1]) -> [1,K,H,W]
//
// A region is everything computed from the first Transpose's output; it is
// rewritten only when every node in it has a channels-first form (below) and
// every way out of it is a Transpose(0,3,1,2), so the rewrite changes no
// value the rest of the graph reads.
#include <numeric>
#include <optional>

#include "edgeflow/ir_passes.h"
#include "ir/rewrite_internal.h"

namespace edgeflow {
namespace {

using rewrite_detail::compact;

bool is_transpose(const Node& node, const std::vector<int64_t>& perm) {
  const auto* t = std::get_if<TransposeAttrs>(&node.attrs);
  return node.op == OpKind::kTranspose && t && t->perm == perm;
}

const std::vector<int64_t> kToChannelsLast{0, 2, 3, 1};
const std::vector<int64_t> kToChannelsFirst{0, 3, 1, 2};
const std::vector<int64_t> kLastAxis{-1};

// [1, a, b, c] seen channels-last -> [1, c, a, b].
Dims channels_first(const Dims& d) { return {d[0], d[3], d[1], d[2]}; }

// Whether `node`, which reads only values of the region, has a channels-first
// form (translate() gives it).
bool translatable(const Graph& graph, const Node& node) {
  if (graph.shape_of(node.output).rank() != 4) return false;
  switch (node.op) {
    case OpKind::kActivation:
    case OpKind::kBinary: return true;
    case OpKind::kReduce: return std::get<ReduceAttrs>(node.attrs).axes == kLastAxis;
    case OpKind::kSoftmax: {
      const auto& s = std::get<SoftmaxAttrs>(node.attrs);
      return s.axis == -1 && !s.coerced;
    }
    case OpKind::kLayerNorm: return std::get<LayerNormAttrs>(node.attrs).axis == -1;
    case OpKind::kMatMul: {
      const auto& m = std::get<MatMulAttrs>(node.attrs);
      return m.constant_index == 1 && m.constant.shape().rank() == 2;
    }
    default: return false;
  }
}

// Rewrites a region node to act on the channels-first form of its inputs.
void translate(Node& node) {
  switch (node.op) {
    case OpKind::kBinary: {
      BinaryAttrs& b = std::get<BinaryAttrs>(node.attrs);
      if (b.constant_index < 0) break;
      // Storage of [1,c,a,b] (NHWC: a, b, c) is the row-major order of [1,a,b,c].
      const Shape old = b.constant.shape();
      b.constant = Tensor(Shape(channels_first(old.dims)), storage_to_nchw(old, b.constant.values()));
      break;
    }
    case OpKind::kReduce: std::get<ReduceAttrs>(node.attrs).axes = {-3}; break;
    case OpKind::kSoftmax: std::get<SoftmaxAttrs>(node.attrs).axis = -3; break;
    case OpKind::kLayerNorm: std::get<LayerNormAttrs>(node.attrs).axis = -3; break;
    case OpKind::kMatMul:
      node.attrs = pointwise_conv(std::get<MatMulAttrs>(node.attrs));
      node.op = OpKind::kConv;
      break;
    default: break;  // activations act elementwise
  }
}

struct Region {
  int entry = -1;          // the Transpose(0,2,3,1)
  std::vector<int> nodes;  // the nodes computed from it, in order
  std::vector<int> exits;  // the Transposes(0,3,1,2) that leave it
};

std::optional<Region> collect_region(const Graph& graph, int entry,
                                     const std::vector<bool>& keep) {
  std::vector<bool> inside(graph.values.size(), false);
  inside[graph.nodes[entry].output] = true;
  Region region;
  region.entry = entry;
  for (size_t i = static_cast<size_t>(entry) + 1; i < graph.nodes.size(); ++i) {
    const Node& n = graph.nodes[i];
    if (!keep[i]) continue;
    size_t reads = 0;
    for (ValueId v : n.inputs) reads += inside[v] ? 1 : 0;
    if (reads == 0) continue;
    if (reads != n.inputs.size()) return std::nullopt;  // mixes layouts
    if (is_transpose(n, kToChannelsFirst)) {
      region.exits.push_back(static_cast<int>(i));
      continue;
    }
    if (!translatable(graph, n)) return std::nullopt;
    region.nodes.push_back(static_cast<int>(i));
    inside[n.output] = true;
  }
  // A graph output leaving the region becomes its exit's input, renamed. Not
  // when two outputs would become one value, or an output the input map.
  std::vector<bool> leaves_as_output(graph.values.size(), false);
  for (ValueId v : graph.outputs) {
    if (inside[v]) return std::nullopt;
    for (int e : region.exits) {
      if (graph.nodes[e].output != v) continue;
      const ValueId source = graph.nodes[e].inputs[0];
      if (leaves_as_output[source] || source == graph.nodes[entry].output) return std::nullopt;
      leaves_as_output[source] = true;
    }
  }
  if (region.exits.empty()) return std::nullopt;
  return region;
}

void absorb(Graph& graph, const Region& region, std::vector<bool>& keep) {
  std::vector<ValueId> replace(graph.values.size());
  std::iota(replace.begin(), replace.end(), 0);
  const Node& entry = graph.nodes[region.entry];
  replace[entry.output] = entry.inputs[0];
  keep[region.entry] = false;
  for (int e : region.exits) {  // an exit may read the entry's output: two steps
    replace[graph.nodes[e].output] = replace[graph.nodes[e].inputs[0]];
    keep[e] = false;
  }
  for (int i : region.nodes) {
    Node& n = graph.nodes[i];
    translate(n);
    Shape& shape = graph.values[n.output].shape;
    shape = Shape(channels_first(shape.dims));
  }
  for (Node& n : graph.nodes)
    for (ValueId& v : n.inputs) v = replace[v];
  for (ValueId& v : graph.outputs) {
    if (replace[v] == v) continue;
    graph.values[replace[v]].name = graph.values[v].name;
    v = replace[v];
  }
}

}  // namespace

// The transposed weight [K, C, 1, 1], the same bias and activation.
ConvAttrs pointwise_conv(const MatMulAttrs& linear) {
  const Tensor& matrix = linear.constant;
  const int64_t in = matrix.shape().dims[0], out = matrix.shape().dims[1];
  std::vector<float> weight(static_cast<size_t>(in * out));
  for (int64_t o = 0; o < out; ++o)
    for (int64_t i = 0; i < in; ++i) weight[o * in + i] = matrix.data()[i * out + o];
  ConvAttrs conv;
  conv.weight = Tensor(Shape({out, in, 1, 1}), std::move(weight));
  conv.bias = linear.bias;
  conv.bias.resize(static_cast<size_t>(out), 0.0f);
  conv.activation = linear.activation;
  return conv;
}

int absorb_channels_last_transposes(Graph& graph) {
  std::vector<bool> keep(graph.nodes.size(), true);
  int absorbed = 0;
  for (size_t i = 0; i < graph.nodes.size(); ++i) {
    const Node& n = graph.nodes[i];
    if (!keep[i] || !is_transpose(n, kToChannelsLast) ||
        graph.shape_of(n.inputs[0]).rank() != 4)
      continue;
    if (const std::optional<Region> region = collect_region(graph, static_cast<int>(i), keep)) {
      absorb(graph, *region, keep);
      ++absorbed;
    }
  }
  if (absorbed) compact(graph, keep);
  return absorbed;
}

}  // namespace edgeflow
