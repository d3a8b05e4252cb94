// Shared pieces of the IR's wire form (src/plan only): float arrays, windows,
// tensors and activations to and from their messages, and the codec of the
// ops in graph_codec_ops.cpp. Decoders trust nothing and throw Error.
#pragma once

#include <string>
#include <vector>

#include "edgeflow/ir.h"
#include "plan.pb.h"

namespace edgeflow::codec_detail {

std::string to_bytes(const std::vector<float>& v);
std::vector<float> from_bytes(const std::string& b, const char* field);
void encode_activation(const Activation& a, planpb::Activation* out);
Activation decode_activation(const planpb::Activation& in);
void encode_window(const Window& w, planpb::Window* out);
Window decode_window(const planpb::Window& in);
void encode_tensor(const Tensor& t, planpb::FloatTensor* out);
Tensor decode_tensor(const planpb::FloatTensor& in, const char* field);

// The attributes of each op in its message: one encode() overload per
// attribute type (a type without one fails to compile where the node's
// attributes are visited). The first ones are in graph_codec.cpp, those of
// ConvTranspose, Resize, Binary, Softmax, Reduce, MatMul, Transpose, Reshape,
// ChannelGather and PRelu in graph_codec_ops.cpp.
void encode(const std::monostate& a, bool with_weights, planpb::Node* out);
void encode(const ConvAttrs& a, bool with_weights, planpb::Node* out);
void encode(const PoolAttrs& a, bool with_weights, planpb::Node* out);
void encode(const ActivationAttrs& a, bool with_weights, planpb::Node* out);
void encode(const BatchNormAttrs& a, bool with_weights, planpb::Node* out);
void encode(const PadAttrs& a, bool with_weights, planpb::Node* out);
void encode(const GemmAttrs& a, bool with_weights, planpb::Node* out);
void encode(const ConvTransposeAttrs& a, bool with_weights, planpb::Node* out);
void encode(const ResizeAttrs& a, bool with_weights, planpb::Node* out);
void encode(const BinaryAttrs& a, bool with_weights, planpb::Node* out);
void encode(const SoftmaxAttrs& a, bool with_weights, planpb::Node* out);
void encode(const ReduceAttrs& a, bool with_weights, planpb::Node* out);
void encode(const MatMulAttrs& a, bool with_weights, planpb::Node* out);
void encode(const TransposeAttrs& a, bool with_weights, planpb::Node* out);
void encode(const ReshapeAttrs& a, bool with_weights, planpb::Node* out);
void encode(const ChannelGatherAttrs& a, bool with_weights, planpb::Node* out);
void encode(const PReluAttrs& a, bool with_weights, planpb::Node* out);
void encode(const LayerNormAttrs& a, bool with_weights, planpb::Node* out);
void encode(const AttentionAttrs& a, bool with_weights, planpb::Node* out);
void encode(const RowSliceAttrs& a, bool with_weights, planpb::Node* out);
void encode(const WindowTokensAttrs& a, bool with_weights, planpb::Node* out);
void encode(const ColumnGatherAttrs& a, bool with_weights, planpb::Node* out);
void encode(const LrnAttrs& a, bool with_weights, planpb::Node* out);
void encode(const DepthSpaceAttrs& a, bool with_weights, planpb::Node* out);
void encode(const TileAttrs& a, bool with_weights, planpb::Node* out);
void encode(const InstanceNormAttrs& a, bool with_weights, planpb::Node* out);
void encode(const RowConcatAttrs& a, bool with_weights, planpb::Node* out);
NodeAttrs decode_op_attrs(const planpb::Node& in);

}  // namespace edgeflow::codec_detail
