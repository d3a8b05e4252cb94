// ColumnGather: output column x of a map is input column source[x] of the
// same row (a Slice along the width, a cyclic shift of the columns as
// torch.roll writes it). Row-local.
#include "ir/ops/op_internal.h"

namespace edgeflow::op_detail {
namespace {

using namespace shape_detail;

Shape infer_shape(const Graph& graph, const Node& node) {
  expect_inputs(node, 1);
  const ColumnGatherAttrs& a = attrs_of<ColumnGatherAttrs>(node);
  Shape out = input_shape(graph, node, 0);
  if (out.rank() != 4) fail_node(node, "input must be a 1xCxHxW map, is " + out.str());
  if (a.source.empty() || static_cast<int64_t>(a.source.size()) > kMaxGeometry)
    fail_node(node, "gathers no column, or more than 2^24");
  for (int64_t x : a.source)
    if (x < 0 || x >= out.dims[3])
      fail_node(node, "source column " + std::to_string(x) + " is not one of the input's " +
                          std::to_string(out.dims[3]));
  out.dims[3] = static_cast<int64_t>(a.source.size());
  return out;
}

}  // namespace

const OpDescriptor& column_gather_op() {
  static const OpDescriptor d{OpKind::kColumnGather, "ColumnGather", infer_shape, never_whole,
                              same_rows, flops_per_element};
  return d;
}

}  // namespace edgeflow::op_detail
