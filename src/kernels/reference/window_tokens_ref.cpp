// Reference WindowPartition, WindowReverse and ColumnGather, from what the
// exporters write. Window partition is
//   x [1, C, H, W] seen channels-last [1, H, W, C]
//   -> Reshape [1, H/wh, wh, W/ww, ww, C] -> Transpose(0, 1, 3, 2, 4, 5)
//   -> Reshape [1, H*W, C]
// and WindowReverse its inverse. Feature maps are stored NHWC, so pixel
// (h, w) of a map is the C floats at (h*W + w)*C, and tokens [1, T, C] are
// row-major: token t is the C floats at t*C.
#include <algorithm>

#include "kernels/reference/reference_ops.h"

namespace edgeflow::reference {
namespace {

// For every token of the window order, the pixel (h*W + w) it is.
std::vector<int64_t> pixel_of_each_token(const WindowTokensAttrs& a) {
  const int64_t grid_h = a.height / a.window_h, grid_w = a.width / a.window_w;
  std::vector<int64_t> pixel;
  // The transposed 6-D index order: (i, j, y, x) over [grid_h, grid_w, wh, ww].
  for (int64_t i = 0; i < grid_h; ++i)
    for (int64_t j = 0; j < grid_w; ++j)
      for (int64_t y = 0; y < a.window_h; ++y)
        for (int64_t x = 0; x < a.window_w; ++x)
          pixel.push_back((i * a.window_h + y) * a.width + j * a.window_w + x);
  return pixel;
}

}  // namespace

Tensor window_partition(const Graph& graph, const Node& node, const Inputs& inputs) {
  const auto& a = std::get<WindowTokensAttrs>(node.attrs);
  const Tensor& x = *inputs.at(0);
  Tensor y(graph.shape_of(node.output));
  const int64_t c = y.shape().dims[2];
  const std::vector<int64_t> pixel = pixel_of_each_token(a);
  for (size_t t = 0; t < pixel.size(); ++t)
    std::copy_n(x.data() + pixel[t] * c, c, y.data() + static_cast<int64_t>(t) * c);
  return y;
}

Tensor window_reverse(const Graph& graph, const Node& node, const Inputs& inputs) {
  const auto& a = std::get<WindowTokensAttrs>(node.attrs);
  const Tensor& x = *inputs.at(0);
  Tensor y(graph.shape_of(node.output));
  const int64_t c = y.shape().dims[1];
  const std::vector<int64_t> pixel = pixel_of_each_token(a);
  for (size_t t = 0; t < pixel.size(); ++t)
    std::copy_n(x.data() + static_cast<int64_t>(t) * c, c, y.data() + pixel[t] * c);
  return y;
}

Tensor column_gather(const Graph& graph, const Node& node, const Inputs& inputs) {
  const auto& a = std::get<ColumnGatherAttrs>(node.attrs);
  const Tensor& x = *inputs.at(0);
  Tensor y(graph.shape_of(node.output));
  const Dims& in = x.shape().dims;
  const int64_t c = in[1], h = in[2], w_in = in[3];
  const int64_t w_out = static_cast<int64_t>(a.source.size());
  for (int64_t r = 0; r < h; ++r)
    for (int64_t col = 0; col < w_out; ++col)
      std::copy_n(x.data() + (r * w_in + a.source[col]) * c, c, y.data() + (r * w_out + col) * c);
  return y;
}

}  // namespace edgeflow::reference
