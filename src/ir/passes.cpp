// Shape inference of one node (its op's, src/ir/ops/, bounded here) and the
// graph validator. The rewrites are in rewrites.cpp.
#include <set>
#include <string>
#include <variant>
#include <vector>

#include "edgeflow/error.h"
#include "edgeflow/ir_passes.h"
#include "edgeflow/op_descriptor.h"
#include "ir/shape_internal.h"

namespace edgeflow {

namespace {

using namespace shape_detail;

void validate_structure(const Graph& graph) {
  const int values = static_cast<int>(graph.values.size());
  const int nodes = static_cast<int>(graph.nodes.size());
  auto in_range = [&](ValueId v) { return v >= 0 && v < values; };
  if (!in_range(graph.input)) fail_input("the graph input refers to no value");
  const Value& input = graph.values[graph.input];
  if (input.producer != -1) fail_input("the graph input '" + input.name + "' has a producer");
  if (input.shape.rank() != 4 || input.shape.dims[0] != 1)
    fail_input("the graph input '" + input.name + "' must be 1xCxHxW, is " + input.shape.str());
  int64_t elements = 1;
  for (int64_t d : input.shape.dims) {
    if (d < 1 || d > kMaxElements || elements * d > kMaxElements)
      fail_input("the graph input '" + input.name +
                 "' is empty or has more than 2^31 elements: " + input.shape.str());
    elements *= d;
  }
  if (graph.outputs.empty()) fail_input("the graph has no outputs");
  for (ValueId v : graph.outputs) {
    if (!in_range(v))
      fail_input("a graph output refers to no value (id " + std::to_string(v) + ")");
    if (graph.values[v].producer < 0)
      fail_input("graph output '" + graph.values[v].name + "' is produced by no node");
  }
  for (int v = 0; v < values; ++v) {
    const int p = graph.values[v].producer;
    if (p < -1 || p >= nodes || (p >= 0 && graph.nodes[p].output != v))
      fail_input("value '" + graph.values[v].name + "' names the wrong producer");
  }
  std::set<std::string> names;
  for (int i = 0; i < nodes; ++i) {
    const Node& n = graph.nodes[i];
    if (n.name.empty())
      fail_input("node " + std::to_string(i) + " (" + op_name(n.op) + ") has no name");
    if (!names.insert(n.name).second) fail_node(n, "has the name of another node");
    if (!in_range(n.output)) fail_node(n, "output refers to no value");
    if (graph.values[n.output].producer != i)
      fail_node(n, "output '" + graph.values[n.output].name + "' names another producer");
    for (ValueId v : n.inputs) {
      if (!in_range(v)) fail_node(n, "an input refers to no value (id " + std::to_string(v) + ")");
      const int p = graph.values[v].producer;
      if (p < 0 && v != graph.input)
        fail_node(n, "input '" + graph.values[v].name + "' is produced by no node");
      if (p >= i)
        fail_node(n, "input '" + graph.values[v].name +
                         "' is produced later (nodes are not in topological order)");
    }
  }
}

// The shape, unless one of its dims or its element count is out of bounds, or
// it is not a tensor the runtime can hold (rank 2 to 4, N = 1).
Shape bounded(const Node& node, Shape shape) {
  if (shape.rank() < 2 || shape.rank() > 4 || shape.dims[0] != 1)
    fail_node(node, "output " + shape.str() +
                        " is not supported: computed tensors have rank 2 to 4 and N = 1");
  int64_t elements = 1;
  for (int64_t d : shape.dims) {
    if (d < 1 || d > kMaxElements || elements * d > kMaxElements)
      fail_node(node, "output " + shape.str() + " is empty or has more than 2^31 elements");
    elements *= d;
  }
  return shape;
}

}  // namespace

Shape infer_output_shape(const Graph& graph, const Node& node) {
  Shape shape = bounded(node, op_descriptor(node.op).infer_shape(graph, node));
  if (const Activation* a = fused_activation(node)) {
    check_activation(node, *a);
    if (!a->fusable())
      fail_node(node, std::string("activation ") + activation_name(a->kind) + " cannot be fused");
  }
  return shape;
}

void validate_graph(const Graph& graph) {
  try {
    validate_structure(graph);
    for (const Node& n : graph.nodes) {
      const Shape expected = infer_output_shape(graph, n);
      const Value& out = graph.values[n.output];
      if (out.shape != expected)
        fail_node(n, "output '" + out.name + "' is stored as " + out.shape.str() +
                         ", the op gives " + expected.str());
    }
  } catch (const Error& e) {
    fail_input(std::string("invalid graph: ") + e.what());
  }
}

}  // namespace edgeflow
