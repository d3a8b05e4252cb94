// Pool: MaxPool and AveragePool windows.
#include "ir/ops/op_internal.h"

namespace edgeflow::op_detail {
namespace {

using namespace shape_detail;

Shape infer_shape(const Graph& graph, const Node& node) {
  expect_inputs(node, 1);
  const PoolAttrs& a = attrs_of<PoolAttrs>(node);
  const Shape& in = expect_feature_map(graph, node, 0);
  const Window& w = a.window;
  check_window(node, w);
  if (!w.pads_within_extent())
    fail_node(node, "pads must be smaller than the kernel " + dims_str(w.kernel_h, w.kernel_w));
  return window_shape(graph, node, w, in.channels(), a.ceil_mode);
}

RowMap rows(const Graph& graph, const Node& node, int input) {
  return window_rows(graph, node, input, std::get<PoolAttrs>(node.attrs).window);
}

double flops(const Graph& graph, const Node& node) {
  const auto& a = std::get<PoolAttrs>(node.attrs);
  return output_elements(graph, node) * static_cast<double>(a.window.kernel_h * a.window.kernel_w);
}

}  // namespace

const OpDescriptor& pool_op() {
  static const OpDescriptor d{OpKind::kPool, "Pool", infer_shape, never_whole, rows, flops};
  return d;
}

}  // namespace edgeflow::op_detail
