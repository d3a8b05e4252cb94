// Flatten (whole input): NHWC storage to the ONNX (NCHW) element order of
// [1, C*H*W], as one oneDNN reorder nhwc -> nchw. A rank-2 input is copied.
#include "edgeflow/error.h"
#include "kernels/onednn_kernels.h"

namespace edgeflow::kernels {

using dnnl::memory;

KernelPtr make_flatten_kernel(const OnednnContext& ctx, const Graph& graph, const Node& node,
                              RowRange) {
  const Shape& in_shape = graph.shape_of(node.inputs.at(0));
  EF_ASSERT(in_shape.elements() == graph.shape_of(node.output).elements());
  memory::desc src_md = flat_desc(in_shape.elements());
  memory::desc dst_md = src_md;
  if (in_shape.is_feature_map()) {
    src_md = rows_desc(in_shape, RowRange{0, in_shape.height()});
    dst_md = memory::desc(in_shape.dims, memory::data_type::f32, memory::format_tag::nchw);
  }
  const dnnl::reorder::primitive_desc pd(ctx.engine, src_md, ctx.engine, dst_md);

  auto kernel = std::make_unique<PrimitiveKernel>(ctx, dnnl::reorder(pd));
  kernel->bind_input(DNNL_ARG_FROM, src_md, 0);
  kernel->bind_dst(DNNL_ARG_TO, dst_md);
  return kernel;
}

}  // namespace edgeflow::kernels
