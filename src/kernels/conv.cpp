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
//   Winograd (oneDNN's F(2x2, 3x3) or F(4x4, 3x3)), blocked nChw16c: 3x3
//     stride-1 convs with enough rows and channels where it ran faster than
//     direct convolution, reorders included, when the kernel was made
//     (winograd_mode()): 0.4-0.9x the time on most such layers (vgg16: 73
//     against 129 ms), but slower on some small maps (googlenet's 14x14
//     convs to 208 channels: 0.52 against 0.33 ms):
//
//       NHWC input rows --reorder--> nChw16c --winograd--> nChw16c --reorder--> NHWC output rows
//
//     The blocked buffers live in a per-thread workspace shared by all
//     kernels, so the unit boundaries stay contiguous NHWC row slices.
// A fused residual Add is a sum post-op before the activation: the residual's
// rows are copied into the destination first (a binary-add post-op reads them
// in place, but oneDNN 2.6 then leaves brgconv for its older jit kernel, and
// resnet18 took 16.3 ms against 14.9 ms with the copy).
#include <omp.h>

#include <atomic>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <string>
#include <vector>

#include "edgeflow/error.h"
#include "kernels/conv_options.h"
#include "kernels/kernel_choice.h"
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

// -1: not set, follow EDGEFLOW_WINOGRAD; else a WinogradMode.
std::atomic<int> g_winograd_mode{-1};

// Candidates for Winograd: 3x3 stride-1 undilated ungrouped convs of at least
// 32 input and 64 output channels (on the zoo, smaller ones always lost to
// direct convolution). oneDNN also needs channels in multiples of 16 and pads
// of at most 1, else it has no Winograd primitive for the conv.
bool winograd_fits(const ConvAttrs& conv, const Shape& in_shape, const Shape& out_shape,
                   RowRange out) {
  const Window& w = conv.window;
  return conv.group == 1 && w.kernel_h == 3 && w.kernel_w == 3 && w.stride_h == 1 &&
         w.stride_w == 1 && w.dilation_h == 1 && w.dilation_w == 1 &&
         out.size() >= kWinogradMinRows && in_shape.channels() >= 32 &&
         out_shape.channels() >= 64;
}

// Everything a conv primitive for one slice is made from.
struct ConvSetup {
  const ConvAttrs& conv;
  memory::desc src_md, dst_md, user_wei_md, any_wei_md, bias_md;
  memory::dims strides, dilation, pad_begin, pad_end;
  dnnl::primitive_attr attr;

  dnnl::convolution_forward::desc desc(dnnl::algorithm algorithm, const memory::desc& src,
                                       const memory::desc& dst) const {
    return dnnl::convolution_forward::desc(dnnl::prop_kind::forward_inference, algorithm, src,
                                           any_wei_md, bias_md, dst, strides, dilation,
                                           pad_begin, pad_end);
  }
  memory weights(const OnednnContext& ctx, const memory::desc& target) const {
    return reordered_constant(ctx, user_wei_md, conv.weight.data(), target);
  }
  memory bias(const OnednnContext& ctx) const {
    return constant_memory(ctx, bias_md, conv.bias.data());
  }
};

// One direct kernel per implementation oneDNN offers for the conv, in its
// order of preference, at most kDirectCandidates: its first, then others but
// its reference and gemm-based ones (10-100x slower wherever a jit kernel
// exists; some odd geometries have nothing else) and SSE4.1 ones (an older
// ISA's version of a kernel listed before it; oneDNN 2.6's jit_dw:sse41
// crashes running a depthwise conv with a sum post-op on NHWC, seen on an
// AVX2 machine where it came second to jit_dw:avx2). The
// first is not always the fastest: for NHWC depthwise convs oneDNN 2.6 puts
// brdgmm_dw before jit_dw, which runs mobilenet_v2's in 0.7x the time.
constexpr size_t kDirectCandidates = 3;

KernelPtr make_direct_kernel(const OnednnContext& ctx, const ConvSetup& s,
                             const dnnl::convolution_forward::primitive_desc& pd) {
  auto kernel = std::make_unique<PrimitiveKernel>(ctx, dnnl::convolution_forward(pd));
  kernel->bind_input(DNNL_ARG_SRC, s.src_md, 0);
  kernel->bind_constant(DNNL_ARG_WEIGHTS, s.weights(ctx, pd.weights_desc()));
  kernel->bind_constant(DNNL_ARG_BIAS, s.bias(ctx));
  kernel->bind_dst(DNNL_ARG_DST, s.dst_md);
  if (!s.conv.residual) return kernel;
  return std::make_unique<ResidualConvKernel>(std::move(kernel), s.dst_md.get_size());
}

// Candidates are cheap to list (a primitive descriptor each) and made only
// when timed or chosen. `s` must outlive them.
std::vector<KernelCandidate> direct_candidates(const OnednnContext& ctx, const ConvSetup& s) {
  // The iterator behind next_impl() refers to the op descriptor: keep it alive.
  const dnnl::convolution_forward::desc desc =
      s.desc(dnnl::algorithm::convolution_direct, s.src_md, s.dst_md);
  dnnl::convolution_forward::primitive_desc pd(desc, s.attr, ctx.engine);
  std::vector<KernelCandidate> candidates;
  do {
    const std::string impl = pd.impl_info_str();
    const bool slow = impl.find("ref") != std::string::npos ||
                      impl.find("gemm") != std::string::npos ||
                      impl.find("sse41") != std::string::npos;
    if (slow && !candidates.empty()) continue;
    // A copy keeps this implementation: next_impl() moves `pd` to a new one.
    candidates.push_back({impl, [&ctx, &s, pd] { return make_direct_kernel(ctx, s, pd); }});
  } while (candidates.size() < kDirectCandidates && pd.next_impl());
  return candidates;
}

// None when oneDNN has no Winograd implementation for this shape, activation
// (it fuses ReLU, not every eltwise) or CPU.
std::optional<KernelCandidate> winograd_candidate(const OnednnContext& ctx, const ConvSetup& s) {
  const memory::desc any_src(s.src_md.dims(), memory::data_type::f32, memory::format_tag::any);
  const memory::desc any_dst(s.dst_md.dims(), memory::data_type::f32, memory::format_tag::any);
  std::optional<dnnl::convolution_forward::primitive_desc> pd;
  try {
    pd.emplace(s.desc(dnnl::algorithm::convolution_winograd, any_src, any_dst), s.attr,
               ctx.engine);
  } catch (const dnnl::error&) {
    return std::nullopt;
  }
  return KernelCandidate{std::string("winograd ") + pd->impl_info_str(), [&ctx, &s, pd = *pd] {
                           return std::make_unique<WinogradConvKernel>(
                               ctx, pd, s.src_md, s.dst_md, s.weights(ctx, pd.weights_desc()),
                               s.bias(ctx), s.conv.residual);
                         }};
}

// What the measured choice among a conv's kernels depends on: its geometry
// and the thread count (fastest_kernel adds the candidates' names).
std::string choice_key(const ConvSetup& s) {
  std::string key = "conv";
  for (const memory::dims& d : {s.src_md.dims(), s.dst_md.dims(), s.strides, s.dilation,
                                s.pad_begin, s.pad_end, memory::dims(s.any_wei_md.dims())})
    for (int64_t v : d) key += "," + std::to_string(v);
  return key + (s.conv.residual ? ",residual" : "") + ",threads " +
         std::to_string(omp_get_max_threads());
}

}  // namespace

// Winograd's rounding depends on where a slice's tiles start, so a layer
// computed in row slices differs from the whole layer by ~1.3e-6 of its
// largest value: within docs/user-contract.md's 1e-5 between any partition and one rank,
// which the full test tier checks on every zoo model at np = 1 to 7.
WinogradMode winograd_mode() {
  const int set = g_winograd_mode.load();
  if (set >= 0) return static_cast<WinogradMode>(set);
  static const WinogradMode from_env = [] {
    const char* env = std::getenv("EDGEFLOW_WINOGRAD");
    if (env && std::strcmp(env, "0") == 0) return WinogradMode::kOff;
    if (env && std::strcmp(env, "1") == 0) return WinogradMode::kAlways;
    return WinogradMode::kMeasured;
  }();
  return from_env;
}

void set_winograd_mode(WinogradMode mode) { g_winograd_mode.store(static_cast<int>(mode)); }

KernelPtr make_conv_kernel(const OnednnContext& ctx, const Graph& graph, const Node& node,
                           RowRange out) {
  const ConvAttrs& conv = std::get<ConvAttrs>(node.attrs);
  const Window& win = conv.window;
  const Shape& in_shape = graph.shape_of(node.inputs.at(0));
  const Shape& out_shape = graph.shape_of(node.output);
  const SliceAxis h = window_height_axis(graph, node, win, out);
  const SliceAxis w = window_width_axis(win, in_shape.width(), out_shape.width());
  EF_ASSERT(static_cast<int64_t>(conv.bias.size()) == out_shape.channels());

  const memory::dims wdims = weight_dims(conv);
  ConvSetup setup{conv,
                  rows_desc(in_shape, RowRange{0, h.in}),
                  rows_desc(out_shape, out),
                  memory::desc(wdims, memory::data_type::f32,
                               conv.group == 1 ? memory::format_tag::oihw
                                               : memory::format_tag::goihw),
                  memory::desc(wdims, memory::data_type::f32, memory::format_tag::any),
                  memory::desc({out_shape.channels()}, memory::data_type::f32,
                               memory::format_tag::x),
                  {win.stride_h, win.stride_w},
                  {win.dilation_h - 1, win.dilation_w - 1},
                  {h.pad_begin, w.pad_begin},
                  {h.pad_end, w.pad_end},
                  {}};
  // Post-ops: a fused residual (a sum with the destination, which holds the
  // residual's rows before the conv runs), then the activation.
  dnnl::post_ops post_ops;
  if (conv.residual) post_ops.append_sum(1.0f);
  append_activation(post_ops, conv.activation);
  setup.attr.set_post_ops(post_ops);

  std::vector<KernelCandidate> candidates = direct_candidates(ctx, setup);
  const WinogradMode mode = winograd_mode();
  if (mode != WinogradMode::kOff && winograd_fits(conv, in_shape, out_shape, out)) {
    if (std::optional<KernelCandidate> winograd = winograd_candidate(ctx, setup)) {
      if (mode == WinogradMode::kAlways) return winograd->make();
      candidates.push_back(std::move(*winograd));
    }
  }
  std::vector<size_t> inputs = {setup.src_md.get_size() / sizeof(float)};
  if (conv.residual) inputs.push_back(setup.dst_md.get_size() / sizeof(float));
  return fastest_kernel(candidates, choice_key(setup), inputs,
                        setup.dst_md.get_size() / sizeof(float));
}

}  // namespace edgeflow::kernels
