// The pieces the op descriptors share (op_internal.h): the common row maps
// and the generic FLOP counts.
#include "ir/ops/op_internal.h"

namespace edgeflow::op_detail {

RowMap whole_rows(const Graph& graph, const Node& node, int input) {
  RowMap m;
  m.kind = RowMap::Kind::kWhole;
  m.in_height = graph.shape_of(node.inputs.at(input)).height();
  m.out_height = graph.shape_of(node.output).height();
  return m;
}

RowMap same_rows(const Graph& graph, const Node& node, int input) {
  RowMap m = whole_rows(graph, node, input);
  if (m.in_height == m.out_height) m.kind = RowMap::Kind::kWindow;  // stride 1, extent 1
  return m;
}

RowMap window_rows(const Graph& graph, const Node& node, int input, const Window& w) {
  RowMap m = whole_rows(graph, node, input);
  m.kind = RowMap::Kind::kWindow;
  m.stride = w.stride_h, m.offset = w.pad_top, m.extent = w.extent_h();
  return m;
}

double output_elements(const Graph& graph, const Node& node) {
  return static_cast<double>(graph.shape_of(node.output).elements());
}

double input_elements(const Graph& graph, const Node& node, int input) {
  return static_cast<double>(graph.shape_of(node.inputs.at(input)).elements());
}

double flops_per_element(const Graph& graph, const Node& node) {
  return output_elements(graph, node);
}

double flops_per_input_element(const Graph& graph, const Node& node) {
  return input_elements(graph, node, 0);
}

}  // namespace edgeflow::op_detail
