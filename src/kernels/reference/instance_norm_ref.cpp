// Reference InstanceNormalization (ONNX), in double: per channel, the mean
// and the (biased) variance over H and W, then
// y = scale[c] * (x - mean) / sqrt(variance + epsilon) + shift[c].
// Maps are NHWC: pixel p's channels are contiguous.
#include "kernels/reference/reference_ops.h"

namespace edgeflow::reference {

Tensor instance_norm(const Graph& graph, const Node& node, const Inputs& inputs) {
  const InstanceNormAttrs& a = std::get<InstanceNormAttrs>(node.attrs);
  const Tensor& x = *inputs.at(0);
  Tensor y(graph.shape_of(node.output));
  const Dims& d = x.shape().dims;
  const int64_t channels = d[1], pixels = d[2] * d[3];
  for (int64_t c = 0; c < channels; ++c) {
    double sum = 0.0, squares = 0.0;
    for (int64_t p = 0; p < pixels; ++p) {
      const double v = x.data()[p * channels + c];
      sum += v;
      squares += v * v;
    }
    const double mean = sum / double(pixels);
    const double variance = std::max(0.0, squares / double(pixels) - mean * mean);
    const double inv = 1.0 / std::sqrt(variance + double(a.epsilon));
    for (int64_t p = 0; p < pixels; ++p)
      y.data()[p * channels + c] = static_cast<float>(
          double(a.scale[c]) * (double(x.data()[p * channels + c]) - mean) * inv +
          double(a.shift[c]));
  }
  return y;
}

}  // namespace edgeflow::reference
