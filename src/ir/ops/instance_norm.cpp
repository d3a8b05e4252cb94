// InstanceNorm: each channel of a map normalized over H and W, then a
// per-channel affine map. Its mean and variance read every row: a whole unit.
#include "ir/ops/op_internal.h"

namespace edgeflow::op_detail {
namespace {

using namespace shape_detail;

Shape infer_shape(const Graph& graph, const Node& node) {
  expect_inputs(node, 1);
  const InstanceNormAttrs& a = attrs_of<InstanceNormAttrs>(node);
  const Shape& in = input_shape(graph, node, 0);
  if (in.rank() != 4) fail_node(node, "input must be a 1xCxHxW map, is " + in.str());
  const size_t c = static_cast<size_t>(in.dims[1]);
  if (a.scale.size() != c || a.shift.size() != c)
    fail_node(node, "scale/shift have " + std::to_string(a.scale.size()) + "/" +
                        std::to_string(a.shift.size()) + " values for " + std::to_string(c) +
                        " channels");
  if (!(a.epsilon >= 0.0f)) fail_node(node, "epsilon must be >= 0");
  return in;
}

double flops(const Graph& graph, const Node& node) { return 6.0 * output_elements(graph, node); }

}  // namespace

const OpDescriptor& instance_norm_op() {
  static const OpDescriptor d{OpKind::kInstanceNorm, "InstanceNormalization", infer_shape,
                              always_whole, whole_rows, flops};
  return d;
}

}  // namespace edgeflow::op_detail
