// The naive reference kernels, one file per op: whole tensors in (storage
// order of tensor.h: NHWC for feature maps), whole tensor out. Plain loops
// straight from the ONNX definitions, accumulating in double. Never optimized.
#pragma once

#include <algorithm>
#include <cstdint>
#include <vector>

#include "edgeflow/ir.h"
#include "edgeflow/tensor.h"

namespace edgeflow::reference {

using Inputs = std::vector<const Tensor*>;

Tensor conv(const Graph& graph, const Node& node, const Inputs& inputs);
Tensor pool(const Graph& graph, const Node& node, const Inputs& inputs);
Tensor global_average_pool(const Graph& graph, const Node& node, const Inputs& inputs);
Tensor add(const Graph& graph, const Node& node, const Inputs& inputs);
Tensor concat(const Graph& graph, const Node& node, const Inputs& inputs);
Tensor activation(const Graph& graph, const Node& node, const Inputs& inputs);
Tensor batch_norm(const Graph& graph, const Node& node, const Inputs& inputs);
Tensor pad(const Graph& graph, const Node& node, const Inputs& inputs);
Tensor flatten(const Graph& graph, const Node& node, const Inputs& inputs);
Tensor gemm(const Graph& graph, const Node& node, const Inputs& inputs);

// ONNX Relu: max(0, x); Clip: min(max(x, min), max).
inline float activate(float x, const Activation& a) {
  switch (a.kind) {
    case Activation::Kind::kRelu: return x > 0.0f ? x : 0.0f;
    case Activation::Kind::kClip: return std::min(std::max(x, a.min), a.max);
    case Activation::Kind::kNone: break;
  }
  return x;
}

// Element (h, w, c) of an NHWC-stored feature map of `shape`.
inline int64_t nhwc_index(const Shape& shape, int64_t h, int64_t w, int64_t c) {
  return (h * shape.width() + w) * shape.channels() + c;
}

}  // namespace edgeflow::reference
