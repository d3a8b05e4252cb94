// Reduce: mean, max, min or sum over axes, or arg max / min over the axis
// innermost in storage; reduced dims kept as 1.
#include <algorithm>

#include "ir/ops/op_internal.h"

namespace edgeflow::op_detail {
namespace {

using namespace shape_detail;

// The axis (from the end) whose elements are contiguous in storage: C of an
// NHWC map, the last of anything else.
int64_t innermost_axis(size_t rank) { return rank == 4 ? -3 : -1; }

Shape infer_shape(const Graph& graph, const Node& node) {
  expect_inputs(node, 1);
  const ReduceAttrs& a = attrs_of<ReduceAttrs>(node);
  if (static_cast<int>(a.kind) < 0 || a.kind > ReduceAttrs::Kind::kArgMin)
    fail_node(node, "unknown reduction");
  Shape out = input_shape(graph, node, 0);
  if (a.axes.empty()) fail_node(node, "has no axes");
  if (a.is_arg() && a.axes != std::vector<int64_t>{innermost_axis(out.rank())})
    fail_node(node, "an arg max / min is over one axis, the one innermost in storage (the "
                    "channels of a map, the last axis of tokens)");
  if (!a.is_arg() && a.select_last_index) fail_node(node, "select_last_index on a reduction");
  for (size_t i = 0; i < a.axes.size(); ++i) {
    check_end_axis(node, a.axes[i], out.rank(), "axis");
    if (i > 0 && a.axes[i] <= a.axes[i - 1]) fail_node(node, "axes are not sorted and distinct");
    out.dims[out.rank() + a.axes[i]] = 1;
  }
  return out;
}

// A reduction over the row axis needs every row.
bool whole(const Node& node) {
  const auto& axes = std::get<ReduceAttrs>(node.attrs).axes;
  return std::find(axes.begin(), axes.end(), kRowAxisFromEnd) != axes.end();
}

}  // namespace

const OpDescriptor& reduce_op() {
  static const OpDescriptor d{OpKind::kReduce, "Reduce", infer_shape, whole, same_rows, flops_per_input_element};
  return d;
}

}  // namespace edgeflow::op_detail
