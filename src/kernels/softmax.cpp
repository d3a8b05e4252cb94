// Softmax on a row slice (or, over the row axis, whole): one oneDNN softmax
// primitive. The reduced axes ({axis}, or [axis, rank) when coerced before
// opset 13) become one axis of a view of the storage:
//   one axis               -> that axis of the NHWC / row-major tensor
//   all axes after N       -> {1, all elements}, axis 1
//   H and W of a map       -> NHWC storage seen as {1, H*W, C}, axis 1
#include "edgeflow/error.h"
#include "kernels/onednn_kernels.h"

namespace edgeflow::kernels {

using dnnl::memory;

KernelPtr make_softmax_kernel(const OnednnContext& ctx, const Graph& graph, const Node& node,
                              RowRange out) {
  const SoftmaxAttrs& s = std::get<SoftmaxAttrs>(node.attrs);
  Dims dims = graph.shape_of(node.output).dims;
  const int64_t rank = static_cast<int64_t>(dims.size());
  if (rank > 2) dims[rank - 2] = out.size();
  const int64_t first = rank + s.axis;  // first reduced axis
  const int64_t last = s.coerced ? rank - 1 : first;
  memory::desc md = storage_desc(dims);
  int axis = static_cast<int>(first);
  if (last > first) {
    int64_t inner = 1;
    for (int64_t i = 1; i < rank; ++i) inner *= dims[i];
    if (first <= 1) {
      md = memory::desc({1, inner}, memory::data_type::f32, memory::format_tag::ab);
    } else {
      EF_ASSERT(rank == 4 && first == 2);
      md = memory::desc({1, dims[2] * dims[3], dims[1]}, memory::data_type::f32,
                        memory::format_tag::abc);
    }
    axis = 1;
  }
  const dnnl::softmax_forward::desc desc(dnnl::prop_kind::forward_inference, md, axis);
  const dnnl::softmax_forward::primitive_desc pd(desc, ctx.engine);
  auto kernel = std::make_unique<PrimitiveKernel>(ctx, dnnl::softmax_forward(pd));
  kernel->bind_input(DNNL_ARG_SRC, md, 0);
  kernel->bind_dst(DNNL_ARG_DST, md);
  return kernel;
}

}  // namespace edgeflow::kernels
