// MatMul: ONNX MatMul, batched over the leading dims; one operand may be a
// constant.
#include "ir/ops/op_internal.h"

namespace edgeflow::op_detail {
namespace {

using namespace shape_detail;

std::string text(const Dims& d) { return Shape(d).str(); }

Shape infer_shape(const Graph& graph, const Node& node) {
  const MatMulAttrs& a = attrs_of<MatMulAttrs>(node);
  const std::vector<Dims> d = operand_dims(graph, node, a.constant_index, a.constant);
  const Dims& x = d[0];
  const Dims& y = d[1];
  if (x.size() < 2 || y.size() < 2)
    fail_node(node, "operands " + text(x) + " and " + text(y) + " must have rank 2 or more");
  if (x.back() != y[y.size() - 2])
    fail_node(node, "operands " + text(x) + " and " + text(y) + " do not multiply");
  Dims out = broadcast_dims(node, Dims(x.begin(), x.end() - 2), Dims(y.begin(), y.end() - 2));
  out.push_back(x[x.size() - 2]);
  out.push_back(y.back());
  if ((!a.bias.empty() || !a.activation.none()) && !is_linear_layer(graph, node))
    fail_node(node, "a bias or an activation needs a Linear layer (a constant [K, N] second "
                    "operand over tokens [1, T, K] or a vector [1, K])");
  if (!a.bias.empty() && static_cast<int64_t>(a.bias.size()) != y.back())
    fail_node(node, "a bias needs N = " + std::to_string(y.back()) + " values, has " +
                        std::to_string(a.bias.size()));
  return Shape(out);
}

// Operand A is read row by row; operand B (the second) whole.
RowMap rows(const Graph& graph, const Node& node, int input) {
  const MatMulAttrs& m = std::get<MatMulAttrs>(node.attrs);
  const int operand = m.constant_index == 0 ? 1 : input;
  return operand == 1 ? whole_rows(graph, node, input) : same_rows(graph, node, input);
}

double flops(const Graph& graph, const Node& node) {
  const Shape& in = graph.shape_of(node.inputs.at(0));
  const auto& m = std::get<MatMulAttrs>(node.attrs);
  const int64_t k = m.constant_index == 0 ? m.constant.shape().dims.back() : in.dims.back();
  return 2.0 * output_elements(graph, node) * static_cast<double>(k);
}

}  // namespace

const OpDescriptor& matmul_op() {
  static const OpDescriptor d{OpKind::kMatMul, "MatMul", infer_shape, never_whole, rows, flops};
  return d;
}

}  // namespace edgeflow::op_detail

namespace edgeflow {

bool is_linear_layer(const Graph& graph, const Node& node) {
  const auto* m = std::get_if<MatMulAttrs>(&node.attrs);
  if (node.op != OpKind::kMatMul || !m || m->constant_index != 1 ||
      m->constant.shape().rank() != 2 || node.inputs.empty())
    return false;
  const Shape& in = graph.shape_of(node.inputs[0]);
  return (in.rank() == 2 || in.rank() == 3) && in.dims[0] == 1;
}

}  // namespace edgeflow
