// The wire form of the attributes of ConvTranspose, Resize, Binary, Softmax,
// Reduce, MatMul, Transpose, Reshape, ChannelGather, PRelu, LayerNorm, Attention,
// RowSlice, RowConcat, WindowTokens, ColumnGather, Lrn, DepthSpace and
// InstanceNorm.
// Decoding checks every enum, bound and length; shape-level consistency is
// validate_graph's.
#include <cmath>

#include "edgeflow/error.h"
#include "plan/codec_internal.h"

namespace edgeflow::codec_detail {
namespace {

constexpr int64_t kLimit = int64_t(1) << 24;  // geometry, extents, list lengths

template <typename E>
E decode_enum(int32_t v, E last, const char* what) {
  if (v < 0 || v > static_cast<int32_t>(last)) fail_input(std::string("plan: bad ") + what);
  return static_cast<E>(v);
}

int64_t decode_bounded(int64_t v, int64_t lo, int64_t hi, const char* what) {
  if (v < lo || v > hi) fail_input(std::string("plan: bad ") + what);
  return v;
}

template <typename List>
std::vector<int64_t> decode_ints(const List& in, const char* what) {
  if (in.size() > kLimit) fail_input(std::string("plan: too many ") + what);
  return std::vector<int64_t>(in.begin(), in.end());
}

template <typename List>
void encode_ints(const std::vector<int64_t>& v, List* out) {
  for (int64_t x : v) out->Add(x);
}

int decode_constant_index(int32_t v) {
  return static_cast<int>(decode_bounded(v, -1, 1, "constant index"));
}

ConvTransposeAttrs decode_conv_transpose(const planpb::ConvTranspose& p, bool weights) {
  ConvTransposeAttrs a;
  a.window = decode_window(p.window());
  a.output_padding_h = decode_bounded(p.output_padding_h(), 0, kLimit, "output padding");
  a.output_padding_w = decode_bounded(p.output_padding_w(), 0, kLimit, "output padding");
  a.group = decode_bounded(p.group(), 1, kLimit, "group");
  a.activation = decode_activation(p.activation());
  if (weights) {
    a.weight = decode_tensor(p.weight(), "conv_transpose weight");
    a.bias = from_bytes(p.bias(), "conv_transpose bias");
  }
  return a;
}

ResizeAttrs decode_resize(const planpb::Resize& p) {
  ResizeAttrs a;
  a.mode = decode_enum(p.mode(), ResizeAttrs::Mode::kLinear, "resize mode");
  a.coordinate = decode_enum(p.coordinate(), ResizeAttrs::Coordinate::kTfHalfPixelForNearest,
                             "resize coordinate mode");
  a.nearest = decode_enum(p.nearest(), ResizeAttrs::Nearest::kSimple, "resize nearest mode");
  a.out_h = decode_bounded(p.out_h(), 1, kLimit, "resize extent");
  a.out_w = decode_bounded(p.out_w(), 1, kLimit, "resize extent");
  a.sizes_given = p.sizes_given();
  a.scale_h = p.scale_h();
  a.scale_w = p.scale_w();
  for (double s : {a.scale_h, a.scale_w})
    if (!(s > 0.0) || !std::isfinite(s)) fail_input("plan: bad resize scale");
  return a;
}

}  // namespace

void encode(const ConvTransposeAttrs& c, bool with_weights, planpb::Node* out) {
  auto* p = out->mutable_conv_transpose();
  encode_window(c.window, p->mutable_window());
  p->set_output_padding_h(c.output_padding_h);
  p->set_output_padding_w(c.output_padding_w);
  p->set_group(c.group);
  encode_activation(c.activation, p->mutable_activation());
  if (with_weights) {
    encode_tensor(c.weight, p->mutable_weight());
    p->set_bias(to_bytes(c.bias));
  }
}

void encode(const ResizeAttrs& r, bool, planpb::Node* out) {
  auto* p = out->mutable_resize();
  p->set_mode(static_cast<int>(r.mode));
  p->set_coordinate(static_cast<int>(r.coordinate));
  p->set_nearest(static_cast<int>(r.nearest));
  p->set_out_h(r.out_h);
  p->set_out_w(r.out_w);
  p->set_scale_h(r.scale_h);
  p->set_scale_w(r.scale_w);
  p->set_sizes_given(r.sizes_given);
}

void encode(const BinaryAttrs& b, bool with_weights, planpb::Node* out) {
  auto* p = out->mutable_binary();
  p->set_kind(static_cast<int>(b.kind));
  p->set_constant_index(b.constant_index);
  encode_activation(b.activation, p->mutable_activation());
  if (with_weights && b.constant_index >= 0) encode_tensor(b.constant, p->mutable_constant());
}

void encode(const SoftmaxAttrs& s, bool, planpb::Node* out) {
  auto* p = out->mutable_softmax();
  p->set_axis(s.axis);
  p->set_coerced(s.coerced);
}

void encode(const ReduceAttrs& rd, bool, planpb::Node* out) {
  auto* p = out->mutable_reduce();
  p->set_kind(static_cast<int>(rd.kind));
  encode_ints(rd.axes, p->mutable_axes());
  p->set_select_last_index(rd.select_last_index);
}

void encode(const MatMulAttrs& m, bool with_weights, planpb::Node* out) {
  auto* p = out->mutable_matmul();
  p->set_constant_index(m.constant_index);
  encode_activation(m.activation, p->mutable_activation());
  if (with_weights && m.constant_index >= 0) encode_tensor(m.constant, p->mutable_constant());
  if (with_weights) p->set_bias(to_bytes(m.bias));
}

void encode(const TransposeAttrs& t, bool, planpb::Node* out) {
  encode_ints(t.perm, out->mutable_transpose()->mutable_perm());
}

void encode(const ReshapeAttrs& rs, bool, planpb::Node* out) {
  auto* p = out->mutable_reshape();
  encode_ints(rs.dims, p->mutable_dims());
  p->set_row_local(rs.row_local);
}

void encode(const ChannelGatherAttrs& cp, bool, planpb::Node* out) {
  encode_ints(cp.source, out->mutable_channel_gather()->mutable_source());
}

void encode(const PReluAttrs& p, bool with_weights, planpb::Node* out) {
  planpb::PRelu* m = out->mutable_prelu();
  if (with_weights) encode_tensor(p.slope, m->mutable_slope());
}

void encode(const LayerNormAttrs& ln, bool with_weights, planpb::Node* out) {
  planpb::LayerNorm* m = out->mutable_layer_norm();
  m->set_axis(ln.axis);
  m->set_epsilon(ln.epsilon);
  if (with_weights) {
    m->set_scale(to_bytes(ln.scale));
    m->set_shift(to_bytes(ln.shift));
  }
}

void encode(const AttentionAttrs& a, bool with_weights, planpb::Node* out) {
  planpb::Attention* m = out->mutable_attention();
  m->set_heads(a.heads);
  m->set_scale(a.scale);
  m->set_block(a.block);
  if (with_weights && !a.bias.empty()) encode_tensor(a.bias, m->mutable_bias());
}

void encode(const RowSliceAttrs& a, bool, planpb::Node* out) {
  planpb::RowSlice* m = out->mutable_row_slice();
  m->set_start(a.start);
  m->set_step(a.step);
  encode_ints(a.dims, m->mutable_dims());
}

void encode(const RowConcatAttrs& a, bool, planpb::Node* out) {
  planpb::RowConcat* m = out->mutable_row_concat();
  encode_ints(a.parts, m->mutable_parts());
  for (const Tensor& c : a.constants) encode_tensor(c, m->add_constants());
}

void encode(const WindowTokensAttrs& a, bool, planpb::Node* out) {
  planpb::WindowTokens* m = out->mutable_window_tokens();
  m->set_window_h(a.window_h);
  m->set_window_w(a.window_w);
  m->set_height(a.height);
  m->set_width(a.width);
}

void encode(const ColumnGatherAttrs& a, bool, planpb::Node* out) {
  encode_ints(a.source, out->mutable_column_gather()->mutable_source());
}

void encode(const LrnAttrs& a, bool, planpb::Node* out) {
  planpb::Lrn* m = out->mutable_lrn();
  m->set_size(a.size);
  m->set_alpha(a.alpha);
  m->set_beta(a.beta);
  m->set_bias(a.bias);
}

void encode(const TileAttrs& a, bool, planpb::Node* out) {
  encode_ints(a.repeats, out->mutable_tile()->mutable_repeats());
}

void encode(const DepthSpaceAttrs& a, bool, planpb::Node* out) {
  out->mutable_depth_space()->set_block(a.block);
  out->mutable_depth_space()->set_crd(a.crd);
}

void encode(const InstanceNormAttrs& a, bool with_weights, planpb::Node* out) {
  planpb::InstanceNorm* m = out->mutable_instance_norm();
  m->set_epsilon(a.epsilon);
  if (with_weights) {
    m->set_scale(to_bytes(a.scale));
    m->set_shift(to_bytes(a.shift));
  }
}

NodeAttrs decode_op_attrs(const planpb::Node& in) {
  const bool weights = in.has_weights();
  switch (in.attrs_case()) {
    case planpb::Node::kConvTranspose: return decode_conv_transpose(in.conv_transpose(), weights);
    case planpb::Node::kResize: return decode_resize(in.resize());
    case planpb::Node::kBinary: {
      BinaryAttrs a;
      a.kind = decode_enum(in.binary().kind(), BinaryAttrs::Kind::kMin, "binary kind");
      a.constant_index = decode_constant_index(in.binary().constant_index());
      a.activation = decode_activation(in.binary().activation());
      if (weights && a.constant_index >= 0)
        a.constant = decode_tensor(in.binary().constant(), "binary constant");
      return a;
    }
    case planpb::Node::kSoftmax: {
      SoftmaxAttrs a;
      a.axis = decode_bounded(in.softmax().axis(), -4, -1, "softmax axis");
      a.coerced = in.softmax().coerced();
      return a;
    }
    case planpb::Node::kReduce: {
      ReduceAttrs a;
      a.kind = decode_enum(in.reduce().kind(), ReduceAttrs::Kind::kArgMin, "reduce kind");
      a.axes = decode_ints(in.reduce().axes(), "reduce axes");
      a.select_last_index = in.reduce().select_last_index();
      return a;
    }
    case planpb::Node::kMatmul: {
      MatMulAttrs a;
      a.constant_index = decode_constant_index(in.matmul().constant_index());
      a.activation = decode_activation(in.matmul().activation());
      if (weights && a.constant_index >= 0)
        a.constant = decode_tensor(in.matmul().constant(), "matmul constant");
      if (weights) a.bias = from_bytes(in.matmul().bias(), "matmul bias");
      return a;
    }
    case planpb::Node::kTranspose:
      return TransposeAttrs{decode_ints(in.transpose().perm(), "transpose perm")};
    case planpb::Node::kReshape:
      return ReshapeAttrs{decode_ints(in.reshape().dims(), "reshape dims"),
                          in.reshape().row_local()};
    case planpb::Node::kChannelGather:
      return ChannelGatherAttrs{decode_ints(in.channel_gather().source(), "channel source")};
    case planpb::Node::kPrelu: {
      PReluAttrs a;
      if (weights) a.slope = decode_tensor(in.prelu().slope(), "prelu slope");
      return a;
    }
    case planpb::Node::kLayerNorm: {
      LayerNormAttrs a;
      a.axis = decode_bounded(in.layer_norm().axis(), -4, -1, "layer_norm axis");
      a.epsilon = in.layer_norm().epsilon();
      if (weights) {
        a.scale = from_bytes(in.layer_norm().scale(), "layer_norm scale");
        a.shift = from_bytes(in.layer_norm().shift(), "layer_norm shift");
      }
      return a;
    }
    case planpb::Node::kAttention: {
      AttentionAttrs a;
      a.heads = decode_bounded(in.attention().heads(), 1, kLimit, "attention heads");
      a.scale = in.attention().scale();
      if (!std::isfinite(a.scale)) fail_input("plan: bad attention scale");
      a.block = decode_bounded(in.attention().block(), 0, kLimit, "attention block");
      if (weights && in.attention().has_bias())
        a.bias = decode_tensor(in.attention().bias(), "attention bias");
      return a;
    }
    case planpb::Node::kWindowTokens: {
      const planpb::WindowTokens& w = in.window_tokens();
      WindowTokensAttrs a;
      a.window_h = decode_bounded(w.window_h(), 1, kLimit, "window height");
      a.window_w = decode_bounded(w.window_w(), 1, kLimit, "window width");
      a.height = decode_bounded(w.height(), 1, kLimit, "window map height");
      a.width = decode_bounded(w.width(), 1, kLimit, "window map width");
      return a;
    }
    case planpb::Node::kColumnGather:
      return ColumnGatherAttrs{decode_ints(in.column_gather().source(), "column source")};
    case planpb::Node::kLrn: {
      LrnAttrs a;
      a.size = decode_bounded(in.lrn().size(), 1, kLimit, "lrn size");
      a.alpha = in.lrn().alpha(), a.beta = in.lrn().beta(), a.bias = in.lrn().bias();
      return a;
    }
    case planpb::Node::kInstanceNorm: {
      InstanceNormAttrs a;
      a.epsilon = in.instance_norm().epsilon();
      if (weights) {
        a.scale = from_bytes(in.instance_norm().scale(), "instance_norm scale");
        a.shift = from_bytes(in.instance_norm().shift(), "instance_norm shift");
      }
      return a;
    }
    case planpb::Node::kTile:
      return TileAttrs{decode_ints(in.tile().repeats(), "tile repeats")};
    case planpb::Node::kDepthSpace:
      return DepthSpaceAttrs{decode_bounded(in.depth_space().block(), 1, kLimit, "block size"),
                             in.depth_space().crd()};
    case planpb::Node::kRowSlice: {
      RowSliceAttrs a;
      a.start = decode_bounded(in.row_slice().start(), 0, kLimit, "row slice start");
      a.step = decode_bounded(in.row_slice().step(), 1, kLimit, "row slice step");
      a.dims = decode_ints(in.row_slice().dims(), "row slice dims");
      return a;
    }
    case planpb::Node::kRowConcat: {
      RowConcatAttrs a;
      a.parts = decode_ints(in.row_concat().parts(), "row concat parts");
      if (in.row_concat().constants_size() > kLimit) fail_input("plan: too many row blocks");
      for (const planpb::FloatTensor& c : in.row_concat().constants())
        a.constants.push_back(decode_tensor(c, "row concat constant"));
      return a;
    }
    default:
      fail_input("plan: node '" + in.name() + "' has unknown attributes");
  }
}

}  // namespace edgeflow::codec_detail
