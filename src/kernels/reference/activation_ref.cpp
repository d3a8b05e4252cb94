// Reference standalone activation (ONNX Relu, Clip), element by element.
#include "kernels/reference/reference_ops.h"

namespace edgeflow::reference {

Tensor activation(const Graph& graph, const Node& node, const Inputs& inputs) {
  const ActivationAttrs& a = std::get<ActivationAttrs>(node.attrs);
  Tensor y(graph.shape_of(node.output));
  for (size_t i = 0; i < y.size(); ++i)
    y.data()[i] = activate(inputs.at(0)->data()[i], a.activation);
  return y;
}

}  // namespace edgeflow::reference
