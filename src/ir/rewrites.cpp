// IR rewrites: BatchNorm folding, gated-activation, activation, residual-Add
// and Concat-BatchNorm fusion, dead node removal, and optimize_graph() running them all.
#include <cmath>
#include <variant>
#include <vector>

#include "edgeflow/ir_passes.h"
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
  return nullptr;
}

const Activation* fused_activation(const Node& node) {
  return activation_slot(const_cast<Node&>(node));
}

}  // namespace shape_detail

namespace {

using shape_detail::activation_slot;

// How often each value is read: by node inputs, and by the graph outputs.
std::vector<int> use_counts(const Graph& graph) {
  std::vector<int> uses(graph.values.size(), 0);
  for (const Node& n : graph.nodes)
    for (ValueId v : n.inputs) ++uses.at(v);
  for (ValueId v : graph.outputs) ++uses.at(v);
  return uses;
}

// Drops the nodes with keep[i] == false and every value nothing refers to any
// more; renumbers values and recomputes producers.
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

// Lets node `p` produce the output of node `i` (which is then dropped).
void take_over_output(Graph& graph, int p, int i) {
  graph.nodes[p].output = graph.nodes[i].output;
  graph.values[graph.nodes[i].output].producer = p;
}

// What merging a consumer with its producer left of the pair.
enum class Merged { kNothing, kProducer, kConsumer };

// The shape shared by the passes that merge a node into or with the node its
// only input comes from: for every node of kind `consumer_op` with one input,
// produced by a node nothing else reads, merge(producer, consumer) either
// leaves both (kNothing) or merges them into one of the two, which then
// stands for both (the producer takes over the consumer's output). Returns
// the number of pairs merged.
template <typename Merge>
int merge_single_use_pairs(Graph& graph, OpKind consumer_op, Merge merge) {
  const std::vector<int> uses = use_counts(graph);
  std::vector<bool> keep(graph.nodes.size(), true);
  int merged = 0;
  for (size_t i = 0; i < graph.nodes.size(); ++i) {
    Node& consumer = graph.nodes[i];
    if (consumer.op != consumer_op || consumer.inputs.size() != 1) continue;
    const ValueId in = consumer.inputs[0];
    const int p = graph.values.at(in).producer;
    if (p < 0 || !keep[p] || uses[in] != 1) continue;
    switch (merge(graph.nodes[p], consumer)) {
      case Merged::kNothing: continue;
      case Merged::kProducer:
        take_over_output(graph, p, static_cast<int>(i));
        keep[i] = false;
        break;
      case Merged::kConsumer: keep[p] = false; break;
    }
    ++merged;
  }
  if (merged) compact(graph, keep);
  return merged;
}

}  // namespace

int fuse_gated_activations(Graph& graph) {
  const std::vector<int> uses = use_counts(graph);
  std::vector<bool> keep(graph.nodes.size(), true);
  int fused = 0;
  for (size_t i = 0; i < graph.nodes.size(); ++i) {
    Node& mul = graph.nodes[i];
    const BinaryAttrs* b = std::get_if<BinaryAttrs>(&mul.attrs);
    if (mul.op != OpKind::kBinary || !b || b->kind != BinaryAttrs::Kind::kMul ||
        b->constant_index != -1 || !b->activation.none() || mul.inputs.size() != 2)
      continue;
    for (int side = 0; side < 2; ++side) {
      const ValueId x = mul.inputs[side], gate = mul.inputs[1 - side];
      const int p = graph.values.at(gate).producer;
      if (p < 0 || !keep[p] || uses[gate] != 1 || graph.nodes[p].op != OpKind::kActivation ||
          graph.nodes[p].inputs != std::vector<ValueId>{x})
        continue;
      const ActivationAttrs* g = std::get_if<ActivationAttrs>(&graph.nodes[p].attrs);
      if (!g) continue;
      const Activation& a = g->activation;
      Activation gated;
      if (a.kind == Activation::Kind::kSigmoid) {
        gated.kind = Activation::Kind::kSwish;
      } else if (a.kind == Activation::Kind::kHardSigmoid &&
                 std::fabs(a.alpha - 1.0f / 6.0f) < 1e-7f && a.beta == 0.5f) {
        gated.kind = Activation::Kind::kHardSwish;
      } else {
        continue;
      }
      mul.op = OpKind::kActivation;
      mul.inputs = {x};
      mul.attrs = ActivationAttrs{gated};
      keep[p] = false;
      ++fused;
      break;
    }
  }
  if (fused) compact(graph, keep);
  return fused;
}

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
    const size_t per_channel = conv.weight.size() / out_channels;
    float* w = conv.weight.data();
    for (size_t o = 0; o < out_channels; ++o) {
      for (size_t k = 0; k < per_channel; ++k) w[o * per_channel + k] *= b.scale[o];
      conv.bias[o] = conv.bias[o] * b.scale[o] + b.shift[o];
    }
    conv.activation = b.activation;
    return Merged::kProducer;
  });
}

int fuse_activations(Graph& graph) {
  return merge_single_use_pairs(graph, OpKind::kActivation, [](Node& producer, const Node& act) {
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
  fold_batchnorms(graph);
  fuse_gated_activations(graph);
  fuse_activations(graph);
  fuse_residual_adds(graph);
  fuse_concat_batchnorms(graph);
  remove_dead_nodes(graph);
  validate_graph(graph);
}

}  // namespace edgeflow
