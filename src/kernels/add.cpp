// Add on a row slice: elementwise sum of two same-shape maps with a fused
// activation (oneDNN binary add + eltwise post-op). Both inputs and the output
// hold the same rows, so the slice is a flat vector.
#include "edgeflow/error.h"
#include "kernels/onednn_kernels.h"

namespace edgeflow::kernels {

KernelPtr make_add_kernel(const OnednnContext& ctx, const Graph& graph, const Node& node,
                          RowRange out) {
  const AddAttrs& add = std::get<AddAttrs>(node.attrs);
  const Shape& out_shape = graph.shape_of(node.output);
  EF_ASSERT(node.inputs.size() == 2);
  for (ValueId in : node.inputs) EF_ASSERT(graph.shape_of(in) == out_shape);

  const dnnl::memory::desc md = flat_desc(out.size() * out_shape.row_elements());
  const dnnl::binary::desc desc(dnnl::algorithm::binary_add, md, md, md);
  const dnnl::binary::primitive_desc pd(desc, activation_attr(add.activation), ctx.engine);

  auto kernel = std::make_unique<PrimitiveKernel>(ctx, dnnl::binary(pd));
  kernel->bind_input(DNNL_ARG_SRC_0, md, 0);
  kernel->bind_input(DNNL_ARG_SRC_1, md, 1);
  kernel->bind_dst(DNNL_ARG_DST, md);
  return kernel;
}

}  // namespace edgeflow::kernels
