// Reference GlobalAveragePool and GlobalMaxPool (ONNX): y[c] = the mean, or
// the maximum, over all (h, w) of x[c][h][w].
#include <algorithm>
#include <limits>

#include "kernels/reference/reference_ops.h"

namespace edgeflow::reference {
namespace {

// y[c] = finish(fold over every pixel of x[c]).
template <typename Fold, typename Finish>
Tensor reduce_pixels(const Graph& graph, const Node& node, const Inputs& inputs, double start,
                     Fold fold, Finish finish) {
  const Tensor& x = *inputs.at(0);
  const Shape& xs = x.shape();
  Tensor y(graph.shape_of(node.output));
  for (int64_t c = 0; c < xs.channels(); ++c) {
    double acc = start;
    for (int64_t h = 0; h < xs.height(); ++h)
      for (int64_t w = 0; w < xs.width(); ++w) acc = fold(acc, x.data()[nhwc_index(xs, h, w, c)]);
    y.data()[c] = static_cast<float>(finish(acc, double(xs.height() * xs.width())));
  }
  return y;
}

}  // namespace

Tensor global_average_pool(const Graph& graph, const Node& node, const Inputs& inputs) {
  return reduce_pixels(
      graph, node, inputs, 0.0, [](double acc, float x) { return acc + x; },
      [](double sum, double pixels) { return sum / pixels; });
}

Tensor global_max_pool(const Graph& graph, const Node& node, const Inputs& inputs) {
  return reduce_pixels(
      graph, node, inputs, -std::numeric_limits<double>::infinity(),
      [](double acc, float x) { return std::max(acc, double(x)); },
      [](double max, double) { return max; });
}

}  // namespace edgeflow::reference
