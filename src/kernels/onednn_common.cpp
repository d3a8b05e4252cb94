// Shared oneDNN plumbing: slice descriptors, activation post-ops, constants,
// window geometry of slices, and the one-primitive kernel.
#include "kernels/onednn_common.h"

#include <algorithm>
#include <cstring>

#include "edgeflow/error.h"

namespace edgeflow::kernels {

using dnnl::memory;

memory::desc rows_desc(const Shape& shape, RowRange rows) {
  if (shape.is_feature_map())
    return memory::desc({1, shape.channels(), rows.size(), shape.width()},
                        memory::data_type::f32, memory::format_tag::nhwc);
  EF_ASSERT(shape.rank() >= 1 && shape.rank() <= 3);
  Dims dims = shape.dims;
  if (shape.rank() == 3)
    dims[1] = rows.size();
  else
    EF_ASSERT(rows.begin == 0 && rows.end == shape.height());
  return plain_desc(dims);
}

memory::desc flat_desc(int64_t elements) {
  return memory::desc({elements}, memory::data_type::f32, memory::format_tag::a);
}

memory::dims storage_strides(const Dims& dims) {
  EF_ASSERT(dims.size() >= 1 && dims.size() <= 4);
  memory::dims strides(dims.size(), 1);
  if (dims.size() == 4) {  // n h w c
    strides[1] = 1;
    strides[3] = dims[1];
    strides[2] = dims[3] * dims[1];
    strides[0] = dims[2] * strides[2];
    return strides;
  }
  for (size_t i = dims.size() - 1; i-- > 0;) strides[i] = strides[i + 1] * dims[i + 1];
  return strides;
}

memory::desc storage_desc(const Dims& dims) {
  return memory::desc(dims, memory::data_type::f32, storage_strides(dims));
}

memory::desc plain_desc(const Dims& dims) {
  EF_ASSERT(dims.size() >= 1 && dims.size() <= 4);
  static const memory::format_tag kPlain[] = {memory::format_tag::a, memory::format_tag::ab,
                                              memory::format_tag::abc, memory::format_tag::abcd};
  return memory::desc(dims, memory::data_type::f32, kPlain[dims.size() - 1]);
}

Dims expand_rank(const Dims& dims, size_t rank) {
  EF_ASSERT(dims.size() <= rank);
  Dims out(rank - dims.size(), 1);
  out.insert(out.end(), dims.begin(), dims.end());
  return out;
}

std::vector<EltwiseParams> eltwise_steps(const Activation& a) {
  using dnnl::algorithm;
  switch (a.kind) {
    case Activation::Kind::kRelu: return {{algorithm::eltwise_relu, 0.0f, 0.0f}};
    case Activation::Kind::kClip: return {{algorithm::eltwise_clip, a.min, a.max}};
    case Activation::Kind::kLeakyRelu: return {{algorithm::eltwise_relu, a.alpha, 0.0f}};
    case Activation::Kind::kSigmoid: return {{algorithm::eltwise_logistic, 0.0f, 0.0f}};
    case Activation::Kind::kHardSigmoid:
      return {{algorithm::eltwise_linear, a.alpha, a.beta}, {algorithm::eltwise_clip, 0.0f, 1.0f}};
    case Activation::Kind::kHardSwish: return {{algorithm::eltwise_hardswish, 0.0f, 0.0f}};
    case Activation::Kind::kTanh: return {{algorithm::eltwise_tanh, 0.0f, 0.0f}};
    case Activation::Kind::kSqrt: return {{algorithm::eltwise_sqrt, 0.0f, 0.0f}};
    case Activation::Kind::kPow: return {{algorithm::eltwise_pow, 1.0f, a.alpha}};
    case Activation::Kind::kSwish: return {{algorithm::eltwise_swish, 1.0f, 0.0f}};
    case Activation::Kind::kGelu: return {{algorithm::eltwise_gelu_erf, 0.0f, 0.0f}};
    case Activation::Kind::kElu: return {{algorithm::eltwise_elu, a.alpha, 0.0f}};
    case Activation::Kind::kSelu:
      return {{algorithm::eltwise_elu, a.alpha, 0.0f}, {algorithm::eltwise_linear, a.beta, 0.0f}};
    case Activation::Kind::kSoftplus: return {{algorithm::eltwise_soft_relu, 0.0f, 0.0f}};
    case Activation::Kind::kAbs: return {{algorithm::eltwise_abs, 0.0f, 0.0f}};
    case Activation::Kind::kNeg: return {{algorithm::eltwise_linear, -1.0f, 0.0f}};
    case Activation::Kind::kExp: return {{algorithm::eltwise_exp, 0.0f, 0.0f}};
    case Activation::Kind::kLog: return {{algorithm::eltwise_log, 0.0f, 0.0f}};
    case Activation::Kind::kErf:
    case Activation::Kind::kSoftsign:
    case Activation::Kind::kFloor:
    case Activation::Kind::kCeil: return {};  // EdgeFlow's own loop
    case Activation::Kind::kNone: break;
  }
  return {{algorithm::eltwise_linear, 1.0f, 0.0f}};
}

void append_activation(dnnl::post_ops& ops, const Activation& activation) {
  if (activation.none()) return;
  EF_ASSERT(activation.fusable());
  for (const EltwiseParams& p : eltwise_steps(activation))
    ops.append_eltwise(1.0f, p.algorithm, p.alpha, p.beta);
}

dnnl::primitive_attr activation_attr(const Activation& activation) {
  dnnl::post_ops ops;
  append_activation(ops, activation);
  dnnl::primitive_attr attr;
  attr.set_post_ops(ops);
  return attr;
}

memory constant_memory(const OnednnContext& ctx, const memory::desc& md, const float* data) {
  memory mem(md, ctx.engine);
  std::memcpy(mem.get_data_handle(), data, md.get_size());
  return mem;
}

memory reordered_constant(const OnednnContext& ctx, const memory::desc& user_md,
                          const float* data, const memory::desc& target_md) {
  if (user_md == target_md) return constant_memory(ctx, user_md, data);
  memory user(user_md, ctx.engine, const_cast<float*>(data));  // only read
  memory target(target_md, ctx.engine);
  dnnl::stream stream = ctx.stream;  // a handle to the same stream
  dnnl::reorder(user, target).execute(stream, user, target);
  stream.wait();
  return target;
}

namespace {

// Padding at the end that makes `out` windows consistent with `in` inputs;
// never negative (unused trailing inputs are dropped by the division).
int64_t consistent_pad_end(int64_t in, int64_t out, int64_t stride, int64_t extent,
                           int64_t pad_begin) {
  return std::max<int64_t>(0, (out - 1) * stride + extent - in - pad_begin);
}

}  // namespace

SliceAxis window_height_axis(const Graph& graph, const Node& node, const Window& window,
                             RowRange out) {
  const RowRange in = required_input_rows(graph, node, 0, out);
  if (in.empty())
    fail_input("kernels: " + describe(node, out) +
               ": the windows lie wholly in padding (pad >= kernel extent)");
  SliceAxis axis;
  axis.in = in.size();
  axis.pad_begin = in.begin - (window.stride_h * out.begin - window.pad_top);
  axis.pad_end = consistent_pad_end(axis.in, out.size(), window.stride_h, window.extent_h(),
                                    axis.pad_begin);
  return axis;
}

SliceAxis window_width_axis(const Window& window, int64_t in_width, int64_t out_width) {
  SliceAxis axis;
  axis.in = in_width;
  axis.pad_begin = window.pad_left;
  axis.pad_end =
      consistent_pad_end(in_width, out_width, window.stride_w, window.extent_w(), window.pad_left);
  return axis;
}

void execute_and_wait(const OnednnContext& ctx, const dnnl::primitive& primitive,
                      const dnnl_exec_arg_t* args, int count) {
  dnnl::error::wrap_c_api(dnnl_primitive_execute(primitive.get(), ctx.stream.get(), count, args),
                          "could not execute a primitive");
  dnnl::error::wrap_c_api(dnnl_stream_wait(ctx.stream.get()), "could not wait on a stream");
}

std::unique_ptr<PrimitiveKernel> scale_shift_kernel(const OnednnContext& ctx,
                                                    dnnl::primitive primitive,
                                                    const memory::desc& md,
                                                    const std::vector<float>& scale,
                                                    const std::vector<float>& shift) {
  const memory::desc vector_md({static_cast<memory::dim>(scale.size())}, memory::data_type::f32,
                               memory::format_tag::a);
  auto kernel = std::make_unique<PrimitiveKernel>(ctx, std::move(primitive));
  kernel->bind_input(DNNL_ARG_SRC, md, 0);
  kernel->bind_constant(DNNL_ARG_SCALE, constant_memory(ctx, vector_md, scale.data()));
  kernel->bind_constant(DNNL_ARG_SHIFT, constant_memory(ctx, vector_md, shift.data()));
  kernel->bind_dst(DNNL_ARG_DST, md);
  return kernel;
}

PrimitiveKernel::PrimitiveKernel(const OnednnContext& ctx, dnnl::primitive primitive)
    : ctx_(ctx), primitive_(std::move(primitive)) {}

void PrimitiveKernel::bind_input(int arg, const memory::desc& md, size_t input_index) {
  memory mem(md, ctx_.engine, DNNL_MEMORY_NONE);
  args_[arg] = mem;
  inputs_.emplace_back(mem, input_index);
}

void PrimitiveKernel::bind_dst(int arg, const memory::desc& md) {
  dst_ = memory(md, ctx_.engine, DNNL_MEMORY_NONE);
  args_[arg] = dst_;
}

void PrimitiveKernel::bind_constant(int arg, memory mem) { args_[arg] = std::move(mem); }

void PrimitiveKernel::run(const std::vector<const float*>& inputs, float* dst) {
  for (auto& [mem, index] : inputs_) {
    EF_ASSERT(index < inputs.size());
    mem.set_data_handle(const_cast<float*>(inputs[index]));  // read-only argument
  }
  dst_.set_data_handle(dst);
  if (exec_args_.empty())
    for (const auto& [arg, mem] : args_) exec_args_.push_back({arg, mem.get()});
  execute_and_wait(ctx_, primitive_, exec_args_.data(), static_cast<int>(exec_args_.size()));
}

void CopyKernel::run(const std::vector<const float*>& inputs, float* dst) {
  std::memcpy(dst, inputs.at(0), floats_ * sizeof(float));
}

std::string describe(const Node& node, RowRange out) {
  return "node '" + node.name + "' (" + op_name(node.op) + ", rows [" +
         std::to_string(out.begin) + ", " + std::to_string(out.end) + "))";
}

}  // namespace edgeflow::kernels
