// Graph queries: op names, consumers, weight sizes.
#include <cstdio>
#include <cstdlib>
#include <type_traits>

#include "edgeflow/error.h"
#include "edgeflow/ir.h"

namespace edgeflow {

void assertion_failed(const char* expr, const char* file, int line) {
  std::fprintf(stderr, "edgeflow: internal error: %s:%d: assertion '%s' failed\n", file, line,
               expr);
  std::fflush(stderr);
  std::abort();
}

const char* op_name(OpKind op) {
  switch (op) {
    case OpKind::kConv: return "Conv";
    case OpKind::kPool: return "Pool";
    case OpKind::kGlobalAveragePool: return "GlobalAveragePool";
    case OpKind::kAdd: return "Add";
    case OpKind::kConcat: return "Concat";
    case OpKind::kActivation: return "Activation";
    case OpKind::kBatchNorm: return "BatchNormalization";
    case OpKind::kPad: return "Pad";
    case OpKind::kFlatten: return "Flatten";
    case OpKind::kGemm: return "Gemm";
    case OpKind::kConvTranspose: return "ConvTranspose";
    case OpKind::kResize: return "Resize";
    case OpKind::kBinary: return "Binary";
    case OpKind::kSoftmax: return "Softmax";
    case OpKind::kReduce: return "Reduce";
    case OpKind::kMatMul: return "MatMul";
    case OpKind::kTranspose: return "Transpose";
    case OpKind::kReshape: return "Reshape";
    case OpKind::kChannelPermute: return "ChannelPermute";
  }
  return "?";
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
    case Activation::Kind::kPow: return "Pow";
    case Activation::Kind::kSwish: return "Swish";
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

int64_t Graph::weight_bytes() const {
  int64_t bytes = 0;
  for (const Node& n : nodes) {
    if (auto* c = std::get_if<ConvAttrs>(&n.attrs))
      bytes += 4 * (c->weight.size() + c->bias.size());
    else if (auto* g = std::get_if<GemmAttrs>(&n.attrs))
      bytes += 4 * (g->weight.size() + g->bias.size());
    else if (auto* b = std::get_if<BatchNormAttrs>(&n.attrs))
      bytes += 4 * (b->scale.size() + b->shift.size());
    else if (auto* t = std::get_if<ConvTransposeAttrs>(&n.attrs))
      bytes += 4 * (t->weight.size() + t->bias.size());
    else if (auto* e = std::get_if<BinaryAttrs>(&n.attrs))
      bytes += 4 * e->constant.size();
    else if (auto* m = std::get_if<MatMulAttrs>(&n.attrs))
      bytes += 4 * m->constant.size();
  }
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
    std::visit(
        [&](const auto& a) {
          using T = std::decay_t<decltype(a)>;
          if constexpr (std::is_same_v<T, ConvAttrs>) {
            d.pod(a.window), d.pod(a.group), d.floats(a.weight.values()), d.floats(a.bias);
            d.pod(a.residual);
            digest_activation(d, a.activation);
          } else if constexpr (std::is_same_v<T, PoolAttrs>) {
            d.pod(a.kind), d.pod(a.window), d.pod(a.ceil_mode), d.pod(a.count_include_pad);
          } else if constexpr (std::is_same_v<T, AddAttrs> || std::is_same_v<T, ActivationAttrs>) {
            digest_activation(d, a.activation);
          } else if constexpr (std::is_same_v<T, BatchNormAttrs>) {
            d.floats(a.scale), d.floats(a.shift), digest_activation(d, a.activation);
          } else if constexpr (std::is_same_v<T, PadAttrs>) {
            d.pod(a.channels_begin), d.pod(a.channels_end), d.pod(a.top), d.pod(a.bottom);
            d.pod(a.left), d.pod(a.right), d.pod(a.value);
          } else if constexpr (std::is_same_v<T, GemmAttrs>) {
            d.floats(a.weight.values()), d.floats(a.bias), digest_activation(d, a.activation);
          } else if constexpr (std::is_same_v<T, ConvTransposeAttrs>) {
            d.pod(a.window), d.pod(a.output_padding_h), d.pod(a.output_padding_w);
            d.pod(a.group), digest_tensor(d, a.weight), d.floats(a.bias);
            digest_activation(d, a.activation);
          } else if constexpr (std::is_same_v<T, ResizeAttrs>) {
            d.pod(a.mode), d.pod(a.coordinate), d.pod(a.nearest), d.pod(a.out_h);
            d.pod(a.out_w), d.pod(a.scale_h), d.pod(a.scale_w), d.pod(a.sizes_given);
          } else if constexpr (std::is_same_v<T, BinaryAttrs>) {
            d.pod(a.kind), digest_tensor(d, a.constant), d.pod(a.constant_index);
            digest_activation(d, a.activation);
          } else if constexpr (std::is_same_v<T, SoftmaxAttrs>) {
            d.pod(a.axis), d.pod(a.coerced);
          } else if constexpr (std::is_same_v<T, ReduceAttrs>) {
            d.pod(a.kind), digest_ints(d, a.axes);
          } else if constexpr (std::is_same_v<T, MatMulAttrs>) {
            digest_tensor(d, a.constant), d.pod(a.constant_index);
          } else if constexpr (std::is_same_v<T, TransposeAttrs>) {
            digest_ints(d, a.perm);
          } else if constexpr (std::is_same_v<T, ReshapeAttrs>) {
            digest_ints(d, a.dims), d.pod(a.row_local);
          } else if constexpr (std::is_same_v<T, ChannelPermuteAttrs>) {
            digest_ints(d, a.source);
          }
        },
        n.attrs);
  }
  d.pod(graph.input);
  for (ValueId o : graph.outputs) d.pod(o);
  return d.h;
}

}  // namespace edgeflow
