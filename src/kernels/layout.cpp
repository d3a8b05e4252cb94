// Transpose and Reshape: ops whose meaning is ONNX (row-major, NCHW) element
// order. A Reshape that keeps every row's storage (reshape_is_row_local) is a
// copy of the slice's rows; the rest run whole, as oneDNN reorders:
//   Transpose: the input's storage -> the output's storage, in one reorder
//              (the destination seen through the input's dims: input dim
//              perm[j] strides as output dim j);
//   Reshape:   the input's storage -> row-major -> the output's storage,
//              each step skipped when that side's storage is row-major.
#include "edgeflow/error.h"
#include "kernels/onednn_kernels.h"

namespace edgeflow::kernels {

using dnnl::memory;

namespace {

// One or two reorders: input -> (scratch ->) output; each step reads its
// source through one descriptor and writes through another (a scratch
// buffer may be seen with other dims by the next step).
struct ReorderStep {
  memory::desc from, to;
};

class ReorderChainKernel : public Kernel {
 public:
  ReorderChainKernel(const OnednnContext& ctx, const std::vector<ReorderStep>& steps)
      : ctx_(ctx) {
    EF_ASSERT(steps.size() == 1 || steps.size() == 2);
    for (const ReorderStep& s : steps) {
      primitives_.emplace_back(dnnl::reorder::primitive_desc(ctx.engine, s.from, ctx.engine, s.to));
      from_.push_back(memory(s.from, ctx.engine, DNNL_MEMORY_NONE));
      to_.push_back(memory(s.to, ctx.engine, DNNL_MEMORY_NONE));
    }
    if (steps.size() == 2) scratch_.resize(steps[0].to.get_size() / sizeof(float));
  }

  void run(const std::vector<const float*>& inputs, float* dst) override {
    void* source = const_cast<float*>(inputs.at(0));  // only read
    for (size_t i = 0; i < primitives_.size(); ++i) {
      void* target = i + 1 == primitives_.size() ? static_cast<void*>(dst) : scratch_.data();
      from_[i].set_data_handle(source);
      to_[i].set_data_handle(target);
      const dnnl_exec_arg_t args[] = {{DNNL_ARG_FROM, from_[i].get()}, {DNNL_ARG_TO, to_[i].get()}};
      execute_and_wait(ctx_, primitives_[i], args, 2);
      source = target;
    }
  }

 private:
  OnednnContext ctx_;
  std::vector<dnnl::reorder> primitives_;
  std::vector<memory> from_, to_;  // each step's ends, data handles set per run
  std::vector<float> scratch_;
};

bool plain_storage(const Dims& d) { return d.size() != 4 || d[1] == 1 || d[2] * d[3] == 1; }

}  // namespace

KernelPtr make_transpose_kernel(const OnednnContext& ctx, const Graph& graph, const Node& node,
                                RowRange) {
  const TransposeAttrs& t = std::get<TransposeAttrs>(node.attrs);
  const Dims& in = graph.shape_of(node.inputs.at(0)).dims;
  const memory::dims out_strides = storage_strides(graph.shape_of(node.output).dims);
  memory::dims strides(in.size());
  for (size_t j = 0; j < t.perm.size(); ++j) strides[t.perm[j]] = out_strides[j];
  return std::make_unique<ReorderChainKernel>(
      ctx, std::vector<ReorderStep>{
               {storage_desc(in), memory::desc(in, memory::data_type::f32, strides)}});
}

KernelPtr make_reshape_kernel(const OnednnContext& ctx, const Graph& graph, const Node& node,
                              RowRange out) {
  const Shape& in = graph.shape_of(node.inputs.at(0));
  const Shape& y = graph.shape_of(node.output);
  if (std::get<ReshapeAttrs>(node.attrs).row_local)
    return std::make_unique<CopyKernel>(static_cast<size_t>(out.size() * y.row_elements()));
  if (plain_storage(in.dims) && plain_storage(y.dims))
    return std::make_unique<CopyKernel>(static_cast<size_t>(y.elements()));
  std::vector<ReorderStep> steps;
  if (!plain_storage(in.dims)) steps.push_back({storage_desc(in.dims), plain_desc(in.dims)});
  if (!plain_storage(y.dims)) steps.push_back({plain_desc(y.dims), storage_desc(y.dims)});
  return std::make_unique<ReorderChainKernel>(ctx, steps);
}

}  // namespace edgeflow::kernels
