// ConvTranspose on a row slice: one oneDNN deconvolution over the output rows
// and columns its input rows reach, written in place into the slice; what no
// input reaches (rows between strides wider than the kernel, the output
// padding at the bottom/right) is the activated bias. oneDNN takes only
// non-negative pads, so the slice's pads are the cropping at its own edges:
//
//   input rows [lo, hi) reach output rows [lo*s - p, (hi-1)*s - p + e)
//   slice rows         [a ...................... b)
//   deconvolved rows    [max(a, span_begin), min(b, span_end)), the rest bias
// When the output padding leaves bias-only columns at the right, oneDNN
// writes a dense scratch block (its reference deconvolution overruns a
// strided destination) that is then copied into the slice's rows.
#include <algorithm>

#include "edgeflow/error.h"
#include "kernels/elementwise.h"
#include "kernels/onednn_kernels.h"

namespace edgeflow::kernels {

using dnnl::memory;

namespace {

// ONNX [C_in, C_out/g, KH, KW] as oneDNN dims {O, I, KH, KW} (iohw) or
// {G, O/g, I/g, KH, KW} (giohw).
memory::desc user_weight_desc(const ConvTransposeAttrs& a) {
  const Dims& w = a.weight.shape().dims;
  if (a.group == 1)
    return memory::desc({w[1], w[0], w[2], w[3]}, memory::data_type::f32,
                        memory::format_tag::iohw);
  return memory::desc({a.group, w[1], w[0] / a.group, w[2], w[3]}, memory::data_type::f32,
                      memory::format_tag::giohw);
}

// Runs the deconvolution of the covered block (if any) into the slice and
// fills the rest with the activated bias.
class ConvTransposeKernel : public Kernel {
 public:
  ConvTransposeKernel(std::unique_ptr<Kernel> deconv, std::vector<float> fill, int64_t width,
                      RowRange out, RowRange covered, int64_t covered_width)
      : deconv_(std::move(deconv)), fill_(std::move(fill)), width_(width), out_(out),
        covered_(covered), covered_width_(covered_width) {}

  void run(const std::vector<const float*>& inputs, float* dst) override {
    const int64_t channels = static_cast<int64_t>(fill_.size());
    const int64_t row_floats = width_ * channels;
    float* block = dst + (covered_.begin - out_.begin) * row_floats;
    if (deconv_ && covered_width_ == width_) {
      deconv_->run(inputs, block);
    } else if (deconv_) {
      scratch_.resize(static_cast<size_t>(covered_.size() * covered_width_ * channels));
      deconv_->run(inputs, scratch_.data());
      const int64_t narrow = covered_width_ * channels;
      for (int64_t r = 0; r < covered_.size(); ++r)
        std::copy(scratch_.data() + r * narrow, scratch_.data() + (r + 1) * narrow,
                  block + r * row_floats);
    }
    for (int64_t r = out_.begin; r < out_.end; ++r) {
      const bool in_block = r >= covered_.begin && r < covered_.end && deconv_;
      float* row = dst + (r - out_.begin) * row_floats;
      for (int64_t w = in_block ? covered_width_ : 0; w < width_; ++w)
        std::copy(fill_.begin(), fill_.end(), row + w * channels);
    }
  }

 private:
  std::unique_ptr<Kernel> deconv_;
  std::vector<float> fill_;  // activation(bias[c])
  int64_t width_;
  RowRange out_, covered_;
  int64_t covered_width_;
  std::vector<float> scratch_;
};

}  // namespace

KernelPtr make_conv_transpose_kernel(const OnednnContext& ctx, const Graph& graph,
                                     const Node& node, RowRange out) {
  const ConvTransposeAttrs& a = std::get<ConvTransposeAttrs>(node.attrs);
  const Window& win = a.window;
  const Shape& in_shape = graph.shape_of(node.inputs.at(0));
  const Shape& out_shape = graph.shape_of(node.output);
  const int64_t channels = out_shape.channels(), width = out_shape.width();

  std::vector<float> fill(a.bias);
  activate_span(fill.data(), fill.size(), a.activation);

  const RowRange in = required_input_rows(graph, node, 0, out);
  RowRange covered{out.begin, out.begin};
  const int64_t pad_right = std::max<int64_t>(0, win.pad_right - a.output_padding_w);
  const int64_t covered_width =
      win.stride_w * (in_shape.width() - 1) + win.extent_w() - win.pad_left - pad_right;
  std::unique_ptr<Kernel> deconv;
  if (!in.empty()) {
    const int64_t span_begin = in.begin * win.stride_h - win.pad_top;
    const int64_t span_end = (in.end - 1) * win.stride_h - win.pad_top + win.extent_h();
    covered = RowRange{std::max(out.begin, span_begin), std::min(out.end, span_end)};
  }
  if (!covered.empty()) {
    const int64_t pad_top = covered.begin - in.begin * win.stride_h + win.pad_top;
    const int64_t pad_bottom =
        (in.end - 1) * win.stride_h - win.pad_top + win.extent_h() - covered.end;
    const memory::desc src_md = rows_desc(in_shape, RowRange{0, in.size()});
    const memory::desc dst_md({1, channels, covered.size(), covered_width},
                              memory::data_type::f32, memory::format_tag::nhwc);
    const memory::desc user_wei_md = user_weight_desc(a);
    const memory::desc any_wei_md(user_wei_md.dims(), memory::data_type::f32,
                                  memory::format_tag::any);
    const memory::desc bias_md({channels}, memory::data_type::f32, memory::format_tag::x);
    const dnnl::deconvolution_forward::desc desc(
        dnnl::prop_kind::forward_inference, dnnl::algorithm::deconvolution_direct, src_md,
        any_wei_md, bias_md, dst_md, {win.stride_h, win.stride_w},
        {win.dilation_h - 1, win.dilation_w - 1}, {pad_top, win.pad_left},
        {pad_bottom, pad_right});
    const dnnl::deconvolution_forward::primitive_desc pd(desc, activation_attr(a.activation),
                                                         ctx.engine);
    auto kernel = std::make_unique<PrimitiveKernel>(ctx, dnnl::deconvolution_forward(pd));
    kernel->bind_input(DNNL_ARG_SRC, src_md, 0);
    kernel->bind_constant(DNNL_ARG_WEIGHTS, reordered_constant(ctx, user_wei_md, a.weight.data(),
                                                               pd.weights_desc()));
    kernel->bind_constant(DNNL_ARG_BIAS, constant_memory(ctx, bias_md, a.bias.data()));
    kernel->bind_dst(DNNL_ARG_DST, dst_md);
    deconv = std::move(kernel);
  }
  return std::make_unique<ConvTransposeKernel>(std::move(deconv), std::move(fill), width, out,
                                               covered, covered_width);
}

}  // namespace edgeflow::kernels
