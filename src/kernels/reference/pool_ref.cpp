// Reference MaxPool / AveragePool (ONNX, as ONNX Runtime and PyTorch compute
// it): the window of output (oh, ow) starts at (oh*s - pad_top, ow*s - pad_left)
// and has kernel taps spaced by the dilation. Max takes the taps inside the
// input. Average sums the taps inside the input and divides by
//   count_include_pad = 0: the number of taps inside the input;
//   count_include_pad = 1: the number of taps inside the declared padded input
//                          [-pad_begin, in + pad_end) (not the ceil-mode overhang).
#include <limits>

#include "kernels/reference/reference_ops.h"

namespace edgeflow::reference {
namespace {

// Input index of tap k of output o along one axis.
int64_t tap(int64_t o, int64_t k, int64_t stride, int64_t pad_begin, int64_t dilation) {
  return o * stride - pad_begin + k * dilation;
}

}  // namespace

Tensor pool(const Graph& graph, const Node& node, const Inputs& inputs) {
  const PoolAttrs& a = std::get<PoolAttrs>(node.attrs);
  const Window& win = a.window;
  const Tensor& x = *inputs.at(0);
  const Shape& xs = x.shape();
  Tensor y(graph.shape_of(node.output));
  const Shape& ys = y.shape();
  for (int64_t oh = 0; oh < ys.height(); ++oh)
    for (int64_t ow = 0; ow < ys.width(); ++ow)
      for (int64_t c = 0; c < ys.channels(); ++c) {
        double sum = 0.0;
        float max = -std::numeric_limits<float>::infinity();
        int64_t real = 0, padded = 0;
        for (int64_t kh = 0; kh < win.kernel_h; ++kh)
          for (int64_t kw = 0; kw < win.kernel_w; ++kw) {
            const int64_t ih = tap(oh, kh, win.stride_h, win.pad_top, win.dilation_h);
            const int64_t iw = tap(ow, kw, win.stride_w, win.pad_left, win.dilation_w);
            const bool in_h = ih >= 0 && ih < xs.height();
            const bool in_w = iw >= 0 && iw < xs.width();
            const bool pad_h = ih >= -win.pad_top && ih < xs.height() + win.pad_bottom;
            const bool pad_w = iw >= -win.pad_left && iw < xs.width() + win.pad_right;
            if (pad_h && pad_w) ++padded;
            if (!in_h || !in_w) continue;
            const float v = x.data()[nhwc_index(xs, ih, iw, c)];
            ++real;
            sum += v;
            max = std::max(max, v);
          }
        float result = max;
        if (a.kind == PoolAttrs::Kind::kAverage)
          result = static_cast<float>(sum / double(a.count_include_pad ? padded : real));
        y.data()[nhwc_index(ys, oh, ow, c)] = result;
      }
  return y;
}

}  // namespace edgeflow::reference
