// Reference Add (ONNX, same shapes): y = activation(a + b), element by element.
#include "edgeflow/error.h"
#include "kernels/reference/reference_ops.h"

namespace edgeflow::reference {

Tensor add(const Graph& graph, const Node& node, const Inputs& inputs) {
  const AddAttrs& a = std::get<AddAttrs>(node.attrs);
  Tensor y(graph.shape_of(node.output));
  EF_ASSERT(inputs.at(0)->size() == y.size() && inputs.at(1)->size() == y.size());
  for (size_t i = 0; i < y.size(); ++i)
    y.data()[i] = activate(inputs[0]->data()[i] + inputs[1]->data()[i], a.activation);
  return y;
}

}  // namespace edgeflow::reference
