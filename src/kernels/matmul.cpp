// MatMul on a row slice: one oneDNN matmul over strided views. Operands are
// padded to the output's rank (batch dims broadcast as ONNX says); A's rows
// (its M axis, the row axis) are the slice's, B is read whole. A Linear
// layer (is_linear_layer) goes to linear.cpp; the other MatMuls carry no
// bias or activation. Feature maps are NHWC, so A = [1, C, H, W] is the
// strided view h*W*C + w*C + c.
#include "edgeflow/error.h"
#include "kernels/onednn_kernels.h"

namespace edgeflow::kernels {

using dnnl::memory;

namespace {

// Rows [a, b) of the M axis (second to last) of a constant in ONNX order, as
// a dense copy.
std::vector<float> constant_rows(const Tensor& t, RowRange rows) {
  const Dims& d = t.shape().dims;
  const int64_t m = d[d.size() - 2], k = d.back();
  const int64_t batches = t.shape().elements() / (m * k);
  std::vector<float> out;
  for (int64_t b = 0; b < batches; ++b)
    out.insert(out.end(), t.data() + (b * m + rows.begin) * k, t.data() + (b * m + rows.end) * k);
  return out;
}

}  // namespace

KernelPtr make_matmul_kernel(const OnednnContext& ctx, const Graph& graph, const Node& node,
                             RowRange out) {
  if (is_linear_layer(graph, node)) return make_linear_kernel(ctx, graph, node, out);
  const MatMulAttrs& m = std::get<MatMulAttrs>(node.attrs);
  EF_ASSERT(m.bias.empty() && m.activation.none());  // only Linear layers carry them
  const Shape& out_shape = graph.shape_of(node.output);
  const size_t rank = out_shape.rank();
  Dims dst = out_shape.dims;
  dst[rank - 2] = out.size();

  memory::desc mds[2];
  std::vector<float> constant;
  int next_input = 0;
  for (int o = 0; o < 2; ++o) {
    const bool is_constant = o == m.constant_index;
    const Shape& full =
        is_constant ? m.constant.shape() : graph.shape_of(node.inputs.at(next_input));
    Dims dims = expand_rank(full.dims, rank);
    // A's M axis follows the slice unless A is a single row broadcast to all.
    const bool sliced = o == 0 && dims[rank - 2] == out_shape.dims[rank - 2];
    const RowRange rows = sliced ? out : RowRange{0, dims[rank - 2]};
    dims[rank - 2] = rows.size();
    if (is_constant) {
      constant = constant_rows(m.constant, rows);
      mds[o] = plain_desc(dims);  // constants are in ONNX order, not NHWC
    } else {
      mds[o] = storage_desc(dims);
      ++next_input;
    }
  }
  const memory::desc dst_md = storage_desc(dst);
  // A constant B goes into the layout the primitive prefers (a packed one
  // for its GEMM), reordered once here.
  const bool linear = m.constant_index == 1;
  const memory::desc weights_md =
      linear ? memory::desc(mds[1].dims(), memory::data_type::f32, memory::format_tag::any)
             : mds[1];
  const dnnl::matmul::desc desc(mds[0], weights_md, dst_md);
  const dnnl::matmul::primitive_desc pd(desc, ctx.engine);
  auto kernel = std::make_unique<PrimitiveKernel>(ctx, dnnl::matmul(pd));
  const int args[2] = {DNNL_ARG_SRC, DNNL_ARG_WEIGHTS};
  next_input = 0;
  for (int o = 0; o < 2; ++o) {
    if (o == m.constant_index && linear)
      kernel->bind_constant(args[o],
                            reordered_constant(ctx, mds[o], constant.data(), pd.weights_desc()));
    else if (o == m.constant_index)
      kernel->bind_constant(args[o], constant_memory(ctx, mds[o], constant.data()));
    else
      kernel->bind_input(args[o], mds[o], static_cast<size_t>(next_input++));
  }
  kernel->bind_dst(DNNL_ARG_DST, dst_md);
  return kernel;
}

}  // namespace edgeflow::kernels
