// Gemm on a [1, K] vector (whole input): y = x W^T + b with a fused
// activation, as a oneDNN inner product; W [N_out, K] is reordered once.
#include "edgeflow/error.h"
#include "kernels/onednn_kernels.h"

namespace edgeflow::kernels {

using dnnl::memory;

KernelPtr make_gemm_kernel(const OnednnContext& ctx, const Graph& graph, const Node& node,
                           RowRange) {
  const GemmAttrs& gemm = std::get<GemmAttrs>(node.attrs);
  const int64_t k = graph.shape_of(node.inputs.at(0)).elements();
  const int64_t n = graph.shape_of(node.output).elements();
  EF_ASSERT(gemm.weight.shape().dims == (Dims{n, k}));
  EF_ASSERT(static_cast<int64_t>(gemm.bias.size()) == n);

  const memory::desc src_md({1, k}, memory::data_type::f32, memory::format_tag::nc);
  const memory::desc dst_md({1, n}, memory::data_type::f32, memory::format_tag::nc);
  const memory::desc user_wei_md({n, k}, memory::data_type::f32, memory::format_tag::oi);
  const memory::desc any_wei_md({n, k}, memory::data_type::f32, memory::format_tag::any);
  const memory::desc bias_md({n}, memory::data_type::f32, memory::format_tag::x);
  const dnnl::inner_product_forward::desc desc(dnnl::prop_kind::forward_inference, src_md,
                                               any_wei_md, bias_md, dst_md);
  const dnnl::inner_product_forward::primitive_desc pd(desc, activation_attr(gemm.activation),
                                                       ctx.engine);

  auto kernel = std::make_unique<PrimitiveKernel>(ctx, dnnl::inner_product_forward(pd));
  kernel->bind_input(DNNL_ARG_SRC, src_md, 0);
  kernel->bind_constant(DNNL_ARG_WEIGHTS, reordered_constant(ctx, user_wei_md,
                                                             gemm.weight.data(),
                                                             pd.weights_desc()));
  kernel->bind_constant(DNNL_ARG_BIAS, constant_memory(ctx, bias_md, gemm.bias.data()));
  kernel->bind_dst(DNNL_ARG_DST, dst_md);
  return kernel;
}

}  // namespace edgeflow::kernels
