// Reference GlobalAveragePool (ONNX): y[c] = mean over all (h, w) of x[c][h][w].
#include "kernels/reference/reference_ops.h"

namespace edgeflow::reference {

Tensor global_average_pool(const Graph& graph, const Node& node, const Inputs& inputs) {
  const Tensor& x = *inputs.at(0);
  const Shape& xs = x.shape();
  Tensor y(graph.shape_of(node.output));
  for (int64_t c = 0; c < xs.channels(); ++c) {
    double sum = 0.0;
    for (int64_t h = 0; h < xs.height(); ++h)
      for (int64_t w = 0; w < xs.width(); ++w) sum += x.data()[nhwc_index(xs, h, w, c)];
    y.data()[c] = static_cast<float>(sum / double(xs.height() * xs.width()));
  }
  return y;
}

}  // namespace edgeflow::reference
