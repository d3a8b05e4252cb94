// Reference ConvTranspose (ONNX): every input pixel x[g*I/g + i][ih][iw]
// scatters x * W[g*I/g + i][o][kh][kw] to output (ih*s - pad_top + kh*d,
// iw*s - pad_left + kw*d) of channel g*O/g + o, where that lies in the
// output; then bias and the activation.
#include "kernels/reference/reference_ops.h"

namespace edgeflow::reference {

Tensor conv_transpose(const Graph& graph, const Node& node, const Inputs& inputs) {
  const ConvTransposeAttrs& a = std::get<ConvTransposeAttrs>(node.attrs);
  const Window& win = a.window;
  const Tensor& x = *inputs.at(0);
  const Shape& xs = x.shape();
  const Shape& ys = graph.shape_of(node.output);
  const Dims& wd = a.weight.shape().dims;  // [C_in, C_out/g, KH, KW]
  const int64_t in_per_group = xs.channels() / a.group, out_per_group = wd[1];
  std::vector<double> sum(static_cast<size_t>(ys.elements()), 0.0);
  for (int64_t ci = 0; ci < xs.channels(); ++ci) {
    const int64_t g = ci / in_per_group;
    for (int64_t ih = 0; ih < xs.height(); ++ih)
      for (int64_t iw = 0; iw < xs.width(); ++iw) {
        const double xv = x.data()[nhwc_index(xs, ih, iw, ci)];
        for (int64_t o = 0; o < out_per_group; ++o)
          for (int64_t kh = 0; kh < win.kernel_h; ++kh)
            for (int64_t kw = 0; kw < win.kernel_w; ++kw) {
              const int64_t oh = ih * win.stride_h - win.pad_top + kh * win.dilation_h;
              const int64_t ow = iw * win.stride_w - win.pad_left + kw * win.dilation_w;
              if (oh < 0 || oh >= ys.height() || ow < 0 || ow >= ys.width()) continue;
              const double wv = a.weight.data()[((ci * wd[1] + o) * wd[2] + kh) * wd[3] + kw];
              sum[nhwc_index(ys, oh, ow, g * out_per_group + o)] += xv * wv;
            }
      }
  }
  Tensor y(ys);
  for (int64_t h = 0; h < ys.height(); ++h)
    for (int64_t w = 0; w < ys.width(); ++w)
      for (int64_t c = 0; c < ys.channels(); ++c) {
        const int64_t i = nhwc_index(ys, h, w, c);
        y.data()[i] = activate(static_cast<float>(sum[i] + a.bias.at(c)), a.activation);
      }
  return y;
}

}  // namespace edgeflow::reference
