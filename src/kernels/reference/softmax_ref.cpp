// Reference Softmax (ONNX): opset 13+, over one axis; before opset 13
// (coerced), the input is seen as 2-D [prod(dims[:axis]), prod(dims[axis:])]
// and each row is normalised. y = exp(x - max) / sum(exp(x - max)), in
// ONNX element order.
#include <cmath>

#include "kernels/reference/reference_ops.h"

namespace edgeflow::reference {

Tensor softmax(const Graph& graph, const Node& node, const Inputs& inputs) {
  const SoftmaxAttrs& a = std::get<SoftmaxAttrs>(node.attrs);
  const Shape& s = graph.shape_of(node.output);
  const std::vector<float> x = logical(*inputs.at(0));
  const int64_t axis = static_cast<int64_t>(s.rank()) + a.axis;
  // The input as [outer, n, inner]: softmax over n.
  int64_t outer = 1, n = 1, inner = 1;
  for (int64_t i = 0; i < static_cast<int64_t>(s.rank()); ++i) {
    if (i < axis) outer *= s.dims[i];
    else if (i == axis || a.coerced) n *= s.dims[i];
    else inner *= s.dims[i];
  }
  std::vector<float> y(x.size());
  for (int64_t o = 0; o < outer; ++o)
    for (int64_t i = 0; i < inner; ++i) {
      auto at = [&](int64_t k) { return static_cast<size_t>((o * n + k) * inner + i); };
      double max = -INFINITY, sum = 0.0;
      for (int64_t k = 0; k < n; ++k) max = std::max(max, double(x[at(k)]));
      for (int64_t k = 0; k < n; ++k) sum += std::exp(double(x[at(k)]) - max);
      for (int64_t k = 0; k < n; ++k)
        y[at(k)] = static_cast<float>(std::exp(double(x[at(k)]) - max) / sum);
    }
  return from_logical(s, y);
}

}  // namespace edgeflow::reference
