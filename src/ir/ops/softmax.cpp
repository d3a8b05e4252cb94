// Softmax over one axis, or (coerced, opset < 13) over the trailing axes.
#include "ir/ops/op_internal.h"

namespace edgeflow::op_detail {
namespace {

using namespace shape_detail;

Shape infer_shape(const Graph& graph, const Node& node) {
  expect_inputs(node, 1);
  const SoftmaxAttrs& a = attrs_of<SoftmaxAttrs>(node);
  const Shape& in = input_shape(graph, node, 0);
  check_end_axis(node, a.axis, in.rank(), "axis");
  return in;
}

// Over the row axis (or, coerced, over axes that include it): whole.
bool whole(const Node& node) {
  const SoftmaxAttrs& s = std::get<SoftmaxAttrs>(node.attrs);
  return s.coerced ? s.axis <= kRowAxisFromEnd : s.axis == kRowAxisFromEnd;
}

double flops(const Graph& graph, const Node& node) { return 4.0 * output_elements(graph, node); }

}  // namespace

const OpDescriptor& softmax_op() {
  static const OpDescriptor d{OpKind::kSoftmax, "Softmax", infer_shape, whole, same_rows, flops};
  return d;
}

}  // namespace edgeflow::op_detail
