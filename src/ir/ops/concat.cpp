// Concat: feature maps joined along channels.
#include "ir/ops/op_internal.h"

namespace edgeflow::op_detail {
namespace {

using namespace shape_detail;

Shape infer_shape(const Graph& graph, const Node& node) {
  if (!std::holds_alternative<std::monostate>(node.attrs))
    fail_node(node, "has attributes of the wrong kind");
  return channel_concat_shape(graph, node);
}

}  // namespace

const OpDescriptor& concat_op() {
  static const OpDescriptor d{OpKind::kConcat, "Concat", infer_shape, never_whole, same_rows, flops_per_element};
  return d;
}

}  // namespace edgeflow::op_detail
