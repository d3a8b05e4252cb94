// reference_forward(): dispatches a node to its naive reference kernel.
#include "edgeflow/error.h"
#include "edgeflow/kernels.h"
#include "kernels/reference/reference_ops.h"

namespace edgeflow {

Tensor reference_forward(const Graph& graph, const Node& node,
                         const std::vector<const Tensor*>& inputs) {
  EF_ASSERT(inputs.size() == node.inputs.size());
  for (size_t i = 0; i < inputs.size(); ++i) {
    EF_ASSERT(inputs[i]->shape() == graph.shape_of(node.inputs[i]) && !inputs[i]->is_slice());
  }
  switch (node.op) {
    case OpKind::kConv: return reference::conv(graph, node, inputs);
    case OpKind::kPool: return reference::pool(graph, node, inputs);
    case OpKind::kGlobalAveragePool: return reference::global_average_pool(graph, node, inputs);
    case OpKind::kAdd: return reference::add(graph, node, inputs);
    case OpKind::kConcat: return reference::concat(graph, node, inputs);
    case OpKind::kActivation: return reference::activation(graph, node, inputs);
    case OpKind::kBatchNorm: return reference::batch_norm(graph, node, inputs);
    case OpKind::kPad: return reference::pad(graph, node, inputs);
    case OpKind::kFlatten: return reference::flatten(graph, node, inputs);
    case OpKind::kGemm: return reference::gemm(graph, node, inputs);
    case OpKind::kConvTranspose: return reference::conv_transpose(graph, node, inputs);
    case OpKind::kResize: return reference::resize(graph, node, inputs);
    case OpKind::kBinary: return reference::binary(graph, node, inputs);
    case OpKind::kSoftmax: return reference::softmax(graph, node, inputs);
    case OpKind::kReduce: return reference::reduce(graph, node, inputs);
    case OpKind::kMatMul: return reference::matmul(graph, node, inputs);
    case OpKind::kTranspose: return reference::transpose(graph, node, inputs);
    case OpKind::kReshape: return reference::reshape(graph, node, inputs);
    case OpKind::kChannelPermute: return reference::channel_permute(graph, node, inputs);
  }
  EF_ASSERT(false && "unknown op");
  return Tensor();
}

}  // namespace edgeflow
