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

// The attributes of ConvTranspose, Resize, Binary, Softmax, Reduce, MatMul,
// Transpose, Reshape and ChannelPermute nodes.
void encode_op_attrs(const Node& node, bool with_weights, planpb::Node* out);
NodeAttrs decode_op_attrs(const planpb::Node& in);

}  // namespace edgeflow::codec_detail
