// Reference Transpose, Reshape and channel permute (ONNX), in ONNX element
// order: Transpose y[i] = x[j] with j[perm[k]] = i[k]; Reshape keeps the
// row-major order; channel gather y[c] = x[source[c]] along the feature axis
// (the channels of a map, the last axis of tokens).
#include "kernels/reference/reference_ops.h"

namespace edgeflow::reference {

Tensor transpose(const Graph& graph, const Node& node, const Inputs& inputs) {
  const TransposeAttrs& a = std::get<TransposeAttrs>(node.attrs);
  const Shape& xs = inputs.at(0)->shape();
  const Shape& ys = graph.shape_of(node.output);
  const std::vector<float> x = logical(*inputs.at(0));
  const Dims in_strides = row_major_strides(xs.dims);
  std::vector<float> y(x.size());
  for (int64_t f = 0; f < ys.elements(); ++f) {
    const Dims index = unravel(f, ys.dims);
    int64_t at = 0;
    for (size_t k = 0; k < index.size(); ++k) at += index[k] * in_strides[a.perm[k]];
    y[f] = x[at];
  }
  return from_logical(ys, y);
}

Tensor reshape(const Graph& graph, const Node& node, const Inputs& inputs) {
  return from_logical(graph.shape_of(node.output), logical(*inputs.at(0)));
}

Tensor channel_gather(const Graph& graph, const Node& node, const Inputs& inputs) {
  const ChannelGatherAttrs& a = std::get<ChannelGatherAttrs>(node.attrs);
  const Shape& xs = inputs.at(0)->shape();
  const Shape& ys = graph.shape_of(node.output);
  const std::vector<float> x = logical(*inputs.at(0));
  // The feature axis (C of a map, the last of tokens) splits the ONNX order
  // into [outer, features, inner].
  const size_t axis = ys.feature_axis();
  const int64_t inner = row_major_strides(ys.dims)[axis];
  const int64_t outer = ys.elements() / (ys.features() * inner);
  std::vector<float> y(static_cast<size_t>(ys.elements()));
  for (int64_t o = 0; o < outer; ++o)
    for (int64_t c = 0; c < ys.features(); ++c)
      for (int64_t i = 0; i < inner; ++i)
        y[(o * ys.features() + c) * inner + i] = x[(o * xs.features() + a.source[c]) * inner + i];
  return from_logical(ys, y);
}

}  // namespace edgeflow::reference
