// The IR to and from the plan's wire form. Decoding trusts nothing: every
// index, size and enum is checked, so a malformed plan is an Error, not a
// crash on the worker.
#include <cstring>

#include "edgeflow/error.h"
#include "edgeflow/plan.h"
#include "plan/codec_internal.h"

namespace edgeflow {
namespace codec_detail {

std::string to_bytes(const std::vector<float>& v) {
  return std::string(reinterpret_cast<const char*>(v.data()), v.size() * sizeof(float));
}

std::vector<float> from_bytes(const std::string& b, const char* field) {
  if (b.size() % sizeof(float) != 0)
    fail_input(std::string("plan: field '") + field + "' is not a float array");
  std::vector<float> v(b.size() / sizeof(float));
  if (!v.empty()) std::memcpy(v.data(), b.data(), b.size());
  return v;
}

void encode_activation(const Activation& a, planpb::Activation* out) {
  out->set_kind(static_cast<int>(a.kind));
  out->set_min(a.min);
  out->set_max(a.max);
  out->set_alpha(a.alpha);
  out->set_beta(a.beta);
}

Activation decode_activation(const planpb::Activation& in) {
  if (in.kind() < 0 || in.kind() > static_cast<int>(Activation::kLastKind))
    fail_input("plan: bad activation kind " + std::to_string(in.kind()));
  Activation a;
  a.kind = static_cast<Activation::Kind>(in.kind());
  a.min = in.min();
  a.max = in.max();
  a.alpha = in.alpha();
  a.beta = in.beta();
  return a;
}

void encode_window(const Window& w, planpb::Window* out) {
  out->set_kernel_h(w.kernel_h);
  out->set_kernel_w(w.kernel_w);
  out->set_stride_h(w.stride_h);
  out->set_stride_w(w.stride_w);
  out->set_dilation_h(w.dilation_h);
  out->set_dilation_w(w.dilation_w);
  out->set_pad_top(w.pad_top);
  out->set_pad_left(w.pad_left);
  out->set_pad_bottom(w.pad_bottom);
  out->set_pad_right(w.pad_right);
}

Window decode_window(const planpb::Window& in) {
  Window w;
  w.kernel_h = in.kernel_h();
  w.kernel_w = in.kernel_w();
  w.stride_h = in.stride_h();
  w.stride_w = in.stride_w();
  w.dilation_h = in.dilation_h();
  w.dilation_w = in.dilation_w();
  w.pad_top = in.pad_top();
  w.pad_left = in.pad_left();
  w.pad_bottom = in.pad_bottom();
  w.pad_right = in.pad_right();
  const int64_t kLimit = 1 << 16;
  for (int64_t x : {w.kernel_h, w.kernel_w, w.stride_h, w.stride_w, w.dilation_h, w.dilation_w})
    if (x < 1 || x > kLimit) fail_input("plan: bad window geometry");
  for (int64_t x : {w.pad_top, w.pad_left, w.pad_bottom, w.pad_right})
    if (x < 0 || x > kLimit) fail_input("plan: bad window padding");
  return w;
}

void encode_tensor(const Tensor& t, planpb::FloatTensor* out) {
  for (int64_t d : t.shape().dims) out->add_dims(d);
  out->set_data(to_bytes(t.values()));
}

Tensor decode_tensor(const planpb::FloatTensor& in, const char* field) {
  Dims dims(in.dims().begin(), in.dims().end());
  int64_t n = 1;
  for (int64_t d : dims) {
    if (d < 0 || d > (int64_t(1) << 31)) fail_input(std::string("plan: bad dims in ") + field);
    n *= d;
    if (n > (int64_t(1) << 31)) fail_input(std::string("plan: tensor too large in ") + field);
  }
  std::vector<float> data = from_bytes(in.data(), field);
  if (static_cast<int64_t>(data.size()) != n)
    fail_input(std::string("plan: tensor '") + field + "' has the wrong size");
  return Tensor(Shape(dims), std::move(data));
}

void encode(const std::monostate&, bool, planpb::Node*) {}

void encode(const ConvAttrs& c, bool with_weights, planpb::Node* out) {
  auto* p = out->mutable_conv();
  encode_window(c.window, p->mutable_window());
  p->set_group(c.group);
  p->set_residual(c.residual);
  encode_activation(c.activation, p->mutable_activation());
  if (with_weights) {
    encode_tensor(c.weight, p->mutable_weight());
    p->set_bias(to_bytes(c.bias));
  }
}

void encode(const PoolAttrs& pl, bool, planpb::Node* out) {
  auto* p = out->mutable_pool();
  p->set_kind(static_cast<int>(pl.kind));
  encode_window(pl.window, p->mutable_window());
  p->set_ceil_mode(pl.ceil_mode);
  p->set_count_include_pad(pl.count_include_pad);
}

void encode(const ActivationAttrs& ac, bool, planpb::Node* out) {
  encode_activation(ac.activation, out->mutable_activation()->mutable_activation());
}

void encode(const BatchNormAttrs& b, bool with_weights, planpb::Node* out) {
  auto* p = out->mutable_batch_norm();
  encode_activation(b.activation, p->mutable_activation());
  if (with_weights) {
    p->set_scale(to_bytes(b.scale));
    p->set_shift(to_bytes(b.shift));
  }
}

void encode(const PadAttrs& pd, bool, planpb::Node* out) {
  auto* p = out->mutable_pad();
  p->set_channels_begin(pd.channels_begin);
  p->set_channels_end(pd.channels_end);
  p->set_top(pd.top);
  p->set_bottom(pd.bottom);
  p->set_left(pd.left);
  p->set_right(pd.right);
  p->set_value(pd.value);
}

void encode(const GemmAttrs& g, bool with_weights, planpb::Node* out) {
  auto* p = out->mutable_gemm();
  encode_activation(g.activation, p->mutable_activation());
  if (with_weights) {
    encode_tensor(g.weight, p->mutable_weight());
    p->set_bias(to_bytes(g.bias));
  }
}

}  // namespace codec_detail

namespace {

using namespace codec_detail;

// One encode() overload per attribute type (here and in graph_codec_ops.cpp):
// a type without one fails to compile.
void encode_attrs(const Node& node, bool with_weights, planpb::Node* out) {
  std::visit([&](const auto& a) { encode(a, with_weights, out); }, node.attrs);
}

NodeAttrs decode_attrs(const planpb::Node& in) {
  switch (in.attrs_case()) {
    case planpb::Node::kConv: {
      ConvAttrs c;
      c.window = decode_window(in.conv().window());
      c.group = in.conv().group();
      c.residual = in.conv().residual();
      c.activation = decode_activation(in.conv().activation());
      if (in.has_weights()) {
        c.weight = decode_tensor(in.conv().weight(), "conv weight");
        c.bias = from_bytes(in.conv().bias(), "conv bias");
      }
      return c;
    }
    case planpb::Node::kPool: {
      PoolAttrs p;
      if (in.pool().kind() < 0 || in.pool().kind() > 1) fail_input("plan: bad pool kind");
      p.kind = static_cast<PoolAttrs::Kind>(in.pool().kind());
      p.window = decode_window(in.pool().window());
      p.ceil_mode = in.pool().ceil_mode();
      p.count_include_pad = in.pool().count_include_pad();
      return p;
    }
    case planpb::Node::kActivation:
      return ActivationAttrs{decode_activation(in.activation().activation())};
    case planpb::Node::kBatchNorm: {
      BatchNormAttrs b;
      b.activation = decode_activation(in.batch_norm().activation());
      if (in.has_weights()) {
        b.scale = from_bytes(in.batch_norm().scale(), "batch_norm scale");
        b.shift = from_bytes(in.batch_norm().shift(), "batch_norm shift");
      }
      return b;
    }
    case planpb::Node::kPad: {
      const auto& p = in.pad();
      PadAttrs a{p.channels_begin(), p.channels_end(), p.top(), p.bottom(),
                 p.left(),           p.right(),        p.value()};
      for (int64_t x : {a.channels_begin, a.channels_end, a.top, a.bottom, a.left, a.right})
        if (x < 0 || x > (1 << 16)) fail_input("plan: bad pad");
      return a;
    }
    case planpb::Node::kGemm: {
      GemmAttrs g;
      g.activation = decode_activation(in.gemm().activation());
      if (in.has_weights()) {
        g.weight = decode_tensor(in.gemm().weight(), "gemm weight");
        g.bias = from_bytes(in.gemm().bias(), "gemm bias");
      }
      return g;
    }
    case planpb::Node::ATTRS_NOT_SET: return std::monostate{};
    default: return decode_op_attrs(in);
  }
}

}  // namespace

void encode_graph(const Graph& graph, bool with_weights, planpb::Graph* out) {
  for (const Value& v : graph.values) {
    planpb::Value* pv = out->add_values();
    pv->set_name(v.name);
    for (int64_t d : v.shape.dims) pv->add_dims(d);
    pv->set_producer(v.producer);
  }
  for (const Node& node : graph.nodes) {
    planpb::Node* pn = out->add_nodes();
    pn->set_name(node.name);
    pn->set_op(static_cast<int>(node.op));
    for (ValueId i : node.inputs) pn->add_inputs(i);
    pn->set_output(node.output);
    pn->set_has_weights(with_weights);
    encode_attrs(node, with_weights, pn);
  }
  out->set_input(graph.input);
  for (ValueId o : graph.outputs) out->add_outputs(o);
  out->set_opset(graph.opset);
}

Graph decode_graph(const planpb::Graph& in) {
  Graph g;
  const int num_values = in.values_size();
  const int num_nodes = in.nodes_size();
  auto check_value = [&](int v, const std::string& what) {
    if (v < 0 || v >= num_values) fail_input("plan: " + what + " names no value");
  };
  for (const planpb::Value& pv : in.values()) {
    Value v;
    v.name = pv.name();
    v.shape.dims.assign(pv.dims().begin(), pv.dims().end());
    int64_t n = 1;
    for (int64_t d : v.shape.dims) {
      if (d < 1 || d > (1 << 20)) fail_input("plan: value '" + v.name + "' has a bad dim");
      n *= d;
      if (n > (int64_t(1) << 31)) fail_input("plan: value '" + v.name + "' is too large");
    }
    if (v.shape.rank() < 2 || v.shape.rank() > 4)
      fail_input("plan: value '" + v.name + "' has an unsupported rank");
    if (v.shape.dims[0] != 1) fail_input("plan: value '" + v.name + "' has N != 1");
    v.producer = pv.producer();
    if (v.producer < -1 || v.producer >= num_nodes)
      fail_input("plan: value '" + v.name + "' has a bad producer");
    g.values.push_back(std::move(v));
  }
  for (const planpb::Node& pn : in.nodes()) {
    Node node;
    node.name = pn.name();
    if (pn.op() < 0 || pn.op() > static_cast<int>(kLastOpKind))
      fail_input("plan: node '" + node.name + "' has a bad op");
    node.op = static_cast<OpKind>(pn.op());
    for (int i : pn.inputs()) {
      check_value(i, "node '" + node.name + "' input");
      node.inputs.push_back(i);
    }
    check_value(pn.output(), "node '" + node.name + "' output");
    node.output = pn.output();
    node.attrs = decode_attrs(pn);
    g.nodes.push_back(std::move(node));
  }
  check_value(in.input(), "graph input");
  g.input = in.input();
  for (int o : in.outputs()) {
    check_value(o, "graph output");
    g.outputs.push_back(o);
  }
  g.opset = in.opset();
  return g;
}

}  // namespace edgeflow
