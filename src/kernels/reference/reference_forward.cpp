// reference_forward(): dispatches a node to its naive reference kernel
// (kernel_table.cpp).
#include "edgeflow/error.h"
#include "edgeflow/kernels.h"
#include "kernels/kernel_table.h"

namespace edgeflow {

Tensor reference_forward(const Graph& graph, const Node& node,
                         const std::vector<const Tensor*>& inputs) {
  EF_ASSERT(inputs.size() == node.inputs.size());
  for (size_t i = 0; i < inputs.size(); ++i) {
    EF_ASSERT(inputs[i]->shape() == graph.shape_of(node.inputs[i]) && !inputs[i]->is_slice());
  }
  return kernels::op_kernels(node.op).reference(graph, node, inputs);
}

}  // namespace edgeflow
