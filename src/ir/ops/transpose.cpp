// Transpose: ONNX Transpose of the whole tensor, in NCHW order.
#include <set>

#include "ir/ops/op_internal.h"

namespace edgeflow::op_detail {
namespace {

using namespace shape_detail;

Shape infer_shape(const Graph& graph, const Node& node) {
  expect_inputs(node, 1);
  const TransposeAttrs& a = attrs_of<TransposeAttrs>(node);
  const Shape& in = input_shape(graph, node, 0);
  std::set<int64_t> seen;
  for (int64_t p : a.perm)
    if (p < 0 || p >= static_cast<int64_t>(in.rank()) || !seen.insert(p).second)
      fail_node(node, "perm is not a permutation of the input's " + std::to_string(in.rank()) +
                          " dims");
  if (a.perm.size() != in.rank()) fail_node(node, "perm has the wrong length");
  Dims out;
  for (int64_t p : a.perm) out.push_back(in.dims[p]);
  return Shape(out);
}

}  // namespace

const OpDescriptor& transpose_op() {
  static const OpDescriptor d{OpKind::kTranspose, "Transpose", infer_shape, always_whole, whole_rows, flops_per_element};
  return d;
}

}  // namespace edgeflow::op_detail
