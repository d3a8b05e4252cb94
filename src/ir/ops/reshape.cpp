// Reshape (and Squeeze, Unsqueeze, Flatten to other shapes): row by row
// when both shapes store the same rows, else whole.
#include "ir/ops/op_internal.h"

namespace edgeflow::op_detail {
namespace {

using namespace shape_detail;

Shape infer_shape(const Graph& graph, const Node& node) {
  expect_inputs(node, 1);
  const ReshapeAttrs& a = attrs_of<ReshapeAttrs>(node);
  const Shape& in = input_shape(graph, node, 0);
  const Shape out(a.dims);
  int64_t n = 1;
  for (int64_t d : a.dims) {
    if (d < 1 || d > kMaxElements || n * d > kMaxElements)
      fail_node(node, "target " + out.str() + " is empty or too large");
    n *= d;
  }
  if (n != in.elements())
    fail_node(node, "cannot reshape " + in.str() + " to " + out.str());
  if (a.row_local != reshape_is_row_local(in, out))
    fail_node(node, "row-locality flag does not match the shapes");
  return out;
}

bool whole(const Node& node) { return !std::get<ReshapeAttrs>(node.attrs).row_local; }

}  // namespace

const OpDescriptor& reshape_op() {
  static const OpDescriptor d{OpKind::kReshape, "Reshape", infer_shape, whole, same_rows, flops_per_element};
  return d;
}

}  // namespace edgeflow::op_detail
