// FLOP counts of layers, for synthetic profiles (multiply-add = 2).
#include <algorithm>

#include "edgeflow/cost.h"

namespace edgeflow {

double layer_flops(const Graph& graph, const Node& node) {
  const Shape& out = graph.shape_of(node.output);
  const double out_elements = static_cast<double>(out.elements());
  switch (node.op) {
    case OpKind::kConv: {
      const auto& a = std::get<ConvAttrs>(node.attrs);
      const Shape& in = graph.shape_of(node.inputs.at(0));
      const double per_output =
          static_cast<double>(in.channels() / a.group) * a.window.kernel_h * a.window.kernel_w;
      return 2.0 * out_elements * per_output + (a.residual ? out_elements : 0.0);
    }
    case OpKind::kPool: {
      const auto& a = std::get<PoolAttrs>(node.attrs);
      return out_elements * static_cast<double>(a.window.kernel_h * a.window.kernel_w);
    }
    case OpKind::kGlobalAveragePool:
      return static_cast<double>(graph.shape_of(node.inputs.at(0)).elements());
    case OpKind::kGemm: {
      const auto& a = std::get<GemmAttrs>(node.attrs);
      return 2.0 * static_cast<double>(a.weight.size());
    }
    case OpKind::kAdd: return out_elements * static_cast<double>(node.inputs.size() - 1);
    case OpKind::kConvTranspose: {
      const auto& a = std::get<ConvTransposeAttrs>(node.attrs);
      const double in_elements = static_cast<double>(graph.shape_of(node.inputs.at(0)).elements());
      return 2.0 * in_elements * static_cast<double>(a.weight.size()) /
             static_cast<double>(a.weight.shape().dims.at(0));
    }
    case OpKind::kMatMul: {
      const Shape& in = graph.shape_of(node.inputs.at(0));
      const auto& m = std::get<MatMulAttrs>(node.attrs);
      const int64_t k = m.constant_index == 0 ? m.constant.shape().dims.back() : in.dims.back();
      return 2.0 * out_elements * static_cast<double>(k);
    }
    case OpKind::kResize:
    case OpKind::kSoftmax: return 4.0 * out_elements;
    case OpKind::kReduce: return static_cast<double>(graph.shape_of(node.inputs.at(0)).elements());
    default:  // Concat, Activation, BatchNorm, Pad, Flatten, Binary, layout ops: one per element
      return out_elements;
  }
}

}  // namespace edgeflow
