// Converters of the elementwise activations LeakyRelu, Sigmoid, HardSigmoid,
// HardSwish, Tanh, Erf, Sqrt and Reciprocal (x^-1) (Relu and Clip are in
// convert_ops.cpp): a
// kActivation node (fused into its producer later where oneDNN can), or, on
// a constant, the folded constant.
#include <cmath>

#include "edgeflow/error.h"
#include "onnx_internal.h"

namespace edgeflow::onnx_import {
namespace {

void activation(Importer& im, const onnx::NodeProto& node, Activation a,
                float (*fold)(float) = nullptr) {
  const Entry& x = im.input(node, 0);
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
  if (im.opset() < 14) fail_node(node, "HardSwish is not part of opset " +
                                           std::to_string(im.opset()) + " (it is from opset 14)");
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

}  // namespace edgeflow::onnx_import
