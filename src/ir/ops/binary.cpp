// Binary: Add, Sub, Mul, Div and Pow with ONNX (numpy) broadcasting; one
// operand may be a constant. A residual Add of two same-shape maps is one too.
#include "ir/ops/op_internal.h"

namespace edgeflow::op_detail {
namespace {

using namespace shape_detail;

Shape infer_shape(const Graph& graph, const Node& node) {
  const BinaryAttrs& a = attrs_of<BinaryAttrs>(node);
  if (static_cast<int>(a.kind) < 0 || a.kind > BinaryAttrs::Kind::kMin)
    fail_node(node, "unknown binary op");
  const std::vector<Dims> d = operand_dims(graph, node, a.constant_index, a.constant);
  const Dims out = broadcast_dims(node, d[0], d[1]);
  if (a.constant_index >= 0 && a.constant.shape().rank() != out.size())
    fail_node(node, "constant operand " + a.constant.shape().str() + " is not of rank " +
                        std::to_string(out.size()));
  return Shape(out);
}

}  // namespace

const OpDescriptor& binary_op() {
  static const OpDescriptor d{OpKind::kBinary, "Binary", infer_shape, never_whole, same_rows, flops_per_element};
  return d;
}

}  // namespace edgeflow::op_detail
