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
  kConcat,             // along channels
  kActivation,         // standalone Relu / Clip
  kBatchNorm,          // standalone per-channel affine (not after a conv) of
                       // its inputs concatenated along channels (a fused Concat)
  kPad,                // constant padding on H/W (and channels)
  kFlatten,            // to [1, C*H*W] in ONNX (NCHW) element order
  kGemm,               // y = x * W^T + b on a [1, K] vector
  kConvTranspose,      // transposed 2-D convolution (ONNX ConvTranspose)
  kResize,             // nearest / linear resampling of H and W (Resize, Upsample)
  kBinary,             // Add, Sub, Mul, Div, Pow with ONNX broadcasting (a residual
                       // Add of two same-shape maps too)
  kSoftmax,            // softmax over one axis, or over the trailing axes (opset < 13)
  kReduce,             // mean / max / min / sum over axes, or arg max / min over one; dims kept
  kMatMul,             // ONNX MatMul (batched over leading dims)
  kTranspose,          // ONNX Transpose (whole tensor, NCHW order)
  kReshape,            // ONNX Reshape/Squeeze/Unsqueeze/Flatten (row-local when the
                       // storage of both shapes is the same rows, else whole)
  kChannelGather,      // out channel c = in channel source[c] (channel shuffle, split, slice)
  kGlobalMaxPool,      // the maximum of every channel over H and W
  kPRelu,              // x < 0 ? slope * x : x, slope a constant broadcast to x
  kLayerNorm,          // layer normalization over the innermost storage axis
  kAttention,          // multi-head scaled dot-product attention of token tensors
  kRowSlice,           // every step-th row from a start (Slice, Gather along the row axis)
  kRowConcat,          // inputs and constant blocks joined along the row axis
  kWindowPartition,    // a map's pixels as tokens, window by window (Swin)
  kWindowReverse,      // window-ordered tokens back to a map
  kColumnGather,       // out column x = in column source[x] (a Slice or roll along W)
  kLrn,                // local response normalization across channels (ONNX LRN)
  kDepthToSpace,       // channels to b x b blocks of pixels (ONNX DepthToSpace)
  kSpaceToDepth,       // b x b blocks of pixels to channels (ONNX SpaceToDepth)
  kInstanceNorm,       // per-channel normalization over H and W (a whole unit)
  kTile,               // the input repeated along its dims (ONNX Tile, Expand of a map)
};
constexpr OpKind kLastOpKind = OpKind::kTile;
constexpr int kOpKindCount = static_cast<int>(kLastOpKind) + 1;
const char* op_name(OpKind op);

// An activation fused into its producer (or standing alone). ONNX meaning:
//   kRelu max(0,x)      kClip min(max(x,min),max)   kLeakyRelu x<0 ? alpha*x : x
//   kSigmoid 1/(1+e^-x) kHardSigmoid max(0,min(1,alpha*x+beta))
//   kHardSwish x*max(0,min(1,x/6+1/2))  kTanh  kErf  kSqrt
//   kPow x^alpha (a scalar exponent)    kSwish x*sigmoid(x) (fused Mul(x, Sigmoid(x)))
//   kGelu x/2*(1+erf(x/sqrt(2)))        (fused from its Div/Erf/Add/Mul/Mul form)
//   kElu x<0 ? alpha*(e^x-1) : x        kSelu beta * (x<0 ? alpha*(e^x-1) : x)
//   kSoftplus log(1+e^x)                kSoftsign x/(1+|x|)
//   kAbs |x|   kNeg -x   kExp e^x   kLog ln x   kFloor   kCeil
struct Activation {
  enum class Kind {
    kNone, kRelu, kClip, kLeakyRelu, kSigmoid, kHardSigmoid, kHardSwish, kTanh, kErf, kSqrt,
    kPow, kSwish, kGelu, kElu, kSelu, kSoftplus, kSoftsign, kAbs, kNeg, kExp, kLog, kFloor,
    kCeil,
  };
  static constexpr Kind kLastKind = Kind::kCeil;
  Kind kind = Kind::kNone;
  float min = 0.0f;  // kClip bounds
  float max = 0.0f;
  float alpha = 0.0f;  // kLeakyRelu, kHardSigmoid, kPow, kElu, kSelu
  float beta = 0.0f;   // kHardSigmoid, kSelu (its gamma)
  bool none() const { return kind == Kind::kNone; }
  // oneDNN can run it as eltwise post-op(s) of another primitive (oneDNN 2.6
  // has no Erf, Softsign, Floor or Ceil).
  bool fusable() const {
    return kind != Kind::kErf && kind != Kind::kSoftsign && kind != Kind::kFloor &&
           kind != Kind::kCeil;
  }
};
const char* activation_name(Activation::Kind kind);

// Spatial window geometry shared by conv and pooling.
struct Window {
  int64_t kernel_h = 1, kernel_w = 1;
  int64_t stride_h = 1, stride_w = 1;
  int64_t dilation_h = 1, dilation_w = 1;
  int64_t pad_top = 0, pad_left = 0, pad_bottom = 0, pad_right = 0;
  int64_t extent_h() const { return (kernel_h - 1) * dilation_h + 1; }
  int64_t extent_w() const { return (kernel_w - 1) * dilation_w + 1; }
  // Every output pixel sees at least one input pixel: no pad reaches the
  // kernel's extent.
  bool pads_within_extent() const {
    return pad_top < extent_h() && pad_bottom < extent_h() && pad_left < extent_w() &&
           pad_right < extent_w();
  }
};

struct ConvAttrs {
  Window window;
  int64_t group = 1;
  Tensor weight;  // [O, I/group, KH, KW], ONNX order (rank-4 storage is NHWC
                  // for feature maps only; weights are kept in ONNX order)
  std::vector<float> bias;  // [O], zeros if the model has none
  // A residual Add fused into the conv (fuse_residual_adds): inputs[1], of
  // the output's shape, is added to the conv's output before the activation.
  // Only where window.pads_within_extent() (see fuse_residual_adds).
  bool residual = false;
  Activation activation;
};

struct PoolAttrs {
  enum class Kind { kMax, kAverage };
  Kind kind = Kind::kMax;
  Window window;
  bool ceil_mode = false;
  bool count_include_pad = false;
};

struct ActivationAttrs {
  Activation activation;
};

// y = activation(x * scale[c] + shift[c]), x the node's inputs concatenated
// along channels (one input unless fuse_concat_batchnorms fused a Concat).
struct BatchNormAttrs {
  std::vector<float> scale;
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

// ConvTranspose: window.pad_* crop the full output; output padding adds rows
// and columns at the bottom/right (touched by no input: bias only).
//   H_out = stride*(H_in-1) + extent - pad_top - pad_bottom + output_padding_h
struct ConvTransposeAttrs {
  Window window;
  int64_t output_padding_h = 0, output_padding_w = 0;
  int64_t group = 1;
  Tensor weight;  // [C_in, C_out/group, KH, KW], ONNX order
  std::vector<float> bias;  // [C_out], zeros if the model has none
  Activation activation;
};

// Resize / Upsample of H and W (N and C unscaled). Source coordinate of output
// index x on one axis (in = input extent, out = output extent):
//   asymmetric x/s, half_pixel (x+0.5)/s-0.5, pytorch_half_pixel the same but
//   0 when out == 1, align_corners x*(in-1)/(out-1) (0 when out == 1),
//   tf_half_pixel_for_nearest (x+0.5)/s,
// with s the given scale, or out/in exactly when the model gave sizes.
struct ResizeAttrs {
  enum class Mode { kNearest, kLinear };
  enum class Coordinate { kHalfPixel, kPytorchHalfPixel, kAlignCorners, kAsymmetric,
                          kTfHalfPixelForNearest };
  // kSimple: Upsample and Resize-10 (as ONNX Runtime): floor, or ceil when
  // the axis shrinks.
  enum class Nearest { kRoundPreferFloor, kRoundPreferCeil, kFloor, kCeil, kSimple };
  Mode mode = Mode::kNearest;
  Coordinate coordinate = Coordinate::kHalfPixel;
  Nearest nearest = Nearest::kRoundPreferFloor;
  int64_t out_h = 1, out_w = 1;         // output extents
  double scale_h = 1.0, scale_w = 1.0;  // the scales given; out = floor(in * scale)
  bool sizes_given = false;             // the model gave out_h/out_w (scales unused)
};

// Elementwise binary op with ONNX (numpy) broadcasting. One operand may be a
// constant: `constant` then holds it, its dims padded with leading 1s to the
// output's rank, in storage order (NHWC for rank 4); constant_index says
// which operand it is (0 or 1; -1: none, both operands are node inputs).
// kMax and kMin are the elementwise maximum and minimum (ONNX Max and Min of
// two operands; more are a chain).
struct BinaryAttrs {
  enum class Kind { kAdd, kSub, kMul, kDiv, kPow, kMax, kMin };
  Kind kind = Kind::kAdd;
  Tensor constant;
  int constant_index = -1;
  Activation activation;
};
const char* binary_name(BinaryAttrs::Kind kind);

// Axes of Softmax and reductions are counted from the end (-1 the last dim):
// the row axis (H of a map, dim 1 of [1, A, B]) is then -2 at every rank.
constexpr int64_t kRowAxisFromEnd = -2;

// Softmax over `axis`, or (coerced, opset < 13) over the flattened axes
// [axis, rank) of each index of the leading ones.
struct SoftmaxAttrs {
  int64_t axis = -1;  // in [-rank, 0)
  bool coerced = false;
};

// Reduction over `axes` (sorted, distinct, in [-rank, 0)); reduced dims are
// kept as 1 (the importer reshapes when keepdims = 0).
// kArgMax/kArgMin give the index of the extreme along one axis (as a float),
// the axis innermost in storage: the channels of a map, the last of tokens.
struct ReduceAttrs {
  enum class Kind { kMean, kMax, kMin, kSum, kArgMax, kArgMin };
  Kind kind = Kind::kMean;
  std::vector<int64_t> axes;
  bool select_last_index = false;  // kArgMax/kArgMin: the last of equal extremes
  bool is_arg() const { return kind == Kind::kArgMax || kind == Kind::kArgMin; }
};

// Reshape to `dims`; row_local is what
// reshape_is_row_local() says of the two shapes (checked by the validator).
struct ReshapeAttrs {
  Dims dims;  // the output shape
  bool row_local = false;
};

// ONNX MatMul; one operand may be a constant in ONNX order (its own dims),
// constant_index 0 or 1 as in BinaryAttrs. With a constant B [K, N] it is a
// Linear layer, which may carry a bias over the N outputs (empty: none) and
// an activation, folded in by the IR rewrites.
struct MatMulAttrs {
  Tensor constant;
  int constant_index = -1;
  std::vector<float> bias;
  Activation activation;
};

struct TransposeAttrs {
  std::vector<int64_t> perm;  // output dim i is input dim perm[i]
};

// Output feature c copies input feature source[c], for as many output
// features as `source` lists: a channel shuffle (a Reshape -> Transpose ->
// Reshape that only regroups channels), one output of a Split, a Slice or a
// Gather along the channels of a map, or along the last axis of [1, T, C]
// tokens (the features are the innermost storage axis, Shape::features()).
struct ChannelGatherAttrs {
  std::vector<int64_t> source;
};

// PRelu's slope: a constant of the input's rank (dims padded with leading 1s,
// each 1 or the input's), in storage order (NHWC for rank 4), as
// BinaryAttrs::constant. ONNX PRelu: y = x < 0 ? slope * x : x.
struct PReluAttrs {
  Tensor slope;
};

// Layer normalization over one axis, then a per-element affine map:
//   y = (x - mean) / sqrt(var + epsilon) * scale[i] + shift[i]
// with the mean and the (biased) variance over `axis` (counted from the end,
// as ReduceAttrs). Kernels run it where that axis is the innermost of the
// storage: the channels (-3) of a map, the last dim (-1) of other ranks. The
// last dim of a map (-1, what an exporter writes between Transposes to and
// from channels-last) only stands until absorb_channels_last_transposes.
struct LayerNormAttrs {
  int64_t axis = -1;
  float epsilon = 1e-5f;
  std::vector<float> scale;  // one per element of the normalized axis
  std::vector<float> shift;
};

// True when a LayerNorm over `axis` of a tensor of rank `rank` normalizes the
// innermost storage axis (so a kernel can run it).
bool layer_norm_axis_is_innermost(int64_t axis, size_t rank);

// Multi-head scaled dot-product attention of token tensors q [1, T, C],
// k [1, S, C] and v [1, S, D] (inputs 0, 1, 2; C and D multiples of `heads`).
// Head h reads its share of the features, [h*C/heads, (h+1)*C/heads) of q and
// k and [h*dv, (h+1)*dv) of v (dv = D/heads), and writes those of the output
// [1, T, D]:
//   out[t, h*dv + j] = sum_s softmax_s(scale * q_h[t] . k_h[s]) * v[s, h*dv + j]
// Output rows read the same rows of q and every row of k and v: queries stay
// where they are, keys and values are gathered whole.
//
// Windowed attention (block > 0, T = S a multiple of it): the tokens are
// blocks of `block` consecutive tokens (windows of a map, kWindowPartition)
// and a query only attends to the keys of its own block; output rows then
// read the whole blocks of k and v they fall in. `bias` (empty: none) is added
// to the scaled scores before the softmax: [B, heads, Tb, Sb] with Tb, Sb the
// block size (or T, S unblocked) and B 1 (shared) or one per block (Swin's
// relative-position bias and shifted-window mask).
struct AttentionAttrs {
  int64_t heads = 1;
  float scale = 1.0f;
  int64_t block = 0;
  Tensor bias;
};

// Output row r is input row start + r * step (a Slice along the row axis, or a
// Gather of one index, which drops the axis). `dims` is the output shape; its
// rows hold as many floats as the input's ([1, T, C] -> [1, C] for the class
// token of a vision transformer).
struct RowSliceAttrs {
  int64_t start = 0;
  int64_t step = 1;
  Dims dims;
};

// The output's rows are blocks joined along the row axis, in order: block k
// is node input parts[k] when parts[k] >= 0, else constants[-1 - parts[k]].
// Every block has the output's shape but for the row count; constants are
// stored as tensors of that shape (NHWC for rank 4). A vision transformer's
// class token is the constant block before the patch tokens.
struct RowConcatAttrs {
  std::vector<int64_t> parts;
  std::vector<Tensor> constants;
};

// Windows of window_h x window_w pixels of a map [1, C, height, width], as
// tokens [1, height*width, C] ordered window by window (row-major over the
// window grid), each window's pixels row-major: token
//   ((i * width/window_w + j) * window_h + y) * window_w + x
// is pixel (i*window_h + y, j*window_w + x). kWindowPartition makes the
// tokens of a map, kWindowReverse the map of tokens. A band of window_h map
// rows is a band of width*window_h tokens, so rows map in blocks.
struct WindowTokensAttrs {
  int64_t window_h = 1, window_w = 1;
  int64_t height = 1, width = 1;
};

// Output column x copies input column source[x] of the same row (a Slice
// along the width of a map, a cyclic shift of its columns).
struct ColumnGatherAttrs {
  std::vector<int64_t> source;
};

// ONNX LRN on a map: y[c] = x[c] / (bias + alpha/size * sum of x[c']^2)^beta
// over the channels c' in [c - floor((size-1)/2), c + ceil((size-1)/2)].
// Row-local.
struct LrnAttrs {
  int64_t size = 1;
  float alpha = 1e-4f, beta = 0.75f, bias = 1.0f;
};

// ONNX DepthToSpace and SpaceToDepth with block size `block` (b). DepthToSpace
// moves channel c of a [1, C, H, W] map to pixel (h*b + i, w*b + j) of channel
// c' of [1, C/b^2, H*b, W*b], where c = (i*b + j)*C/b^2 + c' (mode DCR) or
// c = c'*b^2 + i*b + j (mode CRD); SpaceToDepth is DCR's inverse. Output rows
// in blocks of b read one input row (DepthToSpace), or b input rows each.
struct DepthSpaceAttrs {
  int64_t block = 1;
  bool crd = false;  // DepthToSpace's mode CRD (else DCR)
};

// ONNX InstanceNormalization of a map: each channel less its mean over H and
// W, over the square root of its variance plus epsilon, times scale[c] plus
// shift[c]. Its statistics need every row: it runs as one unit.
struct InstanceNormAttrs {
  float epsilon = 1e-5f;
  std::vector<float> scale, shift;
};

// ONNX Tile (and Expand, whose broadcast is a tile of its dims of 1): output
// dim i is input dim i times repeats[i]; output element o reads input element
// o mod (input dims). N is not repeated. Split by rows: repeating the rows
// reads all of them (RowMap kWhole), otherwise each output row its own.
struct TileAttrs {
  Dims repeats;
};

using NodeAttrs = std::variant<std::monostate, ConvAttrs, PoolAttrs, ActivationAttrs,
                               BatchNormAttrs, PadAttrs, GemmAttrs, ConvTransposeAttrs,
                               ResizeAttrs, BinaryAttrs, SoftmaxAttrs, ReduceAttrs, MatMulAttrs,
                               TransposeAttrs, ReshapeAttrs, ChannelGatherAttrs, PReluAttrs,
                               LayerNormAttrs, AttentionAttrs, RowSliceAttrs, RowConcatAttrs,
                               WindowTokensAttrs, ColumnGatherAttrs, LrnAttrs,
                               DepthSpaceAttrs, InstanceNormAttrs, TileAttrs>;

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

// A stable digest of the graph: structure, shapes, attributes and weights
// (for cache keys).
uint64_t graph_digest(const Graph& graph);

// True for ops whose output rows each need the whole input (Gemm, Flatten,
// GlobalAveragePool, Transpose, a Reshape that regroups rows, a Softmax or
// reduction over the row axis): such a layer runs as one unit on one rank.
bool needs_whole_input(const Node& node);

// True when a Reshape from `in` to `out` keeps every row's elements in the
// same storage order (so it runs row by row as a copy).
bool reshape_is_row_local(const Shape& in, const Shape& out);

// True for a Linear layer: a MatMul by a constant [K, N] of tokens [1, T, K]
// or a vector [1, K]. Only it carries a bias and an activation (folded in by
// the rewrites), and it runs as the Linear kernel.
bool is_linear_layer(const Graph& graph, const Node& node);

// Source index of output index `x` along one resized axis of extent `in` ->
// `out` (`scale` as in ResizeAttrs): nearest gives i0 == i1, linear the two
// neighbours and the weight of i1. Both are clamped into [0, in).
struct ResizeTap {
  int64_t i0 = 0, i1 = 0;
  double weight = 0.0;  // of i1
};
ResizeTap resize_tap(const ResizeAttrs& attrs, int64_t x, int64_t in, int64_t out, double scale);

// How the output rows of a node map to the rows of one of its inputs: the
// one description of an op's row dependence (docs/row-and-plan-model.md).
// The kernels, the plan and the LP's affine form are all derived from it.
//
//   kWhole            every output row reads every input row
//   kWindow           rows [a, b) read [stride*a - offset, stride*(b-1) - offset + extent)
//                     (conv, pool; pad: stride 1, extent 1, offset = top;
//                     elementwise: stride 1, offset 0, extent 1)
//   kTransposedWindow input row i writes output rows [i*stride - offset, ... + extent)
//   kResize           the source rows of the first and the last output row
//   kBlocks           output rows in blocks of `stride` read input rows in
//                     blocks of `extent`: [a, b) reads blocks floor(a/stride)
//                     to ceil(b/stride) (windowed tokens and their maps)
// Whatever part of a range falls outside [0, in_height) is clamped away.
struct RowMap {
  enum class Kind { kWhole, kWindow, kTransposedWindow, kResize, kBlocks };
  Kind kind = Kind::kWindow;
  int64_t stride = 1, offset = 0, extent = 1;
  int64_t in_height = 0, out_height = 0;
  const ResizeAttrs* resize = nullptr;  // kResize: the node's attributes

  // The input rows [lo, hi) that output rows `out` read; empty when `out` is.
  RowRange rows_read(RowRange out) const;
  // True when lo and hi are affine in a and b before clamping (kWhole, kWindow).
  bool affine() const { return kind == Kind::kWhole || kind == Kind::kWindow; }
};

// The row map of `node`'s input `input_index`.
RowMap row_map(const Graph& graph, const Node& node, int input_index);

// The input rows [lo, hi) that output rows `out` of `node` read from its input
// `input_index`: row_map(...).rows_read(out). Empty when `out` is empty.
RowRange required_input_rows(const Graph& graph, const Node& node, int input_index,
                             RowRange out);

}  // namespace edgeflow
