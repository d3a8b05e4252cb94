// The project's own model IR: a DAG of layers over feature maps, in plain data
// (no third-party types). The importer builds it from ONNX; the kernels,
// the cost model, the partitioner and the plan read it.
#pragma once

#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include "edgeflow/tensor.h"

namespace edgeflow {

using ValueId = int;

enum class OpKind {
  kConv,
  kPool,               // MaxPool, AveragePool
  kGlobalAveragePool,
  kAdd,                // elementwise sum of two same-shape maps
  kConcat,             // along channels
  kActivation,         // standalone Relu / Clip
  kBatchNorm,          // standalone per-channel affine (not after a conv)
  kPad,                // constant padding on H/W (and channels)
  kFlatten,            // to [1, C*H*W] in ONNX (NCHW) element order
  kGemm,               // y = x * W^T + b on a [1, K] vector
};
const char* op_name(OpKind op);

// An activation fused into its producer (or standing alone).
struct Activation {
  enum class Kind { kNone, kRelu, kClip };
  Kind kind = Kind::kNone;
  float min = 0.0f;  // kClip bounds
  float max = 0.0f;
  bool none() const { return kind == Kind::kNone; }
};

// Spatial window geometry shared by conv and pooling.
struct Window {
  int64_t kernel_h = 1, kernel_w = 1;
  int64_t stride_h = 1, stride_w = 1;
  int64_t dilation_h = 1, dilation_w = 1;
  int64_t pad_top = 0, pad_left = 0, pad_bottom = 0, pad_right = 0;
  int64_t extent_h() const { return (kernel_h - 1) * dilation_h + 1; }
  int64_t extent_w() const { return (kernel_w - 1) * dilation_w + 1; }
};

struct ConvAttrs {
  Window window;
  int64_t group = 1;
  Tensor weight;  // [O, I/group, KH, KW], ONNX order (rank-4 storage is NHWC
                  // for feature maps only; weights are kept in ONNX order)
  std::vector<float> bias;  // [O], zeros if the model has none
  Activation activation;
};

struct PoolAttrs {
  enum class Kind { kMax, kAverage };
  Kind kind = Kind::kMax;
  Window window;
  bool ceil_mode = false;
  bool count_include_pad = false;
};

struct AddAttrs {
  Activation activation;
};

struct ActivationAttrs {
  Activation activation;
};

struct BatchNormAttrs {
  std::vector<float> scale;  // y = x * scale[c] + shift[c]
  std::vector<float> shift;
  Activation activation;
};

struct PadAttrs {
  // Pads of the C, H and W dims, begin and end (N is never padded).
  int64_t channels_begin = 0, channels_end = 0;
  int64_t top = 0, bottom = 0, left = 0, right = 0;
  float value = 0.0f;
};

struct GemmAttrs {
  Tensor weight;  // [N_out, K], i.e. already transposed as the op needs
  std::vector<float> bias;  // [N_out]
  Activation activation;
};

using NodeAttrs = std::variant<std::monostate, ConvAttrs, PoolAttrs, AddAttrs, ActivationAttrs,
                               BatchNormAttrs, PadAttrs, GemmAttrs>;

struct Node {
  std::string name;           // the ONNX node name (or a generated one)
  OpKind op = OpKind::kConv;
  std::vector<ValueId> inputs;
  ValueId output = -1;
  NodeAttrs attrs;
};

struct Value {
  std::string name;
  Shape shape;
  int producer = -1;  // index of the producing node, -1 for the graph input
};

// A DAG whose nodes are in topological order.
struct Graph {
  std::vector<Value> values;
  std::vector<Node> nodes;
  ValueId input = -1;
  std::vector<ValueId> outputs;
  int64_t opset = 0;

  const Shape& shape_of(ValueId v) const { return values.at(v).shape; }
  const Shape& input_shape() const { return shape_of(input); }
  // Nodes that read value v, in topological order.
  std::vector<int> consumers(ValueId v) const;
  // Bytes of weights held by the graph.
  int64_t weight_bytes() const;
};

// True for ops whose output rows each need the whole input (Gemm, Flatten,
// GlobalAveragePool): such a layer runs as one unit on one rank.
bool needs_whole_input(const Node& node);

// The input rows [lo, hi) that output rows `out` of `node` read from its input
// `input_index` (DESIGN.md section 2). Empty when `out` is empty.
RowRange required_input_rows(const Graph& graph, const Node& node, int input_index,
                             RowRange out);

}  // namespace edgeflow
