// LayerNorm: normalization over one axis, then a per-element affine map.
// Row-local when the axis is not the row axis (always, where a kernel runs
// it: the innermost storage axis).
#include "ir/ops/op_internal.h"

namespace edgeflow {

bool layer_norm_axis_is_innermost(int64_t axis, size_t rank) {
  return rank == 4 ? axis == -3 : axis == -1;
}

namespace op_detail {
namespace {

using namespace shape_detail;

Shape infer_shape(const Graph& graph, const Node& node) {
  expect_inputs(node, 1);
  const LayerNormAttrs& a = attrs_of<LayerNormAttrs>(node);
  const Shape& in = input_shape(graph, node, 0);
  check_end_axis(node, a.axis, in.rank(), "axis");
  if (a.axis == kRowAxisFromEnd && in.rank() >= 2)
    fail_node(node, "normalizes the row axis; only a channel or feature axis is supported");
  const int64_t n = in.dims[in.rank() + a.axis];
  if (static_cast<int64_t>(a.scale.size()) != n || static_cast<int64_t>(a.shift.size()) != n)
    fail_node(node, "scale/shift have " + std::to_string(a.scale.size()) + "/" +
                        std::to_string(a.shift.size()) + " values for an axis of " +
                        std::to_string(n));
  if (!(a.epsilon >= 0.0f)) fail_node(node, "epsilon must be >= 0");
  return in;
}

double flops(const Graph& graph, const Node& node) { return 8.0 * output_elements(graph, node); }

}  // namespace

const OpDescriptor& layer_norm_op() {
  static const OpDescriptor d{OpKind::kLayerNorm, "LayerNormalization", infer_shape, never_whole,
                              same_rows, flops};
  return d;
}

}  // namespace op_detail
}  // namespace edgeflow
