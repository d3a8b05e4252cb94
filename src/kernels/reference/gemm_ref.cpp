// Reference Gemm on a [1, K] vector: y[n] = activation(b[n] + sum_k x[k] * W[n][k]).
#include "kernels/reference/reference_ops.h"

namespace edgeflow::reference {

Tensor gemm(const Graph& graph, const Node& node, const Inputs& inputs) {
  const GemmAttrs& a = std::get<GemmAttrs>(node.attrs);
  const Tensor& x = *inputs.at(0);
  Tensor y(graph.shape_of(node.output));
  const int64_t k_size = static_cast<int64_t>(x.size());
  for (int64_t n = 0; n < static_cast<int64_t>(y.size()); ++n) {
    double sum = a.bias.at(n);
    for (int64_t k = 0; k < k_size; ++k)
      sum += double(x.data()[k]) * double(a.weight.data()[n * k_size + k]);
    y.data()[n] = activate(static_cast<float>(sum), a.activation);
  }
  return y;
}

}  // namespace edgeflow::reference
