// Flatten: a feature map to [1, C*H*W] in ONNX (NCHW) element order.
#include "ir/ops/op_internal.h"

namespace edgeflow::op_detail {
namespace {

using namespace shape_detail;

Shape infer_shape(const Graph& graph, const Node& node) {
  expect_inputs(node, 1);
  attrs_of<std::monostate>(node);
  const Shape& in = expect_feature_map(graph, node, 0);
  return Shape({1, in.elements()});
}

}  // namespace

const OpDescriptor& flatten_op() {
  static const OpDescriptor d{OpKind::kFlatten, "Flatten", infer_shape, always_whole, whole_rows, flops_per_element};
  return d;
}

}  // namespace edgeflow::op_detail
