// Reference standalone BatchNorm folded to y = activation(x * scale[c] + shift[c]);
// channel c is dim 1 (the last of NHWC storage, the second of a [1, C] vector);
// x is the reference Concat of the inputs when a Concat was fused in.
#include "kernels/reference/reference_ops.h"

namespace edgeflow::reference {

Tensor batch_norm(const Graph& graph, const Node& node, const Inputs& inputs) {
  const BatchNormAttrs& a = std::get<BatchNormAttrs>(node.attrs);
  const Tensor joined = inputs.size() == 1 ? *inputs.at(0) : concat(graph, node, inputs);
  Tensor y(graph.shape_of(node.output));
  const int64_t channels = y.shape().dims.at(1);
  for (size_t i = 0; i < y.size(); ++i) {
    const int64_t c = static_cast<int64_t>(i) % channels;
    const double v = double(joined.data()[i]) * a.scale.at(c) + a.shift.at(c);
    y.data()[i] = activate(static_cast<float>(v), a.activation);
  }
  return y;
}

}  // namespace edgeflow::reference
