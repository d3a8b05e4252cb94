// The graph surgery the IR rewrites share (src/ir only): use counts,
// dropping nodes, and looking through a value to its producer.
#pragma once

#include <variant>
#include <vector>

#include "edgeflow/ir.h"

namespace edgeflow::rewrite_detail {

// How often each value is read: by node inputs, and by the graph outputs.
std::vector<int> use_counts(const Graph& graph);

// Drops the nodes with keep[i] == false and every value nothing refers to any
// more; renumbers values and recomputes producers.
void compact(Graph& graph, const std::vector<bool>& keep);

// Looks through values to the nodes of a pattern.
struct Matcher {
  const Graph& graph;
  const std::vector<int>& uses;
  const std::vector<bool>& keep;

  // The index of the node producing `v` if it is an `op` not yet taken by
  // another match and `v` is read `reads` times (any number: kAnyReads); else -1.
  static constexpr int kAnyReads = -1;
  int producer(ValueId v, OpKind op, int reads = 1) const {
    const int p = graph.values.at(v).producer;
    if (p < 0 || !keep[p] || graph.nodes[p].op != op) return -1;
    if (reads != kAnyReads && uses[v] != reads) return -1;
    return p;
  }
  const Node& node(int i) const { return graph.nodes[i]; }
};

// A Binary of `kind` with no fused activation, with or without a constant operand.
inline bool plain_binary(const Node& n, BinaryAttrs::Kind kind, bool with_constant) {
  const auto* b = std::get_if<BinaryAttrs>(&n.attrs);
  return b && b->kind == kind && b->activation.none() && (b->constant_index >= 0) == with_constant;
}

// A standalone activation of `kind`.
inline bool is_activation(const Node& n, Activation::Kind kind) {
  const auto* a = std::get_if<ActivationAttrs>(&n.attrs);
  return a && a->activation.kind == kind;
}

// Lets node `p` produce the output of node `i` (which is then dropped).
inline void take_over_output(Graph& graph, int p, int i) {
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

}  // namespace edgeflow::rewrite_detail
