// Reference MatMul (ONNX, numpy matmul for operands of rank >= 2): the last
// two dims multiply, the leading (batch) dims broadcast; then a Linear
// layer's bias and activation.
#include "kernels/reference/reference_ops.h"

namespace edgeflow::reference {

Tensor matmul(const Graph& graph, const Node& node, const Inputs& inputs) {
  const MatMulAttrs& a = std::get<MatMulAttrs>(node.attrs);
  const Shape& ys = graph.shape_of(node.output);
  std::vector<float> values[2];
  Dims dims[2];
  size_t next = 0;
  for (int k = 0; k < 2; ++k) {
    const Tensor& t = k == a.constant_index ? a.constant : *inputs.at(next++);
    values[k] = k == a.constant_index ? t.values() : logical(t);  // constants: ONNX order
    dims[k] = t.shape().dims;
  }
  const size_t rank = ys.rank();
  const int64_t kk = dims[0].back();
  std::vector<float> out(static_cast<size_t>(ys.elements()));
  for (int64_t f = 0; f < ys.elements(); ++f) {
    const Dims index = unravel(f, ys.dims);
    int64_t base[2] = {0, 0};
    for (int k = 0; k < 2; ++k) {
      const Dims strides = row_major_strides(dims[k]);
      const size_t skip = rank - dims[k].size();
      for (size_t i = 0; i + 2 < dims[k].size(); ++i)
        base[k] += (dims[k][i] == 1 ? 0 : index[skip + i]) * strides[i];
    }
    const int64_t m = index[rank - 2], n = index[rank - 1];
    const int64_t n_cols = dims[1].back();
    double sum = 0.0;
    for (int64_t k = 0; k < kk; ++k)
      sum += double(values[0][base[0] + m * kk + k]) * double(values[1][base[1] + k * n_cols + n]);
    if (!a.bias.empty()) sum += a.bias[n];
    out[f] = activate(static_cast<float>(sum), a.activation);
  }
  return from_logical(ys, out);
}

}  // namespace edgeflow::reference
