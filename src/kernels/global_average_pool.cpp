// GlobalAveragePool (whole input): mean over H x W per channel, as a oneDNN
// reduction from {1, C, H, W} nhwc to {1, C, 1, 1}.
#include "edgeflow/error.h"
#include "kernels/onednn_kernels.h"

namespace edgeflow::kernels {

KernelPtr make_global_average_pool_kernel(const OnednnContext& ctx, const Graph& graph,
                                          const Node& node, RowRange out) {
  const Shape& in_shape = graph.shape_of(node.inputs.at(0));
  const Shape& out_shape = graph.shape_of(node.output);
  EF_ASSERT(in_shape.is_feature_map() && out_shape.is_feature_map());
  const dnnl::memory::desc src_md = rows_desc(in_shape, RowRange{0, in_shape.height()});
  const dnnl::memory::desc dst_md = rows_desc(out_shape, out);
  const dnnl::reduction::desc desc(dnnl::algorithm::reduction_mean, src_md, dst_md, 0.0f, 0.0f);
  const dnnl::reduction::primitive_desc pd(desc, ctx.engine);

  auto kernel = std::make_unique<PrimitiveKernel>(ctx, dnnl::reduction(pd));
  kernel->bind_input(DNNL_ARG_SRC, src_md, 0);
  kernel->bind_dst(DNNL_ARG_DST, dst_md);
  return kernel;
}

}  // namespace edgeflow::kernels
