// Conv on a row slice: grouped, dilated, padded convolution with bias and a
// fused activation, as one oneDNN convolution primitive. The slice's own
// top/bottom padding comes from window_height_axis(); weights arrive in ONNX
// OIHW and are reordered once into the primitive's preferred layout.
#include "edgeflow/error.h"
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

}  // namespace

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

  const dnnl::convolution_forward::desc desc(
      dnnl::prop_kind::forward_inference, dnnl::algorithm::convolution_direct, src_md,
      any_wei_md, bias_md, dst_md, {win.stride_h, win.stride_w},
      {win.dilation_h - 1, win.dilation_w - 1}, {h.pad_begin, w.pad_begin},
      {h.pad_end, w.pad_end});
  const dnnl::convolution_forward::primitive_desc pd(desc, activation_attr(conv.activation),
                                                     ctx.engine);

  auto kernel = std::make_unique<PrimitiveKernel>(ctx, dnnl::convolution_forward(pd));
  kernel->bind_input(DNNL_ARG_SRC, src_md, 0);
  kernel->bind_constant(DNNL_ARG_WEIGHTS, reordered_constant(ctx, user_wei_md,
                                                             conv.weight.data(),
                                                             pd.weights_desc()));
  kernel->bind_constant(DNNL_ARG_BIAS, constant_memory(ctx, bias_md, conv.bias.data()));
  kernel->bind_dst(DNNL_ARG_DST, dst_md);
  return kernel;
}

}  // namespace edgeflow::kernels
