// Shared oneDNN plumbing of the kernels: the engine/stream pair, memory
// descriptors of NHWC row slices, activations as eltwise post-ops, constant
// (weight) memories, and a Kernel that runs one primitive over caller buffers.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include <oneapi/dnnl/dnnl.hpp>

#include "edgeflow/ir.h"
#include "edgeflow/kernels.h"

namespace edgeflow::kernels {

struct OnednnContext {
  dnnl::engine engine;
  dnnl::stream stream;
};

// Rows `rows` of a tensor of `shape`: {1, C, rows, W} in nhwc for a feature
// map, {1, rows, B} for [1, A, B]; the whole tensor in plain row-major order
// for ranks 1 and 2.
dnnl::memory::desc rows_desc(const Shape& shape, RowRange rows);
// A flat vector of `elements` floats.
dnnl::memory::desc flat_desc(int64_t elements);
// Storage strides (in floats) of each dim of `dims` (rank 1 to 4, laid out as
// tensor.h says: NHWC for rank 4, row-major otherwise).
dnnl::memory::dims storage_strides(const Dims& dims);
// `dims` laid out as storage_strides says.
dnnl::memory::desc storage_desc(const Dims& dims);
// `dims` in row-major (ONNX) order, rank 1 to 4.
dnnl::memory::desc plain_desc(const Dims& dims);
// `dims` padded with leading 1s to `rank`.
Dims expand_rank(const Dims& dims, size_t rank);

// An activation as oneDNN eltwise steps (kNone: one identity step, linear
// 1*x+0; HardSigmoid: linear then clip; none for kErf, which oneDNN lacks).
struct EltwiseParams {
  dnnl::algorithm algorithm;
  float alpha;
  float beta;
};
std::vector<EltwiseParams> eltwise_steps(const Activation& activation);
// Appends `activation` to `ops` unless it is kNone (it must be fusable()).
void append_activation(dnnl::post_ops& ops, const Activation& activation);
// Attributes holding just `activation` as a post-op.
dnnl::primitive_attr activation_attr(const Activation& activation);

// A memory of layout `md` holding a copy of `data`.
dnnl::memory constant_memory(const OnednnContext& ctx, const dnnl::memory::desc& md,
                             const float* data);
// `data` laid out as `user_md`, reordered once into a new memory of `target_md`.
dnnl::memory reordered_constant(const OnednnContext& ctx, const dnnl::memory::desc& user_md,
                                const float* data, const dnnl::memory::desc& target_md);

// The geometry of one spatial dim of a windowed op (conv, pool) for a slice:
// the input extent it reads and the padding on either side, consistent with
// `out` outputs for oneDNN ((in + begin + end - extent) / stride + 1 == out).
struct SliceAxis {
  int64_t in = 0;
  int64_t pad_begin = 0;
  int64_t pad_end = 0;
};
// Height axis of output rows `out` of a windowed node (input 0); throws if the
// slice reads no input row at all (its windows lie wholly in padding).
SliceAxis window_height_axis(const Graph& graph, const Node& node, const Window& window,
                             RowRange out);
// Width axis (always whole): declared left pad, right pad made consistent.
SliceAxis window_width_axis(const Window& window, int64_t in_width, int64_t out_width);

// Executes `primitive` on the context's stream with `count` arguments and
// waits for it: oneDNN's C API, so nothing is allocated per call (the C++
// execute() builds a vector from its argument map every time).
void execute_and_wait(const OnednnContext& ctx, const dnnl::primitive& primitive,
                      const dnnl_exec_arg_t* args, int count);

// A kernel that executes one primitive. Memories bound to inputs/dst get
// their data handles set in run(); constants are bound once.
class PrimitiveKernel : public Kernel {
 public:
  PrimitiveKernel(const OnednnContext& ctx, dnnl::primitive primitive);
  void bind_input(int arg, const dnnl::memory::desc& md, size_t input_index);
  void bind_dst(int arg, const dnnl::memory::desc& md);
  void bind_constant(int arg, dnnl::memory memory);
  void run(const std::vector<const float*>& inputs, float* dst) override;

 private:
  OnednnContext ctx_;
  dnnl::primitive primitive_;
  std::unordered_map<int, dnnl::memory> args_;  // owns the bound memories
  std::vector<dnnl_exec_arg_t> exec_args_;      // args_ for the C API, made once
  std::vector<std::pair<dnnl::memory, size_t>> inputs_;
  dnnl::memory dst_;
};

// A normalization primitive (layer or batch normalization) over `md`, with
// its per-channel scale and shift bound once; src is input 0.
std::unique_ptr<PrimitiveKernel> scale_shift_kernel(const OnednnContext& ctx,
                                                    dnnl::primitive primitive,
                                                    const dnnl::memory::desc& md,
                                                    const std::vector<float>& scale,
                                                    const std::vector<float>& shift);

// Copies `floats` floats of input 0 to dst (ops that are an identity on
// their slice: a row-local Reshape, a reduction over dims of size 1).
class CopyKernel : public Kernel {
 public:
  explicit CopyKernel(size_t floats) : floats_(floats) {}
  void run(const std::vector<const float*>& inputs, float* dst) override;

 private:
  size_t floats_;
};

// "node 'conv3' (Conv, rows [4, 9))": context for error messages.
std::string describe(const Node& node, RowRange out);

}  // namespace edgeflow::kernels
