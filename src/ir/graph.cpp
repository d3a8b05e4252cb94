// Graph queries: activation and binary names, consumers, weight sizes, the digest.
#include <cstdio>
#include <cstdlib>

#include "edgeflow/error.h"
#include "edgeflow/ir.h"

namespace edgeflow {

void assertion_failed(const char* expr, const char* file, int line) {
  std::fprintf(stderr, "edgeflow: internal error: %s:%d: assertion '%s' failed\n", file, line,
               expr);
  std::fflush(stderr);
  std::abort();
}

const char* activation_name(Activation::Kind kind) {
  switch (kind) {
    case Activation::Kind::kNone: return "none";
    case Activation::Kind::kRelu: return "Relu";
    case Activation::Kind::kClip: return "Clip";
    case Activation::Kind::kLeakyRelu: return "LeakyRelu";
    case Activation::Kind::kSigmoid: return "Sigmoid";
    case Activation::Kind::kHardSigmoid: return "HardSigmoid";
    case Activation::Kind::kHardSwish: return "HardSwish";
    case Activation::Kind::kTanh: return "Tanh";
    case Activation::Kind::kErf: return "Erf";
    case Activation::Kind::kSqrt: return "Sqrt";
    case Activation::Kind::kElu: return "Elu";
    case Activation::Kind::kSelu: return "Selu";
    case Activation::Kind::kSoftplus: return "Softplus";
    case Activation::Kind::kSoftsign: return "Softsign";
    case Activation::Kind::kAbs: return "Abs";
    case Activation::Kind::kNeg: return "Neg";
    case Activation::Kind::kExp: return "Exp";
    case Activation::Kind::kLog: return "Log";
    case Activation::Kind::kFloor: return "Floor";
    case Activation::Kind::kCeil: return "Ceil";
    case Activation::Kind::kPow: return "Pow";
    case Activation::Kind::kSwish: return "Swish";
    case Activation::Kind::kGelu: return "Gelu";
  }
  return "?";
}

const char* binary_name(BinaryAttrs::Kind kind) {
  switch (kind) {
    case BinaryAttrs::Kind::kAdd: return "Add";
    case BinaryAttrs::Kind::kSub: return "Sub";
    case BinaryAttrs::Kind::kMul: return "Mul";
    case BinaryAttrs::Kind::kDiv: return "Div";
    case BinaryAttrs::Kind::kPow: return "Pow";
    case BinaryAttrs::Kind::kMax: return "Max";
    case BinaryAttrs::Kind::kMin: return "Min";
  }
  return "?";
}

std::vector<int> Graph::consumers(ValueId v) const {
  std::vector<int> out;
  for (size_t i = 0; i < nodes.size(); ++i)
    for (ValueId in : nodes[i].inputs)
      if (in == v) {
        out.push_back(static_cast<int>(i));
        break;
      }
  return out;
}

namespace {

// Floats of weights an op's attributes hold: one overload per attribute type
// (a type without one fails to compile).
size_t weight_floats(const std::monostate&) { return 0; }
size_t weight_floats(const ConvAttrs& a) { return a.weight.size() + a.bias.size(); }
size_t weight_floats(const PoolAttrs&) { return 0; }
size_t weight_floats(const ActivationAttrs&) { return 0; }
size_t weight_floats(const BatchNormAttrs& a) { return a.scale.size() + a.shift.size(); }
size_t weight_floats(const PadAttrs&) { return 0; }
size_t weight_floats(const GemmAttrs& a) { return a.weight.size() + a.bias.size(); }
size_t weight_floats(const ConvTransposeAttrs& a) { return a.weight.size() + a.bias.size(); }
size_t weight_floats(const ResizeAttrs&) { return 0; }
size_t weight_floats(const BinaryAttrs& a) { return a.constant.size(); }
size_t weight_floats(const SoftmaxAttrs&) { return 0; }
size_t weight_floats(const ReduceAttrs&) { return 0; }
size_t weight_floats(const MatMulAttrs& a) { return a.constant.size() + a.bias.size(); }
size_t weight_floats(const TransposeAttrs&) { return 0; }
size_t weight_floats(const ReshapeAttrs&) { return 0; }
size_t weight_floats(const ChannelGatherAttrs&) { return 0; }
size_t weight_floats(const PReluAttrs& a) { return a.slope.size(); }
size_t weight_floats(const LayerNormAttrs& a) { return a.scale.size() + a.shift.size(); }
size_t weight_floats(const AttentionAttrs& a) { return a.bias.size(); }
size_t weight_floats(const RowSliceAttrs&) { return 0; }
size_t weight_floats(const RowConcatAttrs& a) {
  size_t n = 0;
  for (const Tensor& c : a.constants) n += c.size();
  return n;
}
size_t weight_floats(const WindowTokensAttrs&) { return 0; }
size_t weight_floats(const ColumnGatherAttrs&) { return 0; }
size_t weight_floats(const LrnAttrs&) { return 0; }
size_t weight_floats(const DepthSpaceAttrs&) { return 0; }
size_t weight_floats(const InstanceNormAttrs& a) { return a.scale.size() + a.shift.size(); }
size_t weight_floats(const TileAttrs&) { return 0; }

}  // namespace

int64_t Graph::weight_bytes() const {
  int64_t bytes = 0;
  for (const Node& n : nodes)
    bytes += 4 * static_cast<int64_t>(std::visit([](const auto& a) { return weight_floats(a); },
                                                 n.attrs));
  return bytes;
}

namespace {

// FNV-1a, 64 bit: stable across builds and hosts (std::hash is not).
struct Digest {
  uint64_t h = 1469598103934665603ull;
  void bytes(const void* p, size_t n) {
    const auto* c = static_cast<const unsigned char*>(p);
    for (size_t i = 0; i < n; ++i) h = (h ^ c[i]) * 1099511628211ull;
  }
  template <typename T>
  void pod(const T& v) { bytes(&v, sizeof v); }
  void floats(const std::vector<float>& v) { bytes(v.data(), v.size() * sizeof(float)); }
  void text(const std::string& s) { pod(s.size()), bytes(s.data(), s.size()); }
};

void digest_activation(Digest& d, const Activation& a) {
  d.pod(a.kind), d.pod(a.min), d.pod(a.max), d.pod(a.alpha), d.pod(a.beta);
}

void digest_tensor(Digest& d, const Tensor& t) {
  for (int64_t x : t.shape().dims) d.pod(x);
  d.floats(t.values());
}

void digest_ints(Digest& d, const std::vector<int64_t>& v) {
  d.pod(v.size());
  for (int64_t x : v) d.pod(x);
}

// One overload per attribute type: a type without one fails to compile.
void digest_attrs(Digest&, const std::monostate&) {}
void digest_attrs(Digest& d, const ConvAttrs& a) {
  d.pod(a.window), d.pod(a.group), d.floats(a.weight.values()), d.floats(a.bias);
  d.pod(a.residual);
  digest_activation(d, a.activation);
}
void digest_attrs(Digest& d, const PoolAttrs& a) {
  d.pod(a.kind), d.pod(a.window), d.pod(a.ceil_mode), d.pod(a.count_include_pad);
}
void digest_attrs(Digest& d, const ActivationAttrs& a) { digest_activation(d, a.activation); }
void digest_attrs(Digest& d, const BatchNormAttrs& a) {
  d.floats(a.scale), d.floats(a.shift), digest_activation(d, a.activation);
}
void digest_attrs(Digest& d, const PadAttrs& a) {
  d.pod(a.channels_begin), d.pod(a.channels_end), d.pod(a.top), d.pod(a.bottom);
  d.pod(a.left), d.pod(a.right), d.pod(a.value);
}
void digest_attrs(Digest& d, const GemmAttrs& a) {
  d.floats(a.weight.values()), d.floats(a.bias), digest_activation(d, a.activation);
}
void digest_attrs(Digest& d, const ConvTransposeAttrs& a) {
  d.pod(a.window), d.pod(a.output_padding_h), d.pod(a.output_padding_w);
  d.pod(a.group), digest_tensor(d, a.weight), d.floats(a.bias);
  digest_activation(d, a.activation);
}
void digest_attrs(Digest& d, const ResizeAttrs& a) {
  d.pod(a.mode), d.pod(a.coordinate), d.pod(a.nearest), d.pod(a.out_h);
  d.pod(a.out_w), d.pod(a.scale_h), d.pod(a.scale_w), d.pod(a.sizes_given);
}
void digest_attrs(Digest& d, const BinaryAttrs& a) {
  d.pod(a.kind), digest_tensor(d, a.constant), d.pod(a.constant_index);
  digest_activation(d, a.activation);
}
void digest_attrs(Digest& d, const SoftmaxAttrs& a) { d.pod(a.axis), d.pod(a.coerced); }
void digest_attrs(Digest& d, const ReduceAttrs& a) {
  d.pod(a.kind), digest_ints(d, a.axes), d.pod(a.select_last_index);
}
void digest_attrs(Digest& d, const MatMulAttrs& a) {
  digest_tensor(d, a.constant), d.pod(a.constant_index), d.floats(a.bias);
  digest_activation(d, a.activation);
}
void digest_attrs(Digest& d, const TransposeAttrs& a) { digest_ints(d, a.perm); }
void digest_attrs(Digest& d, const ReshapeAttrs& a) { digest_ints(d, a.dims), d.pod(a.row_local); }
void digest_attrs(Digest& d, const ChannelGatherAttrs& a) { digest_ints(d, a.source); }
void digest_attrs(Digest& d, const PReluAttrs& a) { digest_tensor(d, a.slope); }
void digest_attrs(Digest& d, const LayerNormAttrs& a) {
  d.pod(a.axis), d.pod(a.epsilon), d.floats(a.scale), d.floats(a.shift);
}
void digest_attrs(Digest& d, const AttentionAttrs& a) {
  d.pod(a.heads), d.pod(a.scale), d.pod(a.block), digest_tensor(d, a.bias);
}
void digest_attrs(Digest& d, const RowSliceAttrs& a) {
  d.pod(a.start), d.pod(a.step), digest_ints(d, a.dims);
}
void digest_attrs(Digest& d, const RowConcatAttrs& a) {
  digest_ints(d, a.parts);
  for (const Tensor& c : a.constants) digest_tensor(d, c);
}
void digest_attrs(Digest& d, const WindowTokensAttrs& a) {
  d.pod(a.window_h), d.pod(a.window_w), d.pod(a.height), d.pod(a.width);
}
void digest_attrs(Digest& d, const ColumnGatherAttrs& a) { digest_ints(d, a.source); }
void digest_attrs(Digest& d, const LrnAttrs& a) {
  d.pod(a.size), d.pod(a.alpha), d.pod(a.beta), d.pod(a.bias);
}
void digest_attrs(Digest& d, const DepthSpaceAttrs& a) { d.pod(a.block), d.pod(a.crd); }
void digest_attrs(Digest& d, const TileAttrs& a) { digest_ints(d, a.repeats); }
void digest_attrs(Digest& d, const InstanceNormAttrs& a) {
  d.pod(a.epsilon), d.floats(a.scale), d.floats(a.shift);
}

}  // namespace

uint64_t graph_digest(const Graph& graph) {
  Digest d;
  for (const Value& v : graph.values) {
    d.text(v.name);
    for (int64_t x : v.shape.dims) d.pod(x);
    d.pod(v.producer);
  }
  for (const Node& n : graph.nodes) {
    d.text(n.name), d.pod(n.op), d.pod(n.output);
    for (ValueId i : n.inputs) d.pod(i);
    std::visit([&](const auto& a) { digest_attrs(d, a); }, n.attrs);
  }
  d.pod(graph.input);
  for (ValueId o : graph.outputs) d.pod(o);
  return d.h;
}

}  // namespace edgeflow
