// PRelu: y = x < 0 ? slope * x : x, the slope a constant broadcast to x
// (per channel, one for all, or any unidirectional broadcast).
#include "ir/ops/op_internal.h"

namespace edgeflow::op_detail {
namespace {

using namespace shape_detail;

Shape infer_shape(const Graph& graph, const Node& node) {
  expect_inputs(node, 1);
  const PReluAttrs& a = attrs_of<PReluAttrs>(node);
  const Shape& in = input_shape(graph, node, 0);
  check_tensor(node, a.slope, "slope");
  const Dims& s = a.slope.shape().dims;
  bool fits = s.size() == in.rank();
  for (size_t i = 0; fits && i < s.size(); ++i) fits = s[i] == 1 || s[i] == in.dims[i];
  if (!fits)
    fail_node(node, "slope " + a.slope.shape().str() + " does not broadcast to the input " +
                        in.str());
  return in;
}

}  // namespace

const OpDescriptor& prelu_op() {
  static const OpDescriptor d{OpKind::kPRelu, "PRelu",   infer_shape,
                              never_whole,    same_rows, flops_per_element};
  return d;
}

}  // namespace edgeflow::op_detail
