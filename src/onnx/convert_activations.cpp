// Converters of the elementwise activations LeakyRelu, Sigmoid, HardSigmoid,
// HardSwish, Tanh, Erf, Sqrt, Reciprocal (x^-1), Elu, Selu, Softplus,
// Softsign, Abs, Neg, Exp, Log, Floor and Ceil (Relu and Clip are in
// convert_ops.cpp): a kActivation node (fused into its producer later where
// oneDNN can), or, on a constant, the folded constant (integers stay
// integers through Abs, Neg, Floor and Ceil: shape arithmetic uses them).
#include <cmath>
#include <cstdint>

#include "edgeflow/error.h"
#include "onnx_internal.h"

namespace edgeflow::onnx_import {
namespace {

void activation(Importer& im, const onnx::NodeProto& node, Activation a,
                float (*fold)(float) = nullptr, int64_t (*fold_int)(int64_t) = nullptr) {
  const Entry& x = im.input(node, 0);
  if (x.is_constant() && fold_int && !x.constant->is_float()) {
    Constant c = *x.constant;
    for (int64_t& v : c.ints) {
      if (v == INT64_MIN) fail_node(node, "integer arithmetic overflows");
      v = fold_int(v);
    }
    im.define_constant(node.output(0), std::move(c));
    return;
  }
  if (x.is_constant() && fold) {
    im.define_constant(node.output(0), fold_unary(*x.constant, fold));
    return;
  }
  if (activation_on_channels_last(im, node, a)) return;
  im.add_node(node, OpKind::kActivation, {im.value_input(node, 0)}, ActivationAttrs{a});
}

Activation of(Activation::Kind kind, float alpha = 0.0f, float beta = 0.0f) {
  Activation a;
  a.kind = kind;
  a.alpha = alpha;
  a.beta = beta;
  return a;
}

}  // namespace

void convert_leaky_relu(Importer& im, const onnx::NodeProto& node) {
  activation(im, node, of(Activation::Kind::kLeakyRelu, attr_float(node, "alpha", 0.01f)));
}

void convert_sigmoid(Importer& im, const onnx::NodeProto& node) {
  activation(im, node, of(Activation::Kind::kSigmoid),
             [](float x) { return 1.0f / (1.0f + std::exp(-x)); });
}

void convert_hard_sigmoid(Importer& im, const onnx::NodeProto& node) {
  activation(im, node,
             of(Activation::Kind::kHardSigmoid, attr_float(node, "alpha", 0.2f),
                attr_float(node, "beta", 0.5f)));
}

void convert_hard_swish(Importer& im, const onnx::NodeProto& node) {
  activation(im, node, of(Activation::Kind::kHardSwish));
}

void convert_tanh(Importer& im, const onnx::NodeProto& node) {
  activation(im, node, of(Activation::Kind::kTanh), [](float x) { return std::tanh(x); });
}

void convert_erf(Importer& im, const onnx::NodeProto& node) {
  activation(im, node, of(Activation::Kind::kErf), [](float x) { return std::erf(x); });
}

void convert_reciprocal(Importer& im, const onnx::NodeProto& node) {
  activation(im, node, of(Activation::Kind::kPow, -1.0f), [](float x) { return 1.0f / x; });
}

void convert_sqrt(Importer& im, const onnx::NodeProto& node) {
  activation(im, node, of(Activation::Kind::kSqrt), [](float x) { return std::sqrt(x); });
}

void convert_elu(Importer& im, const onnx::NodeProto& node) {
  activation(im, node, of(Activation::Kind::kElu, attr_float(node, "alpha", 1.0f)));
}

void convert_selu(Importer& im, const onnx::NodeProto& node) {
  activation(im, node,
             of(Activation::Kind::kSelu, attr_float(node, "alpha", 1.67326319217681884765625f),
                attr_float(node, "gamma", 1.05070102214813232421875f)));
}

void convert_softplus(Importer& im, const onnx::NodeProto& node) {
  activation(im, node, of(Activation::Kind::kSoftplus),
             [](float x) { return std::log1p(std::exp(x)); });
}

void convert_softsign(Importer& im, const onnx::NodeProto& node) {
  activation(im, node, of(Activation::Kind::kSoftsign),
             [](float x) { return x / (1.0f + std::fabs(x)); });
}

void convert_abs(Importer& im, const onnx::NodeProto& node) {
  activation(im, node, of(Activation::Kind::kAbs), [](float x) { return std::fabs(x); },
             [](int64_t x) { return x < 0 ? -x : x; });
}

void convert_neg(Importer& im, const onnx::NodeProto& node) {
  activation(im, node, of(Activation::Kind::kNeg), [](float x) { return -x; },
             [](int64_t x) { return -x; });
}

void convert_exp(Importer& im, const onnx::NodeProto& node) {
  activation(im, node, of(Activation::Kind::kExp), [](float x) { return std::exp(x); });
}

void convert_log(Importer& im, const onnx::NodeProto& node) {
  activation(im, node, of(Activation::Kind::kLog), [](float x) { return std::log(x); });
}

void convert_floor(Importer& im, const onnx::NodeProto& node) {
  activation(im, node, of(Activation::Kind::kFloor), [](float x) { return std::floor(x); },
             [](int64_t x) { return x; });
}

void convert_ceil(Importer& im, const onnx::NodeProto& node) {
  activation(im, node, of(Activation::Kind::kCeil), [](float x) { return std::ceil(x); },
             [](int64_t x) { return x; });
}

}  // namespace edgeflow::onnx_import
