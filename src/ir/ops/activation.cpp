// Activation: a standalone elementwise activation (one oneDNN cannot fuse
// into a producer, or whose producer has other readers).
#include "ir/ops/op_internal.h"

namespace edgeflow::op_detail {
namespace {

using namespace shape_detail;

Shape infer_shape(const Graph& graph, const Node& node) {
  expect_inputs(node, 1);
  const Activation& a = attrs_of<ActivationAttrs>(node).activation;
  if (a.none()) fail_node(node, "has no activation");
  check_activation(node, a);
  return input_shape(graph, node, 0);
}

}  // namespace

const OpDescriptor& activation_op() {
  static const OpDescriptor d{OpKind::kActivation, "Activation", infer_shape, never_whole, same_rows, flops_per_element};
  return d;
}

}  // namespace edgeflow::op_detail
