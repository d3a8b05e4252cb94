// BatchNorm: a per-channel affine map (not folded into a conv) of its inputs
// concatenated along channels (a fused Concat), then an activation.
#include "ir/ops/op_internal.h"

namespace edgeflow::op_detail {
namespace {

using namespace shape_detail;

Shape infer_shape(const Graph& graph, const Node& node) {
  const BatchNormAttrs& a = attrs_of<BatchNormAttrs>(node);
  const Shape in = channel_concat_shape(graph, node);
  if (node.inputs.size() > 1 && !a.activation.none() &&
      a.activation.kind != Activation::Kind::kRelu)
    fail_node(node, std::string("with a fused Concat allows no activation but Relu, has ") +
                        activation_name(a.activation.kind));
  if (static_cast<int64_t>(a.scale.size()) != in.channels() ||
      static_cast<int64_t>(a.shift.size()) != in.channels())
    fail_node(node, "scale/shift have " + std::to_string(a.scale.size()) + "/" +
                        std::to_string(a.shift.size()) + " values for " +
                        std::to_string(in.channels()) + " channels");
  return in;
}

}  // namespace

const OpDescriptor& batch_norm_op() {
  static const OpDescriptor d{OpKind::kBatchNorm, "BatchNormalization", infer_shape, never_whole, same_rows, flops_per_element};
  return d;
}

}  // namespace edgeflow::op_detail
