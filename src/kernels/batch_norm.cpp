// Standalone BatchNorm (per-channel y = x * scale[c] + shift[c], then an
// activation) on a row slice:
//   one input: oneDNN binary mul by a channel-broadcast scale, with a binary
//     add of the shift and the activation as post-ops;
//   several (a fused Concat, DenseNet's Concat -> BN -> ReLU): a plain loop
//     over the inputs' channel runs (ChannelRuns) writing each normalized run
//     to its place, so the concatenation is never written unnormalized.
//     The IR allows no activation but ReLU there (fuse_concat_batchnorms).
#include <algorithm>

#include "edgeflow/error.h"
#include "kernels/channel_runs.h"
#include "kernels/onednn_kernels.h"

namespace edgeflow::kernels {

using dnnl::memory;

namespace {

class ConcatBatchNormKernel : public Kernel {
 public:
  ConcatBatchNormKernel(ChannelRuns runs, const BatchNormAttrs& bn)
      : runs_(std::move(runs)), scale_(bn.scale), shift_(bn.shift) {
    EF_ASSERT(bn.activation.none() || bn.activation.kind == Activation::Kind::kRelu);
    relu_ = !bn.activation.none();
  }

  void run(const std::vector<const float*>& inputs, float* dst) override {
    if (relu_)
      normalize<true>(inputs, dst);
    else
      normalize<false>(inputs, dst);
  }

 private:
  template <bool kRelu>
  void normalize(const std::vector<const float*>& inputs, float* dst) const {
    const float* scale = scale_.data();
    const float* shift = shift_.data();
    runs_.for_each(inputs, dst, [=](const float* src, float* out, int64_t first, int64_t count) {
      for (int64_t c = 0; c < count; ++c) {
        const float v = src[c] * scale[first + c] + shift[first + c];
        out[c] = kRelu ? std::max(v, 0.0f) : v;
      }
    });
  }

  ChannelRuns runs_;
  std::vector<float> scale_, shift_;
  bool relu_ = false;
};

// A per-channel vector shaped to broadcast over `shape` (dims 1 but C).
memory::desc channel_desc(const Shape& shape) {
  memory::dims dims(shape.rank(), 1);
  dims.at(1) = shape.dims.at(1);
  return memory::desc(dims, memory::data_type::f32,
                      shape.rank() == 4 ? memory::format_tag::nchw : memory::format_tag::ab);
}

}  // namespace

KernelPtr make_batch_norm_kernel(const OnednnContext& ctx, const Graph& graph, const Node& node,
                                 RowRange out) {
  const BatchNormAttrs& bn = std::get<BatchNormAttrs>(node.attrs);
  if (node.inputs.size() > 1)
    return std::make_unique<ConcatBatchNormKernel>(ChannelRuns(graph, node, out), bn);
  const Shape& shape = graph.shape_of(node.output);
  EF_ASSERT(shape.rank() == 4 || shape.rank() == 2);
  EF_ASSERT(static_cast<int64_t>(bn.scale.size()) == shape.dims[1] &&
            bn.shift.size() == bn.scale.size());

  const memory::desc md = rows_desc(shape, out);
  const memory::desc channel_md = channel_desc(shape);
  dnnl::post_ops ops;
  ops.append_binary(dnnl::algorithm::binary_add, channel_md);
  append_activation(ops, bn.activation);
  dnnl::primitive_attr attr;
  attr.set_post_ops(ops);
  const dnnl::binary::desc desc(dnnl::algorithm::binary_mul, md, channel_md, md);
  const dnnl::binary::primitive_desc pd(desc, attr, ctx.engine);

  auto kernel = std::make_unique<PrimitiveKernel>(ctx, dnnl::binary(pd));
  kernel->bind_input(DNNL_ARG_SRC_0, md, 0);
  kernel->bind_constant(DNNL_ARG_SRC_1, constant_memory(ctx, channel_md, bn.scale.data()));
  kernel->bind_constant(DNNL_ARG_ATTR_MULTIPLE_POST_OP(0) | DNNL_ARG_SRC_1,
                        constant_memory(ctx, channel_md, bn.shift.data()));
  kernel->bind_dst(DNNL_ARG_DST, md);
  return kernel;
}

}  // namespace edgeflow::kernels
