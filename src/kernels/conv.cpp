// Conv on a row slice: grouped, dilated, padded convolution with bias and a
// fused activation, as one oneDNN convolution primitive. The slice's own
// top/bottom padding comes from window_height_axis(); weights arrive in ONNX
// OIHW and are reordered once into the primitive's preferred layout.
//
// Algorithm and layout per conv (tests/bench/single.sh measures them):
//   direct, NHWC in and out (oneDNN's brgconv; a 1x1 conv is one brgemm):
//     every conv Winograd does not take. Asked for format_tag::any, oneDNN
//     2.6 picks NHWC for direct f32 convolution on AVX-512 anyway, and as a
//     matmul a 1x1 conv runs the same brgemm kernel at the same speed, so
//     nothing is reordered;
//   Winograd (oneDNN's F(2x2, 3x3) or F(4x4, 3x3)), blocked nChw16c
//     (conv_winograd(), on unless EDGEFLOW_WINOGRAD=0): 3x3 stride-1 convs
//     with enough rows and channels, at 0.4-0.7x the time of direct
//     convolution with the reorders included (vgg16: 73 against 129 ms):
//
//       NHWC input rows --reorder--> nChw16c --winograd--> nChw16c --reorder--> NHWC output rows
//
//     The blocked buffers live in a per-thread workspace shared by all
//     kernels, so the unit boundaries stay contiguous NHWC row slices.
// A fused residual Add is a sum post-op before the activation: the residual's
// rows are copied into the destination first (a binary-add post-op reads them
// in place, but oneDNN 2.6 then leaves brgconv for its older jit kernel, and
// resnet18 took 16.3 ms against 14.9 ms with the copy).
#include <atomic>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "edgeflow/error.h"
#include "kernels/conv_options.h"
#include "kernels/onednn_kernels.h"

namespace edgeflow::kernels {

using dnnl::memory;

namespace {

// ONNX [O, I/g, KH, KW] as oneDNN dims: oihw, or goihw with groups.
memory::dims weight_dims(const ConvAttrs& conv) {
  const Dims& w = conv.weight.shape().dims;
  EF_ASSERT(w.size() == 4 && w[0] % conv.group == 0);
  if (conv.group == 1) return {w[0], w[1], w[2], w[3]};
  return {conv.group, w[0] / conv.group, w[1], w[2], w[3]};
}

// Floats of scratch memory for the blocked source and destination of a
// Winograd kernel, per thread: grown to the largest kernel's need, shared by
// every kernel the thread runs (one at a time).
float* workspace(size_t floats) {
  thread_local std::vector<float> buffer;
  if (buffer.size() < floats) buffer.resize(floats);
  return buffer.data();
}

// Winograd conv over NHWC slices: reorder in, convolve, reorder out, with
// argument arrays made once, so run() itself allocates nothing. With a fused
// residual, the residual's rows are reordered into the blocked destination
// first, for the sum post-op.
class WinogradConvKernel : public Kernel {
 public:
  WinogradConvKernel(const OnednnContext& ctx, const dnnl::convolution_forward::primitive_desc& pd,
                     const memory::desc& src_md, const memory::desc& dst_md, memory weights,
                     memory bias, bool residual)
      : ctx_(ctx),
        conv_(pd),
        src_(src_md, ctx.engine, DNNL_MEMORY_NONE),
        dst_(dst_md, ctx.engine, DNNL_MEMORY_NONE),
        residual_(dst_md, ctx.engine, DNNL_MEMORY_NONE),
        blocked_src_(pd.src_desc(), ctx.engine, DNNL_MEMORY_NONE),
        blocked_dst_(pd.dst_desc(), ctx.engine, DNNL_MEMORY_NONE),
        weights_(std::move(weights)),
        bias_(std::move(bias)),
        reorder_in_(src_, blocked_src_),
        reorder_out_(blocked_dst_, dst_),
        src_floats_(pd.src_desc().get_size() / sizeof(float)),
        dst_floats_(pd.dst_desc().get_size() / sizeof(float)),
        in_args_{{DNNL_ARG_FROM, src_.get()}, {DNNL_ARG_TO, blocked_src_.get()}},
        residual_args_{{DNNL_ARG_FROM, residual_.get()}, {DNNL_ARG_TO, blocked_dst_.get()}},
        conv_args_{{DNNL_ARG_SRC, blocked_src_.get()},
                   {DNNL_ARG_WEIGHTS, weights_.get()},
                   {DNNL_ARG_BIAS, bias_.get()},
                   {DNNL_ARG_DST, blocked_dst_.get()}},
        out_args_{{DNNL_ARG_FROM, blocked_dst_.get()}, {DNNL_ARG_TO, dst_.get()}} {
    if (residual) reorder_residual_ = dnnl::reorder(residual_, blocked_dst_);
  }

  void run(const std::vector<const float*>& inputs, float* dst) override {
    float* scratch = workspace(src_floats_ + dst_floats_);
    src_.set_data_handle(const_cast<float*>(inputs.at(0)));  // read-only argument
    dst_.set_data_handle(dst);
    blocked_src_.set_data_handle(scratch);
    blocked_dst_.set_data_handle(scratch + src_floats_);
    execute_and_wait(ctx_, reorder_in_, in_args_, 2);
    if (reorder_residual_) {
      residual_.set_data_handle(const_cast<float*>(inputs.at(1)));  // read-only argument
      execute_and_wait(ctx_, reorder_residual_, residual_args_, 2);
    }
    execute_and_wait(ctx_, conv_, conv_args_, 4);
    execute_and_wait(ctx_, reorder_out_, out_args_, 2);
  }

 private:
  OnednnContext ctx_;
  dnnl::convolution_forward conv_;
  memory src_, dst_, residual_, blocked_src_, blocked_dst_, weights_, bias_;
  dnnl::reorder reorder_in_, reorder_out_, reorder_residual_;  // the last one only with a residual
  size_t src_floats_, dst_floats_;
  dnnl_exec_arg_t in_args_[2];
  dnnl_exec_arg_t residual_args_[2];
  dnnl_exec_arg_t conv_args_[4];
  dnnl_exec_arg_t out_args_[2];
};

// A conv with a fused residual: the residual's rows are copied into the
// destination, which the conv's sum post-op then adds to.
class ResidualConvKernel : public Kernel {
 public:
  ResidualConvKernel(KernelPtr conv, size_t bytes) : conv_(std::move(conv)), bytes_(bytes) {}

  void run(const std::vector<const float*>& inputs, float* dst) override {
    std::memcpy(dst, inputs.at(1), bytes_);
    conv_->run(inputs, dst);
  }

 private:
  KernelPtr conv_;
  size_t bytes_;
};

// Winograd pays off from this many output rows of a slice: it computes tiles
// of 2 or 4 rows, so thinner slices waste most of a tile (edgeflow_bench_slices
// on resnet18: a 1-row slice costs ~4x the whole layer's time per row, a
// 2-row one ~2x, more than direct convolution; from 4 rows ~1x).
constexpr int64_t kWinogradMinRows = 4;

// -1: not set, follow EDGEFLOW_WINOGRAD; else 0 or 1 (set_conv_winograd).
std::atomic<int> g_winograd{-1};

// Winograd for 3x3 stride-1 undilated ungrouped convs where it beat direct
// convolution (reorders included) on the zoo's layers: at least 32 input and
// 64 output channels, and with 32 to 63 input channels only on maps up to 56
// wide (wider ones are memory-bound and lose). oneDNN also needs channels in
// multiples of 16 and pads of at most 1; else pd creation fails and the
// kernel is direct.
bool use_winograd(const ConvAttrs& conv, const Shape& in_shape, const Shape& out_shape,
                  RowRange out) {
  const Window& w = conv.window;
  const bool eligible = conv.group == 1 && w.kernel_h == 3 && w.kernel_w == 3 &&
                        w.stride_h == 1 && w.stride_w == 1 && w.dilation_h == 1 &&
                        w.dilation_w == 1;
  if (!eligible || !conv_winograd() || out.size() < kWinogradMinRows) return false;
  const int64_t ic = in_shape.channels(), oc = out_shape.channels();
  return oc >= 64 && (ic >= 64 || (ic >= 32 && out_shape.width() <= 56));
}

}  // namespace

// Winograd is on unless EDGEFLOW_WINOGRAD=0. Its rounding depends on where a
// slice's tiles start, so a layer computed in row slices differs from the
// whole layer by ~1.3e-6 of its largest value: within CLI.md's 1e-5 between
// any partition and one rank, which the full test tier checks on every zoo
// model at np = 1 to 7.
bool conv_winograd() {
  const int set = g_winograd.load();
  if (set >= 0) return set == 1;
  static const bool from_env = [] {
    const char* env = std::getenv("EDGEFLOW_WINOGRAD");
    return !(env && std::strcmp(env, "0") == 0);
  }();
  return from_env;
}

void set_conv_winograd(bool on) { g_winograd.store(on ? 1 : 0); }

KernelPtr make_conv_kernel(const OnednnContext& ctx, const Graph& graph, const Node& node,
                           RowRange out) {
  const ConvAttrs& conv = std::get<ConvAttrs>(node.attrs);
  const Window& win = conv.window;
  const Shape& in_shape = graph.shape_of(node.inputs.at(0));
  const Shape& out_shape = graph.shape_of(node.output);
  const SliceAxis h = window_height_axis(graph, node, win, out);
  const SliceAxis w = window_width_axis(win, in_shape.width(), out_shape.width());

  const memory::desc src_md = rows_desc(in_shape, RowRange{0, h.in});
  const memory::desc dst_md = rows_desc(out_shape, out);
  const memory::dims wdims = weight_dims(conv);
  const memory::desc user_wei_md(wdims, memory::data_type::f32,
                                 conv.group == 1 ? memory::format_tag::oihw
                                                 : memory::format_tag::goihw);
  const memory::desc any_wei_md(wdims, memory::data_type::f32, memory::format_tag::any);
  const memory::desc bias_md({out_shape.channels()}, memory::data_type::f32,
                             memory::format_tag::x);
  EF_ASSERT(static_cast<int64_t>(conv.bias.size()) == out_shape.channels());

  // Post-ops: a fused residual (a sum with the destination, which holds the
  // residual's rows before the conv runs), then the activation.
  dnnl::post_ops post_ops;
  if (conv.residual) post_ops.append_sum(1.0f);
  append_activation(post_ops, conv.activation);
  dnnl::primitive_attr attr;
  attr.set_post_ops(post_ops);
  if (use_winograd(conv, in_shape, out_shape, out)) {
    const memory::desc any_src_md(src_md.dims(), memory::data_type::f32, memory::format_tag::any);
    const memory::desc any_dst_md(dst_md.dims(), memory::data_type::f32, memory::format_tag::any);
    const dnnl::convolution_forward::desc desc(
        dnnl::prop_kind::forward_inference, dnnl::algorithm::convolution_winograd, any_src_md,
        any_wei_md, bias_md, any_dst_md, {win.stride_h, win.stride_w},
        {win.dilation_h - 1, win.dilation_w - 1}, {h.pad_begin, w.pad_begin},
        {h.pad_end, w.pad_end});
    try {
      const dnnl::convolution_forward::primitive_desc pd(desc, attr, ctx.engine);
      return std::make_unique<WinogradConvKernel>(
          ctx, pd, src_md, dst_md,
          reordered_constant(ctx, user_wei_md, conv.weight.data(), pd.weights_desc()),
          constant_memory(ctx, bias_md, conv.bias.data()), conv.residual);
    } catch (const dnnl::error&) {
      // No Winograd implementation for this shape, activation (it fuses
      // ReLU, not every eltwise) or CPU: direct convolution below.
    }
  }

  const dnnl::convolution_forward::desc desc(
      dnnl::prop_kind::forward_inference, dnnl::algorithm::convolution_direct, src_md,
      any_wei_md, bias_md, dst_md, {win.stride_h, win.stride_w},
      {win.dilation_h - 1, win.dilation_w - 1}, {h.pad_begin, w.pad_begin},
      {h.pad_end, w.pad_end});
  const dnnl::convolution_forward::primitive_desc pd(desc, attr, ctx.engine);

  auto kernel = std::make_unique<PrimitiveKernel>(ctx, dnnl::convolution_forward(pd));
  kernel->bind_input(DNNL_ARG_SRC, src_md, 0);
  kernel->bind_constant(DNNL_ARG_WEIGHTS, reordered_constant(ctx, user_wei_md,
                                                             conv.weight.data(),
                                                             pd.weights_desc()));
  kernel->bind_constant(DNNL_ARG_BIAS, constant_memory(ctx, bias_md, conv.bias.data()));
  kernel->bind_dst(DNNL_ARG_DST, dst_md);
  if (conv.residual)
    return std::make_unique<ResidualConvKernel>(std::move(kernel), dst_md.get_size());
  return kernel;
}

}  // namespace edgeflow::kernels
