// Shared pieces of the ONNX importer (src/onnx only): constants met while
// importing, attribute access with errors naming node and attribute, the
// import state that maps ONNX tensor names to IR values or constants, and the
// per-op converters.
#pragma once

#include <onnx/onnx_pb.h>

#include <cmath>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "edgeflow/ir.h"
#include "edgeflow/tensor.h"

namespace edgeflow::onnx_import {

// A constant tensor: an initializer, a Constant node's value or a folded shape
// subgraph. Integers of any width are held as int64, floats as float.
struct Constant {
  enum class Type { kFloat, kInt64 };
  Type type = Type::kFloat;
  Dims dims;  // empty for a scalar
  std::vector<float> floats;
  std::vector<int64_t> ints;

  bool is_float() const { return type == Type::kFloat; }
  int64_t size() const { return is_float() ? int64_t(floats.size()) : int64_t(ints.size()); }
};

// ---- model_reader.cpp
// The bytes of the model file at `path`; fails naming the file and the fault.
std::string read_model_file(const std::string& path);
// Parses `bytes` into `model`; fails "model 'NAME': ..." when it is not one.
void parse_model(const std::string& bytes, const std::string& name, onnx::ModelProto& model);
// The opset of the default domain, checked to lie in 9..18.
int64_t default_opset(const onnx::ModelProto& model, const std::string& name);

// ---- tensor_proto.cpp
// Converts a TensorProto (float, int64 or int32; raw or typed data), checking
// dims and data length before allocating. `what` names it in errors, e.g.
// "initializer 'w'".
Constant constant_from_proto(const onnx::TensorProto& tensor, const std::string& what);
const char* data_type_name(int32_t data_type);
// A SparseTensorProto (a Constant's sparse_value) as a dense constant.
Constant dense_from_sparse(const onnx::NodeProto& node, const onnx::SparseTensorProto& sparse);

// ---- attributes.cpp
std::string node_label(const onnx::NodeProto& node);  // "node 'conv1' (Conv)"
[[noreturn]] void fail_node(const onnx::NodeProto& node, const std::string& message);
const onnx::AttributeProto* find_attr(const onnx::NodeProto& node, const std::string& name);
int64_t attr_int(const onnx::NodeProto& node, const std::string& name, int64_t fallback);
float attr_float(const onnx::NodeProto& node, const std::string& name, float fallback);
std::string attr_string(const onnx::NodeProto& node, const std::string& name,
                        const std::string& fallback);
// Empty when absent.
std::vector<int64_t> attr_ints(const onnx::NodeProto& node, const std::string& name);
std::vector<float> attr_floats(const onnx::NodeProto& node, const std::string& name);
// Fails when the node has attribute `name` (used where an opset moved an
// attribute to an input).
void refuse_attr(const onnx::NodeProto& node, const std::string& name, const std::string& why);

// ---- importer.cpp
// A computed rank-4 map [1, C, H, W] seen with its channels regrouped, as a
// channel shuffle writes it: Reshape to [1, g1, .., gk, H, W], Transpose of
// the group axes. It only exists in the importer: reshaped back to
// [1, C, H, W] it becomes a kChannelGather node.
struct ChannelView {
  ValueId base = -1;
  Dims dims;                          // [1, g1, .., gk, H, W]
  std::vector<int64_t> channel_map;   // view channel (row-major over g1..gk) -> base channel
};

// A computed token tensor [1, T, C] seen through the Reshapes and Transposes
// exporters write around attention (sequence first [T, 1, C], heads split
// [T, h, d] and moved first [h, T, d], keys transposed [h, d, T]): element
// (i_0, .., i_k) of the ONNX tensor is `scale` times element
// sum_j i_j * strides[j] of the base's row-major storage. It covers every
// element of the base once (it is made by reshapes and transposes only), so
// an op that acts per element or along the features commutes with it and
// runs on the base. It only exists in the importer (tensor_view.cpp).
struct StridedView {
  ValueId base = -1;
  Dims dims;
  Dims strides;
  float scale = 1.0f;  // a scalar Mul or Div not yet applied
};

// The scores q . k^T of two head-split views [.., h, T, d] and [.., h, d, S]
// (or of windows, [.., blocks, h, Tb, Sb]), the constants added to them and
// then their Softmax over the keys: importer only, until a MatMul with the
// values' view [.., h, S, dv] makes them one Attention node
// (convert_attention.cpp).
struct AttentionScores {
  ValueId q = -1, k = -1;
  int64_t heads = 1;
  float scale = 1.0f;
  int64_t block = 0;      // tokens per window (0: not windowed)
  std::vector<float> bias;  // added to the scaled scores: [blocks, h, Tb, Sb]; empty: none
  bool softmax = false;
  Dims dims;  // [.., h, T, S] as the ONNX tensor has them
};

// A computed map [1, C, H, W] seen channels-last, [1, H, W, C], as
// Transpose(0, 2, 3, 1) writes it (Swin's and ConvNeXt's layers), with a
// pending gather of its columns (a Slice or roll along W; empty: all).
// Maps are stored NHWC, so the row-major order of the ONNX tensor is the
// map's storage: ops per pixel run on the map itself, and window partitions
// of it become kWindowPartition (convert_channels_last.cpp).
struct ChannelsLastView {
  ValueId base = -1;
  std::vector<int64_t> columns;
  Dims dims;  // [1, H, W', C]
};

// What an ONNX tensor name stands for: an IR value (a feature map, tokens or
// a [1, K] vector computed at run time), a constant, a channel view, a
// strided view, attention scores or a channels-last map.
struct Entry {
  ValueId value = -1;
  std::shared_ptr<const Constant> constant;
  std::shared_ptr<const ChannelView> view;
  std::shared_ptr<const StridedView> strided;
  std::shared_ptr<const AttentionScores> scores;
  std::shared_ptr<const ChannelsLastView> channels_last;
  bool is_constant() const { return constant != nullptr; }
  bool is_view() const { return view != nullptr; }
  bool is_strided() const { return strided != nullptr; }
  bool is_scores() const { return scores != nullptr; }
  bool is_channels_last() const { return channels_last != nullptr; }
};

class Importer {
 public:
  // Initializer data is freed from `graph` as it is converted.
  Importer(onnx::GraphProto& graph, int64_t opset);

  int64_t opset() const { return opset_; }
  Graph& graph() { return graph_; }

  // True when input i is given (present and not the empty name).
  bool has_input(const onnx::NodeProto& node, int i) const;
  const Entry& input(const onnx::NodeProto& node, int i);
  // Input i as a constant; nullptr when absent; fails when computed at run time.
  const Constant* constant_input(const onnx::NodeProto& node, int i, const std::string& role);
  // Input i as an IR value; fails when absent or constant. A strided view is
  // materialized (once) when the IR can hold it, else refused.
  ValueId value_input(const onnx::NodeProto& node, int i);
  const Shape& shape_of(ValueId v) const { return graph_.values.at(v).shape; }

  void define(const std::string& name, Entry entry);
  void define_constant(const std::string& name, Constant constant);
  // Makes output 0 of `node` another name for `entry`.
  void alias_output(const onnx::NodeProto& node, const Entry& entry);
  // Appends an IR node for `node` producing its output `output` (0 unless
  // the op has several, as Split; its IR name then gets "/out<k>"), with the
  // shape infer_output_shape gives.
  ValueId add_node(const onnx::NodeProto& node, OpKind op, std::vector<ValueId> inputs,
                   NodeAttrs attrs, int output = 0);
  // The graph input value.
  ValueId add_input(const std::string& name, const Shape& shape);
  const Entry* find(const std::string& name);
  // True when some node reads tensor `name` or it is a graph output.
  bool is_used(const std::string& name) const { return used_.count(name) > 0; }

 private:
  Graph graph_;
  int64_t opset_;
  std::map<std::string, onnx::TensorProto*> initializers_;
  std::map<std::string, Entry> entries_;
  std::map<std::string, ValueId> materialized_;  // views made IR values
  std::set<std::string> used_;
};

// ---- importer.cpp (helpers)
// The dims of whatever `e` stands for.
const Dims& dims_of(Importer& im, const Entry& e);

// ---- graph_checks.cpp
// Gives unnamed nodes a name ("Conv_3"), and duplicate names a suffix.
void name_nodes(onnx::GraphProto& graph);
// Fails listing every node whose op has no converter.
void check_supported_ops(const onnx::GraphProto& graph, int64_t opset);
// Fails on duplicate output names and inputs nothing defines; returns the node
// indices in topological order (stable: the file's order where it allows), or
// fails naming a node on a cycle.
std::vector<int> check_and_sort(const onnx::GraphProto& graph);
// After the IR rewrites: fails listing every node in a form that imports but
// has no kernel (a LayerNorm over the last axis of a rank-4 tensor whose
// Transposes could not be absorbed).
void check_runnable_forms(const Graph& graph);

// ---- converters.cpp
using Converter = void (*)(Importer&, const onnx::NodeProto&);
// The opsets this reader supports (model_reader.cpp checks a model's).
constexpr int64_t kMinOpset = 7;
constexpr int64_t kMaxOpset = 18;
constexpr int kLatest = 0;  // OpSupport::last_opset of an op still part of ONNX
struct OpSupport {
  std::string op;      // op type in the default domain
  Converter convert;
  int first_opset;     // the op's first opset (older ones are below kMinOpset)
  int last_opset;      // its last one, or kLatest
  bool part_of(int64_t opset) const {
    return opset >= first_opset && (last_opset == kLatest || opset <= last_opset);
  }
};
// Every supported op, in the order docs/coverage.md lists them.
const std::vector<OpSupport>& supported_ops();
// nullptr for an unsupported op (or a domain other than the default one).
const OpSupport* find_op(const onnx::NodeProto& node);

// Converters, by file.
// convert_window.cpp
// Fails naming node and attribute (or weight) on a 1-D or 3-D Conv,
// ConvTranspose or pool, before the image input's rank is looked at.
void check_spatial_dims(const onnx::GraphProto& graph);
// Attribute `name` of a 2-D window: 2 values in 1..2^24 ({1, 1} when absent).
std::vector<int64_t> pair_attr(const onnx::NodeProto& node, const std::string& name);
// The explicit pads [top, left, bottom, right] of attribute 'pads' (zeros
// when absent), each in 0..2^24.
std::vector<int64_t> pads_attr(const onnx::NodeProto& node);
void convert_conv(Importer&, const onnx::NodeProto&);
void convert_max_pool(Importer&, const onnx::NodeProto&);
void convert_average_pool(Importer&, const onnx::NodeProto&);
void convert_global_average_pool(Importer&, const onnx::NodeProto&);
void convert_global_max_pool(Importer&, const onnx::NodeProto&);
// convert_conv_transpose.cpp
void convert_conv_transpose(Importer&, const onnx::NodeProto&);
// convert_resize.cpp
void convert_resize(Importer&, const onnx::NodeProto&);
void convert_upsample(Importer&, const onnx::NodeProto&);
// convert_activations.cpp (Relu and Clip: convert_ops.cpp)
void convert_leaky_relu(Importer&, const onnx::NodeProto&);
void convert_sigmoid(Importer&, const onnx::NodeProto&);
void convert_hard_sigmoid(Importer&, const onnx::NodeProto&);
void convert_hard_swish(Importer&, const onnx::NodeProto&);
void convert_tanh(Importer&, const onnx::NodeProto&);
void convert_erf(Importer&, const onnx::NodeProto&);
void convert_sqrt(Importer&, const onnx::NodeProto&);
void convert_elu(Importer&, const onnx::NodeProto&);
void convert_selu(Importer&, const onnx::NodeProto&);
void convert_softplus(Importer&, const onnx::NodeProto&);
void convert_softsign(Importer&, const onnx::NodeProto&);
void convert_abs(Importer&, const onnx::NodeProto&);
void convert_neg(Importer&, const onnx::NodeProto&);
void convert_exp(Importer&, const onnx::NodeProto&);
void convert_log(Importer&, const onnx::NodeProto&);
void convert_floor(Importer&, const onnx::NodeProto&);
void convert_ceil(Importer&, const onnx::NodeProto&);
// convert_constant_ops.cpp
void convert_equal(Importer&, const onnx::NodeProto&);
void convert_less(Importer&, const onnx::NodeProto&);
void convert_greater(Importer&, const onnx::NodeProto&);
void convert_not(Importer&, const onnx::NodeProto&);
void convert_mod(Importer&, const onnx::NodeProto&);
void convert_where(Importer&, const onnx::NodeProto&);
void convert_expand(Importer&, const onnx::NodeProto&);
void convert_range(Importer&, const onnx::NodeProto&);
void convert_scatter_nd(Importer&, const onnx::NodeProto&);
void convert_reciprocal(Importer&, const onnx::NodeProto&);
// convert_binary.cpp
void convert_add(Importer&, const onnx::NodeProto&);
void convert_sub(Importer&, const onnx::NodeProto&);
void convert_mul(Importer&, const onnx::NodeProto&);
void convert_div(Importer&, const onnx::NodeProto&);
void convert_pow(Importer&, const onnx::NodeProto&);
void convert_sum(Importer&, const onnx::NodeProto&);
void convert_mean(Importer&, const onnx::NodeProto&);
void convert_max(Importer&, const onnx::NodeProto&);
void convert_min(Importer&, const onnx::NodeProto&);
void convert_prelu(Importer&, const onnx::NodeProto&);
// convert_tile.cpp
void convert_tile(Importer&, const onnx::NodeProto&);
// Expand of a computed tensor to `shape` (its rank): an IR Tile.
void expand_computed(Importer& im, const onnx::NodeProto& node, const Dims& shape);
// convert_reduce.cpp
void convert_reduce(Importer&, const onnx::NodeProto&);
void convert_arg_reduce(Importer&, const onnx::NodeProto&);
void convert_softmax(Importer&, const onnx::NodeProto&);
void convert_matmul(Importer&, const onnx::NodeProto&);
// convert_ops.cpp
void convert_batch_norm(Importer&, const onnx::NodeProto&);
void convert_layer_norm(Importer&, const onnx::NodeProto&);
void convert_relu(Importer&, const onnx::NodeProto&);
void convert_clip(Importer&, const onnx::NodeProto&);
void convert_gemm(Importer&, const onnx::NodeProto&);
void convert_pad(Importer&, const onnx::NodeProto&);
void convert_lrn(Importer&, const onnx::NodeProto&);
void convert_instance_norm(Importer&, const onnx::NodeProto&);
void convert_image_scaler(Importer&, const onnx::NodeProto&);
void convert_depth_to_space(Importer&, const onnx::NodeProto&);
void convert_space_to_depth(Importer&, const onnx::NodeProto&);
void convert_identity(Importer&, const onnx::NodeProto&);
void convert_dropout(Importer&, const onnx::NodeProto&);
// convert_shape_ops.cpp
void convert_constant(Importer&, const onnx::NodeProto&);
void convert_shape(Importer&, const onnx::NodeProto&);
void convert_gather(Importer&, const onnx::NodeProto&);
void convert_slice(Importer&, const onnx::NodeProto&);
void convert_concat(Importer&, const onnx::NodeProto&);
void convert_reshape(Importer&, const onnx::NodeProto&);
void convert_flatten(Importer&, const onnx::NodeProto&);
void convert_unsqueeze(Importer&, const onnx::NodeProto&);
void convert_squeeze(Importer&, const onnx::NodeProto&);
void convert_cast(Importer&, const onnx::NodeProto&);
void convert_split(Importer&, const onnx::NodeProto&);
void convert_constant_of_shape(Importer&, const onnx::NodeProto&);
// ---- tensor_view.cpp: strided views of tokens (StridedView)
// A node of its own for one step `step` of converting `node` (a
// materialization of its input `name`, a window partition): named after
// both, with an output name no ONNX tensor has.
onnx::NodeProto step_node(const onnx::NodeProto& node, const std::string& name,
                          const std::string& step);
// The view of `base` ([1, T, C]) as itself.
StridedView natural_view(Importer& im, ValueId base);
// True when the view is its base, unscaled (the view can be dropped).
bool is_base_itself(Importer& im, const StridedView& view);
StridedView transpose_view(const StridedView& view, const std::vector<int64_t>& perm);
// The view reshaped to `target` when its strides allow it without a copy.
std::optional<StridedView> reshape_view(const StridedView& view, const Dims& target);
// True when the view's last axis is all the base's features, in order (so a
// MatMul by a constant, a bias or a slice of that axis runs on the base).
bool last_axis_is_features(Importer& im, const StridedView& view);
// The view laid over `base`, the result of an op along the features that
// turned the old base's features into base's (as many rows).
StridedView over_new_features(Importer& im, const StridedView& view, ValueId base);
// Defines output `output` of `node` as the view (its base when it is that).
void define_strided(Importer& im, const onnx::NodeProto& node, int output, StridedView view);
// The view as an IR value: its base, a Reshape and/or Transpose of it, and a
// Mul by its scale; fails naming `node` and the input when the IR cannot
// hold the view's shape.
ValueId materialize(Importer& im, const onnx::NodeProto& node, const std::string& name,
                    const StridedView& view);
// `c` broadcast to the view's dims and laid out as the base's storage,
// shrunk to [1, 1, C] or [1, T, 1] when it only varies along one of them.
Tensor constant_over_base(Importer& im, const onnx::NodeProto& node, const StridedView& view,
                          const Constant& c);

// ---- convert_channels_last.cpp: ops on a channels-last map (ChannelsLastView)
// that run on the map. Each returns false when the node is not such a form,
// and the caller goes on as for IR values (value_input materializes the view:
// its column gather, then a Transpose(0, 2, 3, 1)).
// Transpose(0, 2, 3, 1) of a map makes the view; (0, 3, 1, 2) of it ends it.
bool transpose_channels_last(Importer& im, const onnx::NodeProto& node,
                             const std::vector<int64_t>& perm);
void define_channels_last(Importer& im, const onnx::NodeProto& node, int output, ValueId base,
                          std::vector<int64_t> columns);
// The view's map with its pending column gather made a node (a step of
// `node`, named after the view's tensor `name`).
ValueId gathered_map(Importer& im, const onnx::NodeProto& node, const std::string& name,
                     const ChannelsLastView& view);
ValueId materialize_channels_last(Importer& im, const onnx::NodeProto& node,
                                  const std::string& name, const ChannelsLastView& view);
bool layer_norm_on_channels_last(Importer& im, const onnx::NodeProto& node, LayerNormAttrs a);
bool matmul_on_channels_last(Importer& im, const onnx::NodeProto& node);
bool binary_on_channels_last(Importer& im, const onnx::NodeProto& node, BinaryAttrs::Kind kind);
bool activation_on_channels_last(Importer& im, const onnx::NodeProto& node, const Activation& a);
bool slice_channels_last(Importer& im, const onnx::NodeProto& node,
                         const std::vector<int64_t>& starts, const std::vector<int64_t>& ends,
                         std::vector<int64_t> axes, std::vector<int64_t> steps);
bool concat_channels_last(Importer& im, const onnx::NodeProto& node, int64_t axis);
// Reshape of the view into windows [1, H/wh, wh, W/ww, ww, C]: a
// kWindowPartition of the map and a strided view of its tokens; and a Reshape
// of such a view (transposed back) to [1, H, W, C]: a kWindowReverse.
bool window_partition(Importer& im, const onnx::NodeProto& node, const Dims& target);
bool window_reverse(Importer& im, const onnx::NodeProto& node, const StridedView& view,
                    const Dims& target);

// ---- convert_views.cpp: ops on a strided view that run on its base (each
// returns false when the node is not such a form, and the caller goes on as
// for IR values, materializing the view).
// Add, Sub, Mul, Div of the view and a constant.
bool binary_on_view(Importer& im, const onnx::NodeProto& node, BinaryAttrs::Kind kind);
// MatMul of the view by a constant [C, N] over its features.
bool matmul_on_view(Importer& im, const onnx::NodeProto& node);
// Gemm of a [M, C] view by a constant (a MatMul and a bias Add).
bool gemm_on_view(Importer& im, const onnx::NodeProto& node);
// ---- convert_attention.cpp: q . k^T of head-split views (scores), their
// Softmax over the keys, and their MatMul with the values' view (Attention).
bool matmul_of_views(Importer& im, const onnx::NodeProto& node);
bool softmax_on_scores(Importer& im, const onnx::NodeProto& node);
// Add of the scores (before the Softmax) and a constant: the node's bias.
bool add_to_scores(Importer& im, const onnx::NodeProto& node);
// Reshape of the scores that keeps [h, T, S] (Swin's [nW, h, ..] <-> [1, nW, h, ..]).
void reshape_scores(Importer& im, const onnx::NodeProto& node, const AttentionScores& s,
                    const Dims& target);

// convert_layout.cpp: computed tensors through Reshape-like ops and Transpose
// (channel views, kReshape, kTranspose, kFlatten, kChannelGather).
void reshape_value(Importer& im, const onnx::NodeProto& node, const Entry& x, const Dims& target);
void convert_transpose(Importer&, const onnx::NodeProto&);

// ---- constant_folding.cpp (pure functions on constants; fail with `node`)
// The values of an integer constant (a float one fails naming `role`).
std::vector<int64_t> constant_ints(const onnx::NodeProto& node, const Constant& c,
                                   const std::string& role);
// Axis in [0, rank), from an axis in [-rank, rank).
int64_t normalize_axis(const onnx::NodeProto& node, int64_t axis, int64_t rank,
                       const std::string& what);
// The dims a Reshape of `in` to `target` gives (0 copies a dim unless
// allowzero, -1 is inferred).
Dims reshape_dims(const onnx::NodeProto& node, const Dims& in, const std::vector<int64_t>& target,
                  bool allowzero);
Dims unsqueeze_dims(const onnx::NodeProto& node, const Dims& in, std::vector<int64_t> axes);
Dims squeeze_dims(const onnx::NodeProto& node, const Dims& in, std::vector<int64_t> axes);
// convert_slices.cpp: Slice, Split (its sizes resolved) and Gather of a
// computed tensor along its features (maps, tokens, strided views) or its
// rows (maps and tokens).
void slice_channels(Importer& im, const onnx::NodeProto& node, const std::vector<int64_t>& starts,
                    const std::vector<int64_t>& ends, std::vector<int64_t> axes,
                    std::vector<int64_t> steps);
void split_channels(Importer& im, const onnx::NodeProto& node, int64_t axis,
                    const std::vector<int64_t>& split);
void gather_channels(Importer& im, const onnx::NodeProto& node, const Constant& indices,
                     int64_t axis);

Constant fold_gather(const onnx::NodeProto& node, const Constant& data, const Constant& indices,
                     int64_t axis);
// ONNX ScatterND: `data` with the slices that `indices` [.., k] name replaced
// by (or, with `reduction` add/mul/max/min, combined with) those of `updates`.
Constant fold_scatter_nd(const onnx::NodeProto& node, const Constant& data,
                         const Constant& indices, const Constant& updates,
                         const std::string& reduction);
Constant fold_slice(const onnx::NodeProto& node, const Constant& data,
                    const std::vector<int64_t>& starts, const std::vector<int64_t>& ends,
                    std::vector<int64_t> axes, std::vector<int64_t> steps);
Constant fold_concat(const onnx::NodeProto& node, const std::vector<const Constant*>& parts,
                     int64_t axis);
Constant fold_cast(const onnx::NodeProto& node, const Constant& in, int64_t to);
// The same data under new dims (element count must match).
Constant with_dims(const Constant& in, Dims dims);
Constant fold_transpose(const onnx::NodeProto& node, const Constant& in,
                        const std::vector<int64_t>& perm);

// ---- constant_math.cpp: elementwise arithmetic on constants, ONNX
// broadcasting; int64 math when both are integers (Div truncates), float
// otherwise.
enum class ConstantOp {
  kAdd, kSub, kMul, kDiv, kPow, kMod, kFmod, kEqual, kLess, kGreater, kMax, kMin
};
Constant fold_binary(const onnx::NodeProto& node, ConstantOp op, const Constant& a,
                     const Constant& b);
bool is_comparison(ConstantOp op);
// A comparison (kEqual, kLess, kGreater) as a boolean (int64 0/1) constant.
Constant fold_compare(const onnx::NodeProto& node, ConstantOp op, const Constant& a,
                      const Constant& b);
// ONNX Where, Expand (to the broadcast of the input's dims and `shape`) and
// Range on constants; results charged to the MadeConstantBudget.
Constant fold_where(const onnx::NodeProto& node, const Constant& cond, const Constant& x,
                    const Constant& y);
Constant fold_expand(const onnx::NodeProto& node, const Constant& in, const Dims& shape);
Constant fold_range(const onnx::NodeProto& node, const Constant& start, const Constant& limit,
                    const Constant& delta);
// Applies `f` to every element of a constant (as float).
Constant fold_unary(const Constant& in, float (*f)(float));
// The constant as floats (integers converted).
std::vector<float> constant_floats(const Constant& c);

// v (not NaN) converts to int64 without overflow.
inline bool fits_int64(double v) { return std::fabs(v) < 9.2e18; }

// ---- made_constants.cpp
// The rule that keeps a few bytes from asking for gigabytes while admitting
// constants as large as real weights: the constants the importer makes from
// little in the file (ConstantOfShape, folded broadcasts and arithmetic,
// Expand, Range, sparse tensors made dense, constants laid out over a view)
// take at most `limit` bytes together, by default a quarter of the machine's
// memory and at most 4 GiB. One budget per import, current on its thread
// while it lives.
constexpr int64_t kMaxMadeConstantsBytes = int64_t(4) << 30;
int64_t default_made_constants_limit();
class MadeConstantBudget {
 public:
  explicit MadeConstantBudget(std::optional<int64_t> limit_bytes);
  ~MadeConstantBudget();
  MadeConstantBudget(const MadeConstantBudget&) = delete;
  MadeConstantBudget& operator=(const MadeConstantBudget&) = delete;
  // The element count of a constant of `dims` about to be made, charged to
  // the current budget; fails naming `what`, the dims, their size and the
  // rule when they do not fit (or a dim is negative).
  static int64_t charge(const std::string& what, const Dims& dims, int64_t element_bytes);

 private:
  int64_t limit_;
  int64_t used_ = 0;
  std::string rule_;
  MadeConstantBudget* previous_;
};
// Bytes of one element of a constant of `type`.
inline int64_t element_bytes(Constant::Type type) {
  return type == Constant::Type::kFloat ? 4 : 8;
}

// The element count of `dims`, or -1 when a dim is negative or the count
// exceeds `limit` (checked before it could overflow).
int64_t bounded_count(const Dims& dims, int64_t limit);

}  // namespace edgeflow::onnx_import
