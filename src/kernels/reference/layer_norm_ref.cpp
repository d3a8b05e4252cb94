// Reference LayerNorm, in ONNX element order and double, over any axis:
// for each index of the other axes, the mean and biased variance of the
// `axis` line, then (x - mean) / sqrt(var + epsilon) * scale + shift.
#include <cmath>

#include "kernels/reference/reference_ops.h"

namespace edgeflow::reference {

Tensor layer_norm(const Graph& graph, const Node& node, const Inputs& inputs) {
  const LayerNormAttrs& a = std::get<LayerNormAttrs>(node.attrs);
  const Shape& shape = graph.shape_of(node.output);
  const std::vector<float> x = storage_to_nchw(shape, inputs.at(0)->values());
  const size_t axis = shape.rank() + a.axis;
  const Dims strides = row_major_strides(shape.dims);
  const int64_t n = shape.dims[axis], stride = strides[axis];
  std::vector<float> y(x.size());
  for (int64_t first = 0; first < shape.elements(); ++first) {
    if ((first / stride) % n != 0) continue;  // not the start of an `axis` line
    double mean = 0.0, var = 0.0;
    for (int64_t i = 0; i < n; ++i) mean += x[first + i * stride];
    mean /= double(n);
    for (int64_t i = 0; i < n; ++i) var += std::pow(x[first + i * stride] - mean, 2);
    var /= double(n);
    const double inv = 1.0 / std::sqrt(var + double(a.epsilon));
    for (int64_t i = 0; i < n; ++i)
      y[first + i * stride] = static_cast<float>((x[first + i * stride] - mean) * inv *
                                                     double(a.scale[i]) + double(a.shift[i]));
  }
  return Tensor(shape, nchw_to_storage(shape, y));
}

}  // namespace edgeflow::reference
