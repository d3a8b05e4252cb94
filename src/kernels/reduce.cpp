// ArgMax/ArgMin on a row slice: EdgeFlow's loop (oneDNN has no arg
// reduction). ReduceMean/Max/Min/Sum on a row slice (or, over the row axis,
// whole): one oneDNN reduction from the storage layout to the same layout with the
// reduced dims 1 (a copy when every reduced dim is already 1: oneDNN refuses
// a reduction that reduces nothing).
#include "kernels/onednn_kernels.h"

namespace edgeflow::kernels {
namespace {

// ArgMax/ArgMin over the axis innermost in storage: `groups` runs of
// `extent` contiguous values, each giving one index (as a float).
class ArgReduceKernel : public Kernel {
 public:
  ArgReduceKernel(const ReduceAttrs& r, int64_t groups, int64_t extent)
      : max_(r.kind == ReduceAttrs::Kind::kArgMax), last_(r.select_last_index),
        groups_(groups), extent_(extent) {}
  void run(const std::vector<const float*>& inputs, float* dst) override {
    const float* src = inputs.at(0);
    for (int64_t g = 0; g < groups_; ++g) {
      const float* x = src + g * extent_;
      int64_t best = 0;
      for (int64_t k = 1; k < extent_; ++k) {
        const bool better = max_ ? x[k] > x[best] : x[k] < x[best];
        if (better || (last_ && x[k] == x[best])) best = k;
      }
      dst[g] = static_cast<float>(best);
    }
  }

 private:
  bool max_, last_;
  int64_t groups_, extent_;
};

}  // namespace

KernelPtr make_reduce_kernel(const OnednnContext& ctx, const Graph& graph, const Node& node,
                             RowRange out) {
  const ReduceAttrs& r = std::get<ReduceAttrs>(node.attrs);
  const bool whole = needs_whole_input(node);
  Dims src = graph.shape_of(node.inputs.at(0)).dims;
  Dims dst = graph.shape_of(node.output).dims;
  const size_t rank = src.size();
  if (rank > 2 && !whole) src[rank - 2] = dst[rank - 2] = out.size();
  if (r.is_arg()) {
    const int64_t extent = src[rank + static_cast<size_t>(r.axes.at(0))];
    return std::make_unique<ArgReduceKernel>(r, Shape(dst).elements(), extent);
  }
  if (src == dst)  // only dims of size 1 reduced: every reduction is the identity
    return std::make_unique<CopyKernel>(static_cast<size_t>(Shape(dst).elements()));
  dnnl::algorithm algorithm = dnnl::algorithm::reduction_mean;
  switch (r.kind) {
    case ReduceAttrs::Kind::kMean: algorithm = dnnl::algorithm::reduction_mean; break;
    case ReduceAttrs::Kind::kMax: algorithm = dnnl::algorithm::reduction_max; break;
    case ReduceAttrs::Kind::kMin: algorithm = dnnl::algorithm::reduction_min; break;
    case ReduceAttrs::Kind::kSum: algorithm = dnnl::algorithm::reduction_sum; break;
    case ReduceAttrs::Kind::kArgMax:
    case ReduceAttrs::Kind::kArgMin: break;  // ArgReduceKernel above
  }
  const dnnl::memory::desc src_md = storage_desc(src), dst_md = storage_desc(dst);
  const dnnl::reduction::desc desc(algorithm, src_md, dst_md, 0.0f, 0.0f);
  const dnnl::reduction::primitive_desc pd(desc, ctx.engine);
  auto kernel = std::make_unique<PrimitiveKernel>(ctx, dnnl::reduction(pd));
  kernel->bind_input(DNNL_ARG_SRC, src_md, 0);
  kernel->bind_dst(DNNL_ARG_DST, dst_md);
  return kernel;
}

}  // namespace edgeflow::kernels
