// Reference Tile, as ONNX defines it: output element o (NCHW index) is input
// element o mod (input dims), axis by axis.
#include "kernels/reference/reference_ops.h"

namespace edgeflow::reference {

Tensor tile(const Graph& graph, const Node& node, const Inputs& inputs) {
  const Shape& xs = inputs.at(0)->shape();
  const Shape& ys = graph.shape_of(node.output);
  const std::vector<float> x = logical(*inputs.at(0));
  const Dims in_strides = row_major_strides(xs.dims);
  std::vector<float> y(static_cast<size_t>(ys.elements()));
  for (int64_t f = 0; f < ys.elements(); ++f) {
    const Dims index = unravel(f, ys.dims);
    int64_t from = 0;
    for (size_t i = 0; i < index.size(); ++i) from += (index[i] % xs.dims[i]) * in_strides[i];
    y[static_cast<size_t>(f)] = x[static_cast<size_t>(from)];
  }
  return from_logical(ys, y);
}

}  // namespace edgeflow::reference
