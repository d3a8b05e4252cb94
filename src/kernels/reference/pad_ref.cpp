// Reference constant Pad (ONNX) on C, H, W: y[c][h][w] = x[c - c0][h - top][w - left]
// where that element exists, else `value` (negative pads crop).
#include "kernels/reference/reference_ops.h"

namespace edgeflow::reference {

Tensor pad(const Graph& graph, const Node& node, const Inputs& inputs) {
  const PadAttrs& a = std::get<PadAttrs>(node.attrs);
  const Tensor& x = *inputs.at(0);
  const Shape& xs = x.shape();
  Tensor y(graph.shape_of(node.output));
  const Shape& ys = y.shape();
  for (int64_t h = 0; h < ys.height(); ++h)
    for (int64_t w = 0; w < ys.width(); ++w)
      for (int64_t c = 0; c < ys.channels(); ++c) {
        const int64_t ih = h - a.top, iw = w - a.left, ic = c - a.channels_begin;
        const bool inside = ih >= 0 && ih < xs.height() && iw >= 0 && iw < xs.width() &&
                            ic >= 0 && ic < xs.channels();
        y.data()[nhwc_index(ys, h, w, c)] = inside ? x.data()[nhwc_index(xs, ih, iw, ic)]
                                                   : a.value;
      }
  return y;
}

}  // namespace edgeflow::reference
