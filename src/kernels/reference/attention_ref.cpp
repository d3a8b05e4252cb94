// Reference multi-head attention (AttentionAttrs), in double: for every head
// and query, the scaled dot products with every key (of its own block when
// windowed) plus the bias, their softmax (less the maximum, for range), and
// the weighted sum of the values. Tokens [1, T, C] are row-major, so element
// (t, c) is at t * C + c.
#include <cmath>

#include "kernels/reference/reference_ops.h"

namespace edgeflow::reference {

Tensor attention(const Graph& graph, const Node& node, const Inputs& inputs) {
  const AttentionAttrs& a = std::get<AttentionAttrs>(node.attrs);
  const Tensor& q = *inputs.at(0);
  const Tensor& k = *inputs.at(1);
  const Tensor& v = *inputs.at(2);
  const int64_t T = q.shape().dims[1], S = k.shape().dims[1];
  const int64_t C = q.shape().dims[2], D = v.shape().dims[2];
  const int64_t dq = C / a.heads, dv = D / a.heads;
  // Query t attends to keys [first, first + keys): its block's, or all.
  const int64_t keys = a.block > 0 ? a.block : S, queries = a.block > 0 ? a.block : T;
  Tensor y(graph.shape_of(node.output));
  std::vector<double> weight(static_cast<size_t>(keys));
  for (int64_t h = 0; h < a.heads; ++h)
    for (int64_t t = 0; t < T; ++t) {
      const int64_t block = t / queries, first = block * (a.block > 0 ? a.block : 0);
      const float* bias = nullptr;
      if (!a.bias.empty()) {
        const int64_t b = a.bias.shape().dims[0] == 1 ? 0 : block;
        bias = a.bias.data() + ((b * a.heads + h) * queries + t % queries) * keys;
      }
      double max = -INFINITY;
      for (int64_t s = 0; s < keys; ++s) {
        double dot = 0.0;
        for (int64_t i = 0; i < dq; ++i)
          dot += double(q.data()[t * C + h * dq + i]) *
                 double(k.data()[(first + s) * C + h * dq + i]);
        weight[s] = double(a.scale) * dot + (bias ? double(bias[s]) : 0.0);
        max = std::max(max, weight[s]);
      }
      double total = 0.0;
      for (double& w : weight) total += (w = std::exp(w - max));
      for (int64_t j = 0; j < dv; ++j) {
        double sum = 0.0;
        for (int64_t s = 0; s < keys; ++s)
          sum += weight[s] * double(v.data()[(first + s) * D + h * dv + j]);
        y.data()[t * D + h * dv + j] = static_cast<float>(sum / total);
      }
    }
  return y;
}

}  // namespace edgeflow::reference
