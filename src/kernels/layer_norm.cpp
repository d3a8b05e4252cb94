// LayerNorm on a row slice: oneDNN layer normalization over the innermost
// storage axis (a map's channels, the last dim otherwise), seen as a matrix
// of [elements / n, n], with the scale and shift applied by the primitive.
#include "edgeflow/error.h"
#include "kernels/onednn_kernels.h"

namespace edgeflow::kernels {

using dnnl::memory;

KernelPtr make_layer_norm_kernel(const OnednnContext& ctx, const Graph& graph, const Node& node,
                                 RowRange out) {
  const LayerNormAttrs& a = std::get<LayerNormAttrs>(node.attrs);
  const Shape& shape = graph.shape_of(node.output);
  if (!layer_norm_axis_is_innermost(a.axis, shape.rank()))
    fail_input("kernels: " + describe(node, out) + ": normalizes axis " + std::to_string(a.axis) +
               " of " + shape.str() +
               ", which is not the channels of a map or the last dim of a rank-2/3 tensor");
  const int64_t n = static_cast<int64_t>(a.scale.size());
  const int64_t elements = out.size() * shape.row_elements();
  EF_ASSERT(n > 0 && elements % n == 0);
  const memory::desc md({elements / n, n}, memory::data_type::f32, memory::format_tag::ab);
  const dnnl::layer_normalization_forward::desc desc(
      dnnl::prop_kind::forward_inference, md, a.epsilon,
      dnnl::normalization_flags::use_scale | dnnl::normalization_flags::use_shift);
  const dnnl::layer_normalization_forward::primitive_desc pd(desc, ctx.engine);
  return scale_shift_kernel(ctx, dnnl::layer_normalization_forward(pd), md, a.scale, a.shift);
}

}  // namespace edgeflow::kernels
