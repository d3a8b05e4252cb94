// RowSlice: every step-th row of the input from a start (a Slice along the
// row axis, or a Gather of one index). Row-local: output row r reads input
// row start + r * step.
#include "ir/ops/op_internal.h"

namespace edgeflow::op_detail {
namespace {

using namespace shape_detail;

Shape infer_shape(const Graph& graph, const Node& node) {
  expect_inputs(node, 1);
  const RowSliceAttrs& a = attrs_of<RowSliceAttrs>(node);
  const Shape& in = input_shape(graph, node, 0);
  const Shape out(a.dims);
  if (out.rank() < 2 || out.rank() > 4)
    fail_node(node, "output " + out.str() + " must have rank 2 to 4");
  for (int64_t d : a.dims)
    if (d < 1 || d > kMaxElements) fail_node(node, "output " + out.str() + " is empty or too large");
  if (out.row_elements() != in.row_elements())
    fail_node(node, "output rows of " + out.str() + " do not hold the " +
                        std::to_string(in.row_elements()) + " floats of a row of " + in.str());
  if (a.step < 1 || a.step > kMaxGeometry) fail_node(node, "step must be 1 to 2^24");
  const int64_t last = a.start + (out.height() - 1) * a.step;
  if (a.start < 0 || last >= in.height())
    fail_node(node, "rows " + std::to_string(a.start) + " to " + std::to_string(last) +
                        " are not all rows of " + in.str());
  return out;
}

RowMap rows(const Graph& graph, const Node& node, int input) {
  const RowSliceAttrs& a = std::get<RowSliceAttrs>(node.attrs);
  RowMap m = whole_rows(graph, node, input);
  m.kind = RowMap::Kind::kWindow;
  m.stride = a.step, m.offset = -a.start, m.extent = 1;
  return m;
}

}  // namespace

const OpDescriptor& row_slice_op() {
  static const OpDescriptor d{OpKind::kRowSlice, "RowSlice", infer_shape, never_whole, rows,
                              flops_per_element};
  return d;
}

}  // namespace edgeflow::op_detail
