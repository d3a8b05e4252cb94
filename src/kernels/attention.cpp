// Multi-head attention on a row slice: the slice's queries against every key
// and value, as three oneDNN primitives over strided views of the token
// tensors, so no head is ever copied out:
//
//   scores[h, r, s] = scale * q[r, h*dq + i] . k[s, h*dq + i]   matmul, batch = heads
//   scores         <- softmax over s                            in place
//   out[r, h*dv+j]  = scores[h, r, s] . v[s, h*dv + j]          matmul, batch = heads
//
// A head's features are a column block of the row-major [tokens, features]
// storage: as a batched matrix, {heads, tokens, d} with strides {d, features,
// 1}; k^T is the same block read with the last two strides swapped. The
// scores are the kernel's own scratch, [heads, rows, S] dense.
//
// Measured on ViT-B/16 (T = S = 197, 12 heads, one AVX2 thread): oneDNN 2.6
// runs both strided products as gemm:jit, 1.8 ms in all; a primitive per
// head (or per group of heads, scores kept in L2) was no faster. oneDNN's
// softmax took 0.37 ms of it, a plain std::exp loop 3.4 ms.
#include "edgeflow/error.h"
#include "kernels/onednn_kernels.h"

namespace edgeflow::kernels {
namespace {

using dnnl::memory;

// Head h's columns [h*d, (h+1)*d) of `tokens` rows of `features` floats, as
// the batched matrix {heads, tokens, d}; transposed: {heads, d, tokens}.
memory::desc head_columns(int64_t heads, int64_t tokens, int64_t features, bool transposed) {
  const int64_t d = features / heads;
  if (transposed) return memory::desc({heads, d, tokens}, memory::data_type::f32, {d, 1, features});
  return memory::desc({heads, tokens, d}, memory::data_type::f32, {d, features, 1});
}

// One primitive and its arguments; the memories are the kernel's, so their
// data handles are set once per run for all steps.
struct Step {
  dnnl::primitive primitive;
  std::vector<dnnl_exec_arg_t> args;
};

class AttentionKernel : public Kernel {
 public:
  AttentionKernel(const OnednnContext& ctx, const AttentionAttrs& a, int64_t rows, int64_t keys,
                  int64_t features, int64_t value_features)
      : ctx_(ctx) {
    const int64_t h = a.heads;
    const memory::desc q_md = head_columns(h, rows, features, false);
    const memory::desc kt_md = head_columns(h, keys, features, true);
    const memory::desc v_md = head_columns(h, keys, value_features, false);
    const memory::desc out_md = head_columns(h, rows, value_features, false);
    const memory::desc scores_md({h, rows, keys}, memory::data_type::f32,
                                 memory::format_tag::abc);
    q_ = memory(q_md, ctx.engine, DNNL_MEMORY_NONE);
    k_ = memory(kt_md, ctx.engine, DNNL_MEMORY_NONE);
    v_ = memory(v_md, ctx.engine, DNNL_MEMORY_NONE);
    out_ = memory(out_md, ctx.engine, DNNL_MEMORY_NONE);
    scores_ = memory(scores_md, ctx.engine);  // allocated and owned by the memory

    dnnl::primitive_attr scaled;
    scaled.set_output_scales(0, {a.scale});
    const dnnl::matmul::primitive_desc qk(dnnl::matmul::desc(q_md, kt_md, scores_md), scaled,
                                          ctx.engine);
    steps_.push_back({dnnl::matmul(qk), {{DNNL_ARG_SRC, q_.get()},
                                         {DNNL_ARG_WEIGHTS, k_.get()},
                                         {DNNL_ARG_DST, scores_.get()}}});

    // Softmax rows: every (head, query) pair, over the keys.
    const memory::desc rows_md({h * rows, keys}, memory::data_type::f32, memory::format_tag::ab);
    const dnnl::softmax_forward::primitive_desc softmax(
        dnnl::softmax_forward::desc(dnnl::prop_kind::forward_inference, rows_md, 1), ctx.engine);
    steps_.push_back({dnnl::softmax_forward(softmax),
                      {{DNNL_ARG_SRC, scores_.get()}, {DNNL_ARG_DST, scores_.get()}}});

    const dnnl::matmul::primitive_desc pv(dnnl::matmul::desc(scores_md, v_md, out_md),
                                          ctx.engine);
    steps_.push_back({dnnl::matmul(pv), {{DNNL_ARG_SRC, scores_.get()},
                                         {DNNL_ARG_WEIGHTS, v_.get()},
                                         {DNNL_ARG_DST, out_.get()}}});
  }

  void run(const std::vector<const float*>& inputs, float* dst) override {
    EF_ASSERT(inputs.size() == 3);
    // Read-only arguments: oneDNN takes handles as void*.
    q_.set_data_handle(const_cast<float*>(inputs[0]));
    k_.set_data_handle(const_cast<float*>(inputs[1]));
    v_.set_data_handle(const_cast<float*>(inputs[2]));
    out_.set_data_handle(dst);
    for (const Step& s : steps_)
      execute_and_wait(ctx_, s.primitive, s.args.data(), static_cast<int>(s.args.size()));
  }

 private:
  OnednnContext ctx_;
  memory q_, k_, v_, out_, scores_;
  std::vector<Step> steps_;
};

}  // namespace

KernelPtr make_attention_kernel(const OnednnContext& ctx, const Graph& graph, const Node& node,
                                RowRange out) {
  const AttentionAttrs& a = std::get<AttentionAttrs>(node.attrs);
  const Shape& q = graph.shape_of(node.inputs.at(0));
  const Shape& v = graph.shape_of(node.inputs.at(2));
  EF_ASSERT(q.rank() == 3 && v.rank() == 3 && q.dims[2] % a.heads == 0 &&
            v.dims[2] % a.heads == 0);
  return std::make_unique<AttentionKernel>(ctx, a, out.size(), v.dims[1], q.dims[2], v.dims[2]);
}

}  // namespace edgeflow::kernels
