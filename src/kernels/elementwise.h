// Scalar activations for the kernels EdgeFlow writes itself (oneDNN 2.6 has
// no Erf, Softsign, Floor or Ceil, no one-step HardSigmoid or Selu, and its
// post-ops need a primitive): the
// ONNX definitions, in float, shared by those kernels.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>

#include "edgeflow/ir.h"

namespace edgeflow::kernels {

inline float activate_value(float x, const Activation& a) {
  switch (a.kind) {
    case Activation::Kind::kNone: return x;
    case Activation::Kind::kRelu: return x > 0.0f ? x : 0.0f;
    case Activation::Kind::kClip: return std::min(std::max(x, a.min), a.max);
    case Activation::Kind::kLeakyRelu: return x < 0.0f ? a.alpha * x : x;
    case Activation::Kind::kSigmoid: return 1.0f / (1.0f + std::exp(-x));
    case Activation::Kind::kHardSigmoid: return std::min(1.0f, std::max(0.0f, a.alpha * x + a.beta));
    case Activation::Kind::kHardSwish:
      return x * std::min(1.0f, std::max(0.0f, x / 6.0f + 0.5f));
    case Activation::Kind::kTanh: return std::tanh(x);
    case Activation::Kind::kErf: return std::erf(x);
    case Activation::Kind::kSqrt: return std::sqrt(x);
    case Activation::Kind::kPow: return std::pow(x, a.alpha);
    case Activation::Kind::kSwish: return x / (1.0f + std::exp(-x));
    case Activation::Kind::kGelu: return 0.5f * x * (1.0f + std::erf(x * 0.70710678f));
    case Activation::Kind::kElu: return x < 0.0f ? a.alpha * std::expm1(x) : x;
    case Activation::Kind::kSelu: return a.beta * (x < 0.0f ? a.alpha * std::expm1(x) : x);
    case Activation::Kind::kSoftplus: return x > 20.0f ? x : std::log1p(std::exp(x));
    case Activation::Kind::kSoftsign: return x / (1.0f + std::fabs(x));
    case Activation::Kind::kAbs: return std::fabs(x);
    case Activation::Kind::kNeg: return -x;
    case Activation::Kind::kExp: return std::exp(x);
    case Activation::Kind::kLog: return std::log(x);
    case Activation::Kind::kFloor: return std::floor(x);
    case Activation::Kind::kCeil: return std::ceil(x);
  }
  return x;
}

// Applies `a` to n floats in place (nothing for kNone).
inline void activate_span(float* data, size_t n, const Activation& a) {
  if (a.none()) return;
  for (size_t i = 0; i < n; ++i) data[i] = activate_value(data[i], a);
}

}  // namespace edgeflow::kernels
