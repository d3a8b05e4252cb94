// Reference LRN (ONNX): y[c] = x[c] / (bias + alpha/size * square_sum[c])^beta,
// square_sum over channels [c - floor((size-1)/2), c + ceil((size-1)/2)] that
// exist, in double. Maps are NHWC: pixel p's channels are contiguous.
#include "kernels/reference/reference_ops.h"

namespace edgeflow::reference {

Tensor lrn(const Graph& graph, const Node& node, const Inputs& inputs) {
  const LrnAttrs& a = std::get<LrnAttrs>(node.attrs);
  const Tensor& x = *inputs.at(0);
  Tensor y(graph.shape_of(node.output));
  const Dims& d = x.shape().dims;
  const int64_t channels = d[1], pixels = d[2] * d[3];
  const int64_t down = (a.size - 1) / 2, up = (a.size - 1) - down;
  for (int64_t p = 0; p < pixels; ++p)
    for (int64_t c = 0; c < channels; ++c) {
      double sum = 0.0;
      for (int64_t k = c - down; k <= c + up; ++k)
        if (k >= 0 && k < channels) {
          const double v = x.data()[p * channels + k];
          sum += v * v;
        }
      const double scale = double(a.bias) + double(a.alpha) / double(a.size) * sum;
      y.data()[p * channels + c] =
          static_cast<float>(double(x.data()[p * channels + c]) / std::pow(scale, double(a.beta)));
    }
  return y;
}

}  // namespace edgeflow::reference
