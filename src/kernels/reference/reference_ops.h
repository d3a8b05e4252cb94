// The naive reference kernels, one file per op: whole tensors in (storage
// order of tensor.h: NHWC for feature maps), whole tensor out. Plain loops
// straight from the ONNX definitions, accumulating in double. Never optimized.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

#include "edgeflow/ir.h"
#include "edgeflow/tensor.h"

namespace edgeflow::reference {

using Inputs = std::vector<const Tensor*>;

Tensor conv(const Graph& graph, const Node& node, const Inputs& inputs);
Tensor pool(const Graph& graph, const Node& node, const Inputs& inputs);
Tensor global_average_pool(const Graph& graph, const Node& node, const Inputs& inputs);
Tensor global_max_pool(const Graph& graph, const Node& node, const Inputs& inputs);
Tensor prelu(const Graph& graph, const Node& node, const Inputs& inputs);
Tensor layer_norm(const Graph& graph, const Node& node, const Inputs& inputs);
Tensor concat(const Graph& graph, const Node& node, const Inputs& inputs);
Tensor activation(const Graph& graph, const Node& node, const Inputs& inputs);
Tensor batch_norm(const Graph& graph, const Node& node, const Inputs& inputs);
Tensor pad(const Graph& graph, const Node& node, const Inputs& inputs);
Tensor flatten(const Graph& graph, const Node& node, const Inputs& inputs);
Tensor gemm(const Graph& graph, const Node& node, const Inputs& inputs);
Tensor conv_transpose(const Graph& graph, const Node& node, const Inputs& inputs);
Tensor resize(const Graph& graph, const Node& node, const Inputs& inputs);
Tensor binary(const Graph& graph, const Node& node, const Inputs& inputs);
Tensor softmax(const Graph& graph, const Node& node, const Inputs& inputs);
Tensor reduce(const Graph& graph, const Node& node, const Inputs& inputs);
Tensor matmul(const Graph& graph, const Node& node, const Inputs& inputs);
Tensor transpose(const Graph& graph, const Node& node, const Inputs& inputs);
Tensor reshape(const Graph& graph, const Node& node, const Inputs& inputs);
Tensor channel_gather(const Graph& graph, const Node& node, const Inputs& inputs);
Tensor attention(const Graph& graph, const Node& node, const Inputs& inputs);
Tensor row_slice(const Graph& graph, const Node& node, const Inputs& inputs);
Tensor row_concat(const Graph& graph, const Node& node, const Inputs& inputs);
Tensor window_partition(const Graph& graph, const Node& node, const Inputs& inputs);
Tensor window_reverse(const Graph& graph, const Node& node, const Inputs& inputs);
Tensor column_gather(const Graph& graph, const Node& node, const Inputs& inputs);
Tensor lrn(const Graph& graph, const Node& node, const Inputs& inputs);
Tensor depth_to_space(const Graph& graph, const Node& node, const Inputs& inputs);
Tensor space_to_depth(const Graph& graph, const Node& node, const Inputs& inputs);
Tensor instance_norm(const Graph& graph, const Node& node, const Inputs& inputs);
Tensor tile(const Graph& graph, const Node& node, const Inputs& inputs);

// The ONNX activations, in double.
inline float activate(float xf, const Activation& a) {
  const double x = xf;
  double y = x;
  switch (a.kind) {
    case Activation::Kind::kNone: break;
    case Activation::Kind::kRelu: y = x > 0.0 ? x : 0.0; break;
    case Activation::Kind::kClip: return std::min(std::max(xf, a.min), a.max);
    case Activation::Kind::kLeakyRelu: y = x < 0.0 ? double(a.alpha) * x : x; break;
    case Activation::Kind::kSigmoid: y = 1.0 / (1.0 + std::exp(-x)); break;
    case Activation::Kind::kHardSigmoid:
      y = std::max(0.0, std::min(1.0, double(a.alpha) * x + double(a.beta)));
      break;
    case Activation::Kind::kHardSwish: y = x * std::max(0.0, std::min(1.0, x / 6.0 + 0.5)); break;
    case Activation::Kind::kTanh: y = std::tanh(x); break;
    case Activation::Kind::kErf: y = std::erf(x); break;
    case Activation::Kind::kSqrt: y = std::sqrt(x); break;
    case Activation::Kind::kPow: y = std::pow(x, double(a.alpha)); break;
    case Activation::Kind::kSwish: y = x / (1.0 + std::exp(-x)); break;
    case Activation::Kind::kGelu: y = 0.5 * x * (1.0 + std::erf(x / std::sqrt(2.0))); break;
    case Activation::Kind::kElu: y = x < 0.0 ? double(a.alpha) * (std::exp(x) - 1.0) : x; break;
    case Activation::Kind::kSelu:
      y = double(a.beta) * (x < 0.0 ? double(a.alpha) * (std::exp(x) - 1.0) : x);
      break;
    case Activation::Kind::kSoftplus: y = std::log(1.0 + std::exp(x)); break;
    case Activation::Kind::kSoftsign: y = x / (1.0 + std::fabs(x)); break;
    case Activation::Kind::kAbs: y = std::fabs(x); break;
    case Activation::Kind::kNeg: y = -x; break;
    case Activation::Kind::kExp: y = std::exp(x); break;
    case Activation::Kind::kLog: y = std::log(x); break;
    case Activation::Kind::kFloor: y = std::floor(x); break;
    case Activation::Kind::kCeil: y = std::ceil(x); break;
  }
  return static_cast<float>(y);
}

// The multi-index of row-major position `flat` in `dims`.
inline Dims unravel(int64_t flat, const Dims& dims) {
  Dims index(dims.size(), 0);
  for (size_t i = dims.size(); i-- > 0;) {
    index[i] = flat % dims[i];
    flat /= dims[i];
  }
  return index;
}

// A tensor's values in ONNX (row-major) order, and back.
inline std::vector<float> logical(const Tensor& t) { return storage_to_nchw(t.shape(), t.values()); }
inline Tensor from_logical(const Shape& shape, const std::vector<float>& values) {
  return Tensor(shape, nchw_to_storage(shape, values));
}

// Element (h, w, c) of an NHWC-stored feature map of `shape`.
inline int64_t nhwc_index(const Shape& shape, int64_t h, int64_t w, int64_t c) {
  return (h * shape.width() + w) * shape.channels() + c;
}

}  // namespace edgeflow::reference
