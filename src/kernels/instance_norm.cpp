// InstanceNorm on the whole map (a whole unit): oneDNN's batch normalization
// without global statistics computes each channel's mean and variance over
// N, H and W, which with N = 1 is over H and W, then applies the scale and
// shift, on the NHWC map.
#include "edgeflow/error.h"
#include "kernels/onednn_kernels.h"

namespace edgeflow::kernels {

KernelPtr make_instance_norm_kernel(const OnednnContext& ctx, const Graph& graph,
                                    const Node& node, RowRange out) {
  const InstanceNormAttrs& a = std::get<InstanceNormAttrs>(node.attrs);
  const Shape& shape = graph.shape_of(node.output);
  EF_ASSERT(out.begin == 0 && out.end == shape.height());  // a whole unit
  const dnnl::memory::desc md = storage_desc(shape.dims);
  const dnnl::batch_normalization_forward::desc desc(
      dnnl::prop_kind::forward_inference, md, a.epsilon,
      dnnl::normalization_flags::use_scale | dnnl::normalization_flags::use_shift);
  const dnnl::batch_normalization_forward::primitive_desc pd(desc, ctx.engine);
  return scale_shift_kernel(ctx, dnnl::batch_normalization_forward(pd), md, a.scale, a.shift);
}

}  // namespace edgeflow::kernels
