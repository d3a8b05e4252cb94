// Reference elementwise binary ops (ONNX Add, Sub, Mul, Div, Pow) with
// multidirectional (numpy) broadcasting, in ONNX element order: operand dims
// are right-aligned with the output's, a dim of 1 repeats.
#include <cmath>

#include "kernels/reference/reference_ops.h"

namespace edgeflow::reference {
namespace {

double apply(BinaryAttrs::Kind kind, double x, double y) {
  switch (kind) {
    case BinaryAttrs::Kind::kAdd: return x + y;
    case BinaryAttrs::Kind::kSub: return x - y;
    case BinaryAttrs::Kind::kMul: return x * y;
    case BinaryAttrs::Kind::kDiv: return x / y;
    case BinaryAttrs::Kind::kPow: return std::pow(x, y);
    case BinaryAttrs::Kind::kMax: return std::max(x, y);
    case BinaryAttrs::Kind::kMin: return std::min(x, y);
  }
  return 0.0;
}

}  // namespace

Tensor binary(const Graph& graph, const Node& node, const Inputs& inputs) {
  const BinaryAttrs& a = std::get<BinaryAttrs>(node.attrs);
  const Shape& ys = graph.shape_of(node.output);
  std::vector<float> values[2];
  Dims dims[2];
  size_t next = 0;
  for (int k = 0; k < 2; ++k) {
    const Tensor& t = k == a.constant_index ? a.constant : *inputs.at(next++);
    values[k] = logical(t);
    dims[k] = t.shape().dims;
  }
  std::vector<float> out(static_cast<size_t>(ys.elements()));
  for (int64_t f = 0; f < ys.elements(); ++f) {
    const Dims index = unravel(f, ys.dims);
    double v[2];
    for (int k = 0; k < 2; ++k) {
      const size_t skip = ys.rank() - dims[k].size();
      const Dims strides = row_major_strides(dims[k]);
      int64_t at = 0;
      for (size_t i = 0; i < dims[k].size(); ++i)
        at += (dims[k][i] == 1 ? 0 : index[skip + i]) * strides[i];
      v[k] = values[k][at];
    }
    out[f] = activate(static_cast<float>(apply(a.kind, v[0], v[1])), a.activation);
  }
  return from_logical(ys, out);
}

}  // namespace edgeflow::reference
