// Reference Conv (ONNX): y[o][oh][ow] = b[o] + sum over the input channels of
// o's group and the kernel taps of x[g*I/g + i][oh*s - pad + kh*d][...] * W[o][i][kh][kw],
// taps outside the input reading zero; plus a fused residual input's
// y[o][oh][ow]; then the activation.
#include "kernels/reference/reference_ops.h"

namespace edgeflow::reference {

Tensor conv(const Graph& graph, const Node& node, const Inputs& inputs) {
  const ConvAttrs& a = std::get<ConvAttrs>(node.attrs);
  const Window& win = a.window;
  const Tensor& x = *inputs.at(0);
  const Tensor* residual = a.residual ? inputs.at(1) : nullptr;
  const Shape& xs = x.shape();
  Tensor y(graph.shape_of(node.output));
  const Shape& ys = y.shape();
  const Dims& wd = a.weight.shape().dims;  // [O, I/g, KH, KW]
  const int64_t out_per_group = ys.channels() / a.group;
  const int64_t in_per_group = wd[1];
  for (int64_t o = 0; o < ys.channels(); ++o) {
    const int64_t g = o / out_per_group;
    for (int64_t oh = 0; oh < ys.height(); ++oh)
      for (int64_t ow = 0; ow < ys.width(); ++ow) {
        double sum = a.bias.at(o);
        for (int64_t i = 0; i < in_per_group; ++i)
          for (int64_t kh = 0; kh < win.kernel_h; ++kh)
            for (int64_t kw = 0; kw < win.kernel_w; ++kw) {
              const int64_t ih = oh * win.stride_h - win.pad_top + kh * win.dilation_h;
              const int64_t iw = ow * win.stride_w - win.pad_left + kw * win.dilation_w;
              if (ih < 0 || ih >= xs.height() || iw < 0 || iw >= xs.width()) continue;
              const float xv = x.data()[nhwc_index(xs, ih, iw, g * in_per_group + i)];
              const float wv = a.weight.data()[((o * wd[1] + i) * wd[2] + kh) * wd[3] + kw];
              sum += double(xv) * double(wv);
            }
        const int64_t at = nhwc_index(ys, oh, ow, o);
        if (residual) sum += double(residual->data()[at]);
        y.data()[at] = activate(static_cast<float>(sum), a.activation);
      }
  }
  return y;
}

}  // namespace edgeflow::reference
