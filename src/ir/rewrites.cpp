// IR rewrites: BatchNorm and channel-affine folding, activation, residual-Add
// and Concat-BatchNorm fusion, dead node removal, and optimize_graph() running them all.
#include <cmath>
#include <optional>
#include <variant>
#include <vector>

#include "edgeflow/ir_passes.h"
#include "ir/rewrite_internal.h"
#include "ir/shape_internal.h"

namespace edgeflow {

namespace shape_detail {

// The activation slot of a node that can carry one, or nullptr.
Activation* activation_slot(Node& node) {
  if (auto* a = std::get_if<ConvAttrs>(&node.attrs)) return &a->activation;
  if (auto* a = std::get_if<GemmAttrs>(&node.attrs)) return &a->activation;
  if (auto* a = std::get_if<BatchNormAttrs>(&node.attrs)) return &a->activation;
  if (auto* a = std::get_if<ConvTransposeAttrs>(&node.attrs)) return &a->activation;
  if (auto* a = std::get_if<BinaryAttrs>(&node.attrs)) return &a->activation;
  if (auto* a = std::get_if<MatMulAttrs>(&node.attrs)) return &a->activation;
  return nullptr;
}

const Activation* fused_activation(const Node& node) {
  return activation_slot(const_cast<Node&>(node));
}

}  // namespace shape_detail

namespace rewrite_detail {

std::vector<int> use_counts(const Graph& graph) {
  std::vector<int> uses(graph.values.size(), 0);
  for (const Node& n : graph.nodes)
    for (ValueId v : n.inputs) ++uses.at(v);
  for (ValueId v : graph.outputs) ++uses.at(v);
  return uses;
}

void compact(Graph& graph, const std::vector<bool>& keep) {
  std::vector<bool> used(graph.values.size(), false);
  if (graph.input >= 0) used.at(graph.input) = true;
  for (ValueId v : graph.outputs) used.at(v) = true;
  for (size_t i = 0; i < graph.nodes.size(); ++i) {
    if (!keep[i]) continue;
    used.at(graph.nodes[i].output) = true;
    for (ValueId v : graph.nodes[i].inputs) used.at(v) = true;
  }
  std::vector<ValueId> remap(graph.values.size(), -1);
  std::vector<Value> values;
  for (size_t v = 0; v < graph.values.size(); ++v) {
    if (!used[v]) continue;
    remap[v] = static_cast<ValueId>(values.size());
    values.push_back(std::move(graph.values[v]));
    values.back().producer = -1;
  }
  std::vector<Node> nodes;
  for (size_t i = 0; i < graph.nodes.size(); ++i) {
    if (!keep[i]) continue;
    Node n = std::move(graph.nodes[i]);
    for (ValueId& v : n.inputs) v = remap[v];
    n.output = remap[n.output];
    values[n.output].producer = static_cast<int>(nodes.size());
    nodes.push_back(std::move(n));
  }
  if (graph.input >= 0) graph.input = remap[graph.input];
  for (ValueId& v : graph.outputs) v = remap[v];
  graph.values = std::move(values);
  graph.nodes = std::move(nodes);
}

}  // namespace rewrite_detail

namespace {

using namespace rewrite_detail;
using shape_detail::activation_slot;

// Output channel o of `conv` becomes conv_o * factor[o] + offset[o] (a
// BatchNorm or a per-channel affine folded into the weights and the bias).
void fold_into_conv(ConvAttrs& conv, const std::vector<float>& factor,
                    const std::vector<float>& offset) {
  const size_t out_channels = conv.bias.size();
  const size_t per_output = conv.weight.size() / out_channels;
  for (size_t o = 0; o < out_channels; ++o) {
    float* w = conv.weight.data() + o * per_output;
    for (size_t k = 0; k < per_output; ++k) w[k] *= factor[o];
    conv.bias[o] = conv.bias[o] * factor[o] + offset[o];
  }
}

// Output feature n of a Linear layer (a MatMul by a constant [K, N]) becomes
// y_n * factor[n] + offset[n].
void fold_into_linear(MatMulAttrs& linear, const std::vector<float>& factor,
                      const std::vector<float>& offset) {
  const size_t n = factor.size();
  float* w = linear.constant.data();
  for (size_t i = 0; i < linear.constant.size(); ++i) w[i] *= factor[i % n];
  linear.bias.resize(n, 0.0f);
  for (size_t o = 0; o < n; ++o) linear.bias[o] = linear.bias[o] * factor[o] + offset[o];
}

}  // namespace

int fold_batchnorms(Graph& graph) {
  return merge_single_use_pairs(graph, OpKind::kBatchNorm, [](Node& producer, const Node& bn) {
    ConvAttrs* conv_attrs = std::get_if<ConvAttrs>(&producer.attrs);
    const BatchNormAttrs* bn_attrs = std::get_if<BatchNormAttrs>(&bn.attrs);
    if (producer.op != OpKind::kConv || !conv_attrs || !bn_attrs) return Merged::kNothing;
    ConvAttrs& conv = *conv_attrs;
    const BatchNormAttrs& b = *bn_attrs;
    const size_t out_channels = conv.bias.size();
    if (!conv.activation.none() || b.scale.size() != out_channels ||
        b.shift.size() != out_channels || out_channels == 0 ||
        conv.weight.size() % out_channels != 0)
      return Merged::kNothing;
    fold_into_conv(conv, b.scale, b.shift);
    conv.activation = b.activation;
    return Merged::kProducer;
  });
}

namespace {

// The per-feature values of a constant operand that varies along dim `dim`
// only (n values, or one broadcast to n); empty when it varies elsewhere.
std::vector<float> per_feature(const Tensor& constant, size_t dim, int64_t n) {
  const Dims& d = constant.shape().dims;
  for (size_t k = 0; k < d.size(); ++k)
    if (k != dim && d[k] != 1) return {};
  if (constant.size() == 1) return std::vector<float>(static_cast<size_t>(n), constant.data()[0]);
  if (dim >= d.size() || d[dim] != n) return {};
  return constant.values();
}

// y * factor[f] + offset[f] for feature f: what a Binary with a per-feature
// constant does (Mul, Div by a constant, Add, Sub of a constant), before its
// fused activation (the caller carries that over or refuses it).
struct FeatureAffine {
  std::vector<float> factor, offset;
};

std::optional<FeatureAffine> feature_affine(const BinaryAttrs& b, size_t dim, int64_t n) {
  if (b.constant_index < 0) return std::nullopt;
  std::vector<float> c = per_feature(b.constant, dim, n);
  if (c.empty()) return std::nullopt;
  FeatureAffine f{std::vector<float>(c.size(), 1.0f), std::vector<float>(c.size(), 0.0f)};
  using Kind = BinaryAttrs::Kind;
  const bool second = b.constant_index == 1;
  switch (b.kind) {
    case Kind::kMul: f.factor = std::move(c); break;
    case Kind::kAdd: f.offset = std::move(c); break;
    case Kind::kDiv:
      if (!second) return std::nullopt;
      for (size_t i = 0; i < c.size(); ++i) {
        if (c[i] == 0.0f) return std::nullopt;
        f.factor[i] = 1.0f / c[i];
      }
      break;
    case Kind::kSub:
      if (!second) return std::nullopt;
      for (size_t i = 0; i < c.size(); ++i) f.offset[i] = -c[i];
      break;
    case Kind::kPow:
    case Kind::kMax:
    case Kind::kMin: return std::nullopt;
  }
  return f;
}

}  // namespace

int fold_channel_affines(Graph& graph) {
  return merge_single_use_pairs(graph, OpKind::kBinary, [&](Node& producer, const Node& op) {
    const BinaryAttrs& b = std::get<BinaryAttrs>(op.attrs);
    if (auto* conv = std::get_if<ConvAttrs>(&producer.attrs)) {
      const int64_t out = static_cast<int64_t>(conv->bias.size());
      if (producer.op != OpKind::kConv || conv->residual || !conv->activation.none() || out == 0)
        return Merged::kNothing;
      const std::optional<FeatureAffine> f = feature_affine(b, 1, out);
      if (!f) return Merged::kNothing;
      fold_into_conv(*conv, f->factor, f->offset);
      conv->activation = b.activation;
      return Merged::kProducer;
    }
    if (auto* linear = std::get_if<MatMulAttrs>(&producer.attrs)) {
      const Dims& w = linear->constant.shape().dims;
      if (!is_linear_layer(graph, producer) || !linear->activation.none())
        return Merged::kNothing;
      const size_t last = graph.shape_of(producer.output).rank() - 1;
      const std::optional<FeatureAffine> f = feature_affine(b, last, w[1]);
      if (!f) return Merged::kNothing;
      fold_into_linear(*linear, f->factor, f->offset);
      linear->activation = b.activation;
      return Merged::kProducer;
    }
    if (auto* ln = std::get_if<LayerNormAttrs>(&producer.attrs)) {
      if (!b.activation.none()) return Merged::kNothing;
      const Shape& shape = graph.shape_of(producer.output);
      const std::optional<FeatureAffine> f =
          feature_affine(b, shape.rank() + ln->axis, static_cast<int64_t>(ln->scale.size()));
      if (!f) return Merged::kNothing;
      for (size_t k = 0; k < ln->scale.size(); ++k) {
        ln->scale[k] *= f->factor[k];
        ln->shift[k] = ln->shift[k] * f->factor[k] + f->offset[k];
      }
      return Merged::kProducer;
    }
    return Merged::kNothing;
  });
}

int compose_channel_gathers(Graph& graph) {
  int composed = 0;
  for (Node& n : graph.nodes) {
    auto* outer = std::get_if<ChannelGatherAttrs>(&n.attrs);
    const int p = graph.values.at(n.inputs.at(0)).producer;
    if (!outer || p < 0 || graph.nodes[p].op != OpKind::kChannelGather) continue;
    const auto& inner = std::get<ChannelGatherAttrs>(graph.nodes[p].attrs);
    for (int64_t& c : outer->source) c = inner.source.at(c);
    n.inputs[0] = graph.nodes[p].inputs.at(0);
    ++composed;
  }
  // Now, not at the end of optimize_graph: an unread inner gather would count
  // as a reader of its input and stop the single-use fusions that follow.
  if (composed) remove_dead_nodes(graph);
  return composed;
}

int reductions_to_global_pools(Graph& graph) {
  int rewritten = 0;
  for (Node& n : graph.nodes) {
    const auto* r = std::get_if<ReduceAttrs>(&n.attrs);
    if (n.op != OpKind::kReduce || !r || r->axes != std::vector<int64_t>{-2, -1} ||
        graph.shape_of(n.inputs[0]).rank() != 4)
      continue;
    if (r->kind == ReduceAttrs::Kind::kMean)
      n.op = OpKind::kGlobalAveragePool;
    else if (r->kind == ReduceAttrs::Kind::kMax)
      n.op = OpKind::kGlobalMaxPool;
    else
      continue;
    n.attrs = std::monostate{};
    ++rewritten;
  }
  return rewritten;
}

int fuse_activations(Graph& graph) {
  return merge_single_use_pairs(graph, OpKind::kActivation, [&](Node& producer, const Node& act) {
    if (producer.op == OpKind::kMatMul && !is_linear_layer(graph, producer))
      return Merged::kNothing;
    Activation* slot = activation_slot(producer);
    const ActivationAttrs* a = std::get_if<ActivationAttrs>(&act.attrs);
    if (!slot || !slot->none() || !a || a->activation.none() || !a->activation.fusable())
      return Merged::kNothing;
    *slot = a->activation;
    return Merged::kProducer;
  });
}

int fuse_residual_adds(Graph& graph) {
  const std::vector<int> uses = use_counts(graph);
  std::vector<bool> keep(graph.nodes.size(), true);
  int fused = 0;
  for (size_t i = 0; i < graph.nodes.size(); ++i) {
    const Node& add = graph.nodes[i];
    const BinaryAttrs* add_attrs = std::get_if<BinaryAttrs>(&add.attrs);
    if (add.op != OpKind::kBinary || !add_attrs || add_attrs->kind != BinaryAttrs::Kind::kAdd ||
        add_attrs->constant_index >= 0 || add.inputs.size() != 2 ||
        add.inputs[0] == add.inputs[1] ||
        graph.shape_of(add.inputs[0]) != graph.shape_of(add.inputs[1]))
      continue;
    // The later of the two producers that qualify: the other input is then
    // already computed wherever the Add stood.
    int conv = -1, side = -1;
    for (int s = 0; s < 2; ++s) {
      const ValueId in = add.inputs[s];
      const int p = graph.values.at(in).producer;
      if (p < 0 || !keep[p] || uses[in] != 1 || graph.nodes[p].op != OpKind::kConv) continue;
      const ConvAttrs* c = std::get_if<ConvAttrs>(&graph.nodes[p].attrs);
      if (!c || c->residual || !c->activation.none()) continue;
      // oneDNN 2.6's brgconv drops the sum post-op on output rows that see
      // only padding (wrong values; with a ReLU after it, a crash in its JIT
      // code). Such convs keep their Add.
      if (!c->window.pads_within_extent()) continue;
      if (p > conv) conv = p, side = s;
    }
    if (conv < 0) continue;
    // The conv moves to the Add's place (its own output had no other reader).
    Node merged = std::move(graph.nodes[conv]);
    ConvAttrs& c = std::get<ConvAttrs>(merged.attrs);
    c.residual = true;
    c.activation = add_attrs->activation;
    merged.inputs.push_back(add.inputs[1 - side]);
    merged.output = add.output;
    graph.nodes[i] = std::move(merged);
    keep[conv] = false;
    ++fused;
  }
  if (fused) compact(graph, keep);
  return fused;
}

int fuse_concat_batchnorms(Graph& graph) {
  return merge_single_use_pairs(graph, OpKind::kBatchNorm, [](const Node& producer, Node& bn) {
    const BatchNormAttrs* b = std::get_if<BatchNormAttrs>(&bn.attrs);
    if (producer.op != OpKind::kConcat || !b) return Merged::kNothing;
    if (!b->activation.none() && b->activation.kind != Activation::Kind::kRelu)
      return Merged::kNothing;
    bn.inputs = producer.inputs;
    return Merged::kConsumer;
  });
}

int remove_dead_nodes(Graph& graph) {
  std::vector<bool> live_value(graph.values.size(), false);
  for (ValueId v : graph.outputs) live_value.at(v) = true;
  std::vector<bool> keep(graph.nodes.size(), false);
  int removed = 0;
  for (size_t i = graph.nodes.size(); i-- > 0;) {
    const Node& n = graph.nodes[i];
    if (!live_value.at(n.output)) {
      ++removed;
      continue;
    }
    keep[i] = true;
    for (ValueId v : n.inputs) live_value.at(v) = true;
  }
  compact(graph, keep);
  return removed;
}

void optimize_graph(Graph& graph) {
  absorb_channels_last_transposes(graph);
  fuse_layer_norms(graph);
  fuse_gelus(graph);
  fold_channel_affines(graph);
  reductions_to_global_pools(graph);
  compose_channel_gathers(graph);
  fold_batchnorms(graph);
  fuse_gated_activations(graph);
  fuse_activations(graph);
  fuse_residual_adds(graph);
  fuse_concat_batchnorms(graph);
  remove_dead_nodes(graph);
  validate_graph(graph);
}

}  // namespace edgeflow
