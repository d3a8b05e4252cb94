// Elementwise binary ops (Add, Sub, Mul, Div, Pow, Max, Min) with ONNX
// broadcasting on a row slice. oneDNN's binary primitive broadcasts only its
// second source, so:
//   - operand 0 has the output's dims: oneDNN binary (operand 1 broadcast);
//   - operand 1 has them and the op commutes (Add, Mul, Max, Min): the same, swapped;
//   - otherwise (a broadcast first operand of Sub/Div, both broadcast, Pow,
//     which oneDNN 2.6's binary lacks): EdgeFlow's own strided loop.
// A fused activation is a oneDNN post-op, or applied by the loop.
#include <algorithm>
#include <cmath>

#include "edgeflow/error.h"
#include "kernels/binary_operands.h"
#include "kernels/elementwise.h"
#include "kernels/onednn_kernels.h"

namespace edgeflow::kernels {

using dnnl::memory;

namespace {

float apply(BinaryAttrs::Kind kind, float x, float y) {
  switch (kind) {
    case BinaryAttrs::Kind::kAdd: return x + y;
    case BinaryAttrs::Kind::kSub: return x - y;
    case BinaryAttrs::Kind::kMul: return x * y;
    case BinaryAttrs::Kind::kDiv: return x / y;
    case BinaryAttrs::Kind::kPow: return std::pow(x, y);
    case BinaryAttrs::Kind::kMax: return std::max(x, y);
    case BinaryAttrs::Kind::kMin: return std::min(x, y);
  }
  return 0.0f;
}

// Storage-order extents (outer to inner, padded to 4) and an operand's
// strides along them (0 where it broadcasts).
struct Walk {
  int64_t extent[4] = {1, 1, 1, 1};
  int64_t stride[2][4] = {{0, 0, 0, 0}, {0, 0, 0, 0}};
};

// Storage order of the dims of a rank-r tensor: n h w c for maps, row-major otherwise.
std::vector<size_t> storage_order(size_t rank) {
  if (rank == 4) return {0, 2, 3, 1};
  std::vector<size_t> order(rank);
  for (size_t i = 0; i < rank; ++i) order[i] = i;
  return order;
}

Walk make_walk(const Dims& out, const std::vector<BinaryOperand>& ops) {
  Walk w;
  const std::vector<size_t> order = storage_order(out.size());
  const size_t skip = 4 - order.size();
  for (size_t k = 0; k < order.size(); ++k) w.extent[skip + k] = out[order[k]];
  for (int o = 0; o < 2; ++o) {
    const memory::dims strides = storage_strides(ops[o].dims);
    for (size_t k = 0; k < order.size(); ++k)
      w.stride[o][skip + k] = ops[o].dims[order[k]] == 1 ? 0 : strides[order[k]];
  }
  return w;
}

class BroadcastBinaryKernel : public Kernel {
 public:
  BroadcastBinaryKernel(BinaryAttrs::Kind kind, const Activation& activation, const Dims& out,
                        std::vector<BinaryOperand> ops)
      : kind_(kind), activation_(activation), walk_(make_walk(out, ops)), ops_(std::move(ops)) {}

  void run(const std::vector<const float*>& inputs, float* dst) override {
    const float* src[2];
    for (int o = 0; o < 2; ++o)
      src[o] = ops_[o].input_index < 0 ? ops_[o].constant.data() : inputs.at(ops_[o].input_index);
    const Walk& w = walk_;
    float* y = dst;
    for (int64_t i0 = 0; i0 < w.extent[0]; ++i0)
      for (int64_t i1 = 0; i1 < w.extent[1]; ++i1)
        for (int64_t i2 = 0; i2 < w.extent[2]; ++i2) {
          const float* a = src[0] + i0 * w.stride[0][0] + i1 * w.stride[0][1] + i2 * w.stride[0][2];
          const float* b = src[1] + i0 * w.stride[1][0] + i1 * w.stride[1][1] + i2 * w.stride[1][2];
          for (int64_t i3 = 0; i3 < w.extent[3]; ++i3)
            *y++ = activate_value(apply(kind_, a[i3 * w.stride[0][3]], b[i3 * w.stride[1][3]]),
                                  activation_);
        }
  }

 private:
  BinaryAttrs::Kind kind_;
  Activation activation_;
  Walk walk_;
  std::vector<BinaryOperand> ops_;
};

dnnl::algorithm onednn_algorithm(BinaryAttrs::Kind kind) {
  switch (kind) {
    case BinaryAttrs::Kind::kAdd: return dnnl::algorithm::binary_add;
    case BinaryAttrs::Kind::kSub: return dnnl::algorithm::binary_sub;
    case BinaryAttrs::Kind::kMul: return dnnl::algorithm::binary_mul;
    case BinaryAttrs::Kind::kDiv: return dnnl::algorithm::binary_div;
    case BinaryAttrs::Kind::kMax: return dnnl::algorithm::binary_max;
    case BinaryAttrs::Kind::kMin: return dnnl::algorithm::binary_min;
    case BinaryAttrs::Kind::kPow: break;
  }
  EF_ASSERT(false && "no oneDNN binary algorithm");
  return dnnl::algorithm::binary_add;
}

// oneDNN binary: src0 = ops[0] with the output's dims, src1 = ops[1].
KernelPtr onednn_binary(const OnednnContext& ctx, dnnl::algorithm algorithm, const Dims& out,
                        const std::vector<BinaryOperand>& ops, const Activation& activation) {
  const memory::desc md0 = storage_desc(ops[0].dims);
  const memory::desc md1 = storage_desc(ops[1].dims);
  const memory::desc dst_md = storage_desc(out);
  const dnnl::binary::desc desc(algorithm, md0, md1, dst_md);
  const dnnl::binary::primitive_desc pd(desc, activation_attr(activation), ctx.engine);
  auto kernel = std::make_unique<PrimitiveKernel>(ctx, dnnl::binary(pd));
  const int args[2] = {DNNL_ARG_SRC_0, DNNL_ARG_SRC_1};
  const memory::desc* mds[2] = {&md0, &md1};
  for (int o = 0; o < 2; ++o) {
    if (ops[o].input_index >= 0)
      kernel->bind_input(args[o], *mds[o], static_cast<size_t>(ops[o].input_index));
    else
      kernel->bind_constant(args[o], constant_memory(ctx, *mds[o], ops[o].constant.data()));
  }
  kernel->bind_dst(DNNL_ARG_DST, dst_md);
  return kernel;
}

bool commutes(BinaryAttrs::Kind kind) {
  return kind == BinaryAttrs::Kind::kAdd || kind == BinaryAttrs::Kind::kMul ||
         kind == BinaryAttrs::Kind::kMax || kind == BinaryAttrs::Kind::kMin;
}

KernelPtr make_elementwise_binary(const OnednnContext& ctx, const Graph& graph, const Node& node,
                                  RowRange out, BinaryAttrs::Kind kind,
                                  const Activation& activation) {
  std::vector<BinaryOperand> ops = binary_operands(graph, node, out);
  Dims dst = graph.shape_of(node.output).dims;
  dst[dst.size() - 2] = out.size();
  if (dst.size() == 2) dst[0] = 1;  // [1, K]: one row
  if (kind != BinaryAttrs::Kind::kPow && activation.fusable()) {
    if (ops[0].dims == dst) return onednn_binary(ctx, onednn_algorithm(kind), dst, ops, activation);
    if (ops[1].dims == dst && commutes(kind)) {
      std::swap(ops[0], ops[1]);
      return onednn_binary(ctx, onednn_algorithm(kind), dst, ops, activation);
    }
  }
  return std::make_unique<BroadcastBinaryKernel>(kind, activation, dst, std::move(ops));
}

}  // namespace

std::vector<BinaryOperand> binary_operands(const Graph& graph, const Node& node, RowRange out) {
  const Shape& out_shape = graph.shape_of(node.output);
  const size_t rank = out_shape.rank();
  const Tensor* constant = nullptr;
  int constant_index = -1;
  if (auto* b = std::get_if<BinaryAttrs>(&node.attrs)) {
    constant = &b->constant;
    constant_index = b->constant_index;
  }
  std::vector<BinaryOperand> ops(2);
  int next_input = 0;
  for (int o = 0; o < 2; ++o) {
    BinaryOperand& op = ops[o];
    const Shape full =
        o == constant_index ? constant->shape() : graph.shape_of(node.inputs.at(next_input));
    op.dims = expand_rank(full.dims, rank);
    const int64_t height = op.dims[rank - 2];
    const RowRange rows = height == out_shape.height() ? out : RowRange{0, height};
    if (rank > 2) op.dims[rank - 2] = rows.size();
    if (o == constant_index) {
      const int64_t row_floats = constant->shape().elements() / std::max<int64_t>(1, height);
      const float* first = constant->data() + (rank > 2 ? rows.begin * row_floats : 0);
      op.constant.assign(first, first + (rank > 2 ? rows.size() : 1) * row_floats);
    } else {
      op.input_index = next_input++;
    }
  }
  return ops;
}

KernelPtr make_binary_kernel(const OnednnContext& ctx, const Graph& graph, const Node& node,
                             RowRange out) {
  const BinaryAttrs& b = std::get<BinaryAttrs>(node.attrs);
  return make_elementwise_binary(ctx, graph, node, out, b.kind, b.activation);
}

}  // namespace edgeflow::kernels
