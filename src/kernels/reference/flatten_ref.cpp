// Reference Flatten (ONNX, axis 1): y[(c*H + h)*W + w] = x[c][h][w], i.e. the
// NCHW element order of the input; a rank-2 input is copied as is.
#include "kernels/reference/reference_ops.h"

namespace edgeflow::reference {

Tensor flatten(const Graph& graph, const Node& node, const Inputs& inputs) {
  const Tensor& x = *inputs.at(0);
  const Shape& xs = x.shape();
  Tensor y(graph.shape_of(node.output));
  if (!xs.is_feature_map()) {
    y.values() = x.values();
    return y;
  }
  for (int64_t c = 0; c < xs.channels(); ++c)
    for (int64_t h = 0; h < xs.height(); ++h)
      for (int64_t w = 0; w < xs.width(); ++w)
        y.data()[(c * xs.height() + h) * xs.width() + w] = x.data()[nhwc_index(xs, h, w, c)];
  return y;
}

}  // namespace edgeflow::reference
