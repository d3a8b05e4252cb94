// Standalone activation (Relu, Clip) on a row slice: one oneDNN eltwise
// primitive over the slice as a flat vector.
#include "kernels/onednn_kernels.h"

namespace edgeflow::kernels {

KernelPtr make_activation_kernel(const OnednnContext& ctx, const Graph& graph, const Node& node,
                                 RowRange out) {
  const ActivationAttrs& act = std::get<ActivationAttrs>(node.attrs);
  const dnnl::memory::desc md =
      flat_desc(out.size() * graph.shape_of(node.output).row_elements());
  const EltwiseParams p = eltwise_params(act.activation);
  const dnnl::eltwise_forward::desc desc(dnnl::prop_kind::forward_inference, p.algorithm, md,
                                         p.alpha, p.beta);
  const dnnl::eltwise_forward::primitive_desc pd(desc, ctx.engine);

  auto kernel = std::make_unique<PrimitiveKernel>(ctx, dnnl::eltwise_forward(pd));
  kernel->bind_input(DNNL_ARG_SRC, md, 0);
  kernel->bind_dst(DNNL_ARG_DST, md);
  return kernel;
}

}  // namespace edgeflow::kernels
