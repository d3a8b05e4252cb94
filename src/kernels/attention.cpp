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
// Windowed attention (block > 0) adds a leading batch axis, the blocks,
// with stride block*features: one set of primitives covers every whole block
// of the slice, and a slice that starts or ends inside a block gets a set for
// that block's rows (a Group each, at most three). A bias is added to the
// scaled scores between the first product and the softmax.
//
// Measured on ViT-B/16 (T = S = 197, 12 heads, one AVX2 thread): oneDNN 2.6
// runs both strided products as gemm:jit, 1.8 ms in all; a primitive per
// head (or per group of heads, scores kept in L2) was no faster. oneDNN's
// softmax took 0.37 ms of it, a plain std::exp loop 3.4 ms.
#include <algorithm>

#include "edgeflow/error.h"
#include "kernels/onednn_kernels.h"

namespace edgeflow::kernels {
namespace {

using dnnl::memory;

// Head h's columns [h*d, (h+1)*d) of `tokens` rows of `features` floats in
// each of `blocks` blocks of `block_tokens` rows, as the batched matrix
// {blocks, heads, tokens, d}; transposed: {blocks, heads, d, tokens}.
memory::desc head_columns(int64_t blocks, int64_t block_tokens, int64_t heads, int64_t tokens,
                          int64_t features, bool transposed) {
  const int64_t d = features / heads, b = block_tokens * features;
  if (transposed)
    return memory::desc({blocks, heads, d, tokens}, memory::data_type::f32, {b, d, 1, features});
  return memory::desc({blocks, heads, tokens, d}, memory::data_type::f32, {b, d, features, 1});
}

// One primitive and its arguments; the memories are the group's, so their
// data handles are set once per run for all steps.
struct Step {
  dnnl::primitive primitive;
  std::vector<dnnl_exec_arg_t> args;
};

// Where a group of blocks lies: `blocks` consecutive blocks from block
// `first_block`, and in each the query rows [row, row + rows) of the block.
struct GroupSpan {
  int64_t first_block = 0, blocks = 1, row = 0, rows = 0;
};

struct Geometry {
  int64_t heads, block, keys, features, value_features;  // block: queries per block
};

class Group {
 public:
  Group(const OnednnContext& ctx, const AttentionAttrs& a, const Geometry& g, const GroupSpan& s,
        int64_t q_offset, int64_t kv_offset)
      : span_(s), q_offset_(q_offset), kv_offset_(kv_offset) {
    const int64_t h = g.heads, n = s.blocks;
    const memory::desc q_md = head_columns(n, g.block, h, s.rows, g.features, false);
    const memory::desc kt_md = head_columns(n, g.keys, h, g.keys, g.features, true);
    const memory::desc v_md = head_columns(n, g.keys, h, g.keys, g.value_features, false);
    const memory::desc out_md = head_columns(n, g.block, h, s.rows, g.value_features, false);
    const memory::desc scores_md({n, h, s.rows, g.keys}, memory::data_type::f32,
                                 memory::format_tag::abcd);
    q_ = memory(q_md, ctx.engine, DNNL_MEMORY_NONE);
    k_ = memory(kt_md, ctx.engine, DNNL_MEMORY_NONE);
    v_ = memory(v_md, ctx.engine, DNNL_MEMORY_NONE);
    out_ = memory(out_md, ctx.engine, DNNL_MEMORY_NONE);
    scores_ = memory(scores_md, ctx.engine);  // allocated and owned by the memory

    dnnl::primitive_attr scaled;
    scaled.set_output_scales(0, {a.scale});
    const dnnl::matmul::primitive_desc qk(dnnl::matmul::desc(q_md, kt_md, scores_md), scaled,
                                          ctx.engine);
    first_.push_back({dnnl::matmul(qk), {{DNNL_ARG_SRC, q_.get()},
                                         {DNNL_ARG_WEIGHTS, k_.get()},
                                         {DNNL_ARG_DST, scores_.get()}}});
    if (!a.bias.empty()) copy_bias(a.bias, g);

    // Softmax rows: every (block, head, query), over the keys.
    const memory::desc rows_md({n * h * s.rows, g.keys}, memory::data_type::f32,
                               memory::format_tag::ab);
    const dnnl::softmax_forward::primitive_desc softmax(
        dnnl::softmax_forward::desc(dnnl::prop_kind::forward_inference, rows_md, 1), ctx.engine);
    second_.push_back({dnnl::softmax_forward(softmax),
                       {{DNNL_ARG_SRC, scores_.get()}, {DNNL_ARG_DST, scores_.get()}}});
    const dnnl::matmul::primitive_desc pv(dnnl::matmul::desc(scores_md, v_md, out_md),
                                          ctx.engine);
    second_.push_back({dnnl::matmul(pv), {{DNNL_ARG_SRC, scores_.get()},
                                          {DNNL_ARG_WEIGHTS, v_.get()},
                                          {DNNL_ARG_DST, out_.get()}}});
  }

  // q, k, v as run() gets them (at the slice's first query row and the first
  // key row it reads); out at the slice's first output row.
  void run(const OnednnContext& ctx, const std::vector<const float*>& in, float* out,
           const Geometry& g) {
    // Read-only arguments: oneDNN takes handles as void*.
    q_.set_data_handle(const_cast<float*>(in[0] + q_offset_ * g.features));
    k_.set_data_handle(const_cast<float*>(in[1] + kv_offset_ * g.features));
    v_.set_data_handle(const_cast<float*>(in[2] + kv_offset_ * g.value_features));
    out_.set_data_handle(out + q_offset_ * g.value_features);
    for (const Step& s : first_)
      execute_and_wait(ctx, s.primitive, s.args.data(), static_cast<int>(s.args.size()));
    if (!bias_.empty()) add_bias();
    for (const Step& s : second_)
      execute_and_wait(ctx, s.primitive, s.args.data(), static_cast<int>(s.args.size()));
  }

 private:
  // The bias rows of this group's queries, [blocks or 1, heads, rows, keys].
  void copy_bias(const Tensor& bias, const Geometry& g) {
    const Dims& d = bias.shape().dims;  // [B or 1, heads, block, keys]
    const int64_t bias_blocks = d[0] == 1 ? 1 : span_.blocks;
    shared_bias_ = d[0] == 1 && span_.blocks > 1;
    for (int64_t b = 0; b < bias_blocks; ++b)
      for (int64_t h = 0; h < g.heads; ++h) {
        const float* rows =
            bias.data() + (((d[0] == 1 ? 0 : span_.first_block + b) * g.heads + h) * d[2] +
                           span_.row) * d[3];
        bias_.insert(bias_.end(), rows, rows + span_.rows * d[3]);
      }
  }

  void add_bias() {
    float* scores = static_cast<float*>(scores_.get_data_handle());
    const size_t per_block = shared_bias_ ? bias_.size() : bias_.size() / span_.blocks;
    for (int64_t b = 0; b < span_.blocks; ++b) {
      float* dst = scores + b * per_block;
      const float* src = bias_.data() + (shared_bias_ ? 0 : b * per_block);
      for (size_t i = 0; i < per_block; ++i) dst[i] += src[i];
    }
  }

  GroupSpan span_;
  int64_t q_offset_, kv_offset_;  // rows from the slice's first query and key
  memory q_, k_, v_, out_, scores_;
  std::vector<Step> first_, second_;  // before and after the bias
  std::vector<float> bias_;
  bool shared_bias_ = false;
};

class AttentionKernel : public Kernel {
 public:
  AttentionKernel(const OnednnContext& ctx, const Geometry& g,
                  std::vector<std::unique_ptr<Group>> groups)
      : ctx_(ctx), geometry_(g), groups_(std::move(groups)) {}

  void run(const std::vector<const float*>& inputs, float* dst) override {
    EF_ASSERT(inputs.size() == 3);
    for (auto& group : groups_) group->run(ctx_, inputs, dst, geometry_);
  }

 private:
  OnednnContext ctx_;
  Geometry geometry_;
  std::vector<std::unique_ptr<Group>> groups_;
};

// The slice's query rows as groups: one unblocked, else the whole blocks
// together and the partial first and last blocks on their own.
std::vector<GroupSpan> group_spans(int64_t block, RowRange out) {
  if (block == 0) return {{0, 1, out.begin, out.size()}};
  std::vector<GroupSpan> spans;
  for (int64_t b = out.begin / block; b * block < out.end; ++b) {
    const int64_t lo = std::max(out.begin, b * block), hi = std::min(out.end, (b + 1) * block);
    const bool whole = hi - lo == block;
    if (whole && !spans.empty() && spans.back().rows == block &&
        spans.back().first_block + spans.back().blocks == b)
      ++spans.back().blocks;
    else
      spans.push_back({b, 1, lo - b * block, hi - lo});
  }
  return spans;
}

}  // namespace

KernelPtr make_attention_kernel(const OnednnContext& ctx, const Graph& graph, const Node& node,
                                RowRange out) {
  const AttentionAttrs& a = std::get<AttentionAttrs>(node.attrs);
  const Shape& q = graph.shape_of(node.inputs.at(0));
  const Shape& v = graph.shape_of(node.inputs.at(2));
  EF_ASSERT(q.rank() == 3 && v.rank() == 3 && q.dims[2] % a.heads == 0 &&
            v.dims[2] % a.heads == 0);
  const Geometry g{a.heads, a.block > 0 ? a.block : q.dims[1], a.block > 0 ? a.block : v.dims[1],
                   q.dims[2], v.dims[2]};
  const int64_t first_key = required_input_rows(graph, node, 1, out).begin;
  std::vector<std::unique_ptr<Group>> groups;
  for (const GroupSpan& s : group_spans(a.block, out)) {
    const int64_t first_query = s.first_block * (a.block > 0 ? a.block : 0) + s.row;
    groups.push_back(std::make_unique<Group>(ctx, a, g, s, first_query - out.begin,
                                             s.first_block * (a.block > 0 ? a.block : 0) -
                                                 first_key));
  }
  return std::make_unique<AttentionKernel>(ctx, g, std::move(groups));
}

}  // namespace edgeflow::kernels
