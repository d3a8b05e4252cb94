// Reference Concat on the channel axis (ONNX axis 1): output channel c of
// position (h, w) is channel c - offset_i of input i, inputs in order.
#include "kernels/reference/reference_ops.h"

namespace edgeflow::reference {

Tensor concat(const Graph& graph, const Node& node, const Inputs& inputs) {
  Tensor y(graph.shape_of(node.output));
  const Shape& ys = y.shape();
  const int64_t positions = ys.elements() / ys.dims.at(1);  // H*W, or 1 for [1, K]
  int64_t offset = 0;
  for (const Tensor* x : inputs) {
    const int64_t channels = x->shape().dims.at(1);
    for (int64_t p = 0; p < positions; ++p)
      for (int64_t c = 0; c < channels; ++c)
        y.data()[p * ys.dims[1] + offset + c] = x->data()[p * channels + c];
    offset += channels;
  }
  return y;
}

}  // namespace edgeflow::reference
