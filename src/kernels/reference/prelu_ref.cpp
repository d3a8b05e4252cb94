// Reference PRelu (ONNX): y = x < 0 ? slope * x : x, the slope broadcast to
// x unidirectionally, in ONNX element order (a slope dim of 1 repeats).
#include "kernels/reference/reference_ops.h"

namespace edgeflow::reference {

Tensor prelu(const Graph& graph, const Node& node, const Inputs& inputs) {
  const Tensor& slope = std::get<PReluAttrs>(node.attrs).slope;
  const Shape& ys = graph.shape_of(node.output);
  const std::vector<float> x = logical(*inputs.at(0));
  const std::vector<float> s = logical(slope);
  const Dims& sd = slope.shape().dims;
  const Dims strides = row_major_strides(sd);
  std::vector<float> out(x.size());
  for (int64_t f = 0; f < ys.elements(); ++f) {
    const Dims index = unravel(f, ys.dims);
    int64_t at = 0;
    for (size_t i = 0; i < sd.size(); ++i) at += (sd[i] == 1 ? 0 : index[i]) * strides[i];
    const double v = x[f];
    out[f] = static_cast<float>(v < 0.0 ? double(s[at]) * v : v);
  }
  return from_logical(ys, out);
}

}  // namespace edgeflow::reference
