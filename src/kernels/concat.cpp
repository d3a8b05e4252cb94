// Concat along channels on a row slice: one oneDNN concat primitive over the
// NHWC slices of all inputs (rank-2 [1, K] inputs concatenate along K).
#include <vector>

#include "edgeflow/error.h"
#include "kernels/onednn_kernels.h"

namespace edgeflow::kernels {

KernelPtr make_concat_kernel(const OnednnContext& ctx, const Graph& graph, const Node& node,
                             RowRange out) {
  EF_ASSERT(!node.inputs.empty());
  std::vector<dnnl::memory::desc> src_mds;
  for (ValueId in : node.inputs) src_mds.push_back(rows_desc(graph.shape_of(in), out));
  const dnnl::memory::desc dst_md = rows_desc(graph.shape_of(node.output), out);
  const dnnl::concat::primitive_desc pd(dst_md, 1, src_mds, ctx.engine);

  auto kernel = std::make_unique<PrimitiveKernel>(ctx, dnnl::concat(pd));
  for (size_t i = 0; i < src_mds.size(); ++i)
    kernel->bind_input(DNNL_ARG_MULTIPLE_SRC + static_cast<int>(i), src_mds[i], i);
  kernel->bind_dst(DNNL_ARG_DST, dst_md);
  return kernel;
}

}  // namespace edgeflow::kernels
