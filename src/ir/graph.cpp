// Graph queries: op names, consumers, weight sizes.
#include <cstdio>
#include <cstdlib>

#include "edgeflow/error.h"
#include "edgeflow/ir.h"

namespace edgeflow {

void assertion_failed(const char* expr, const char* file, int line) {
  std::fprintf(stderr, "edgeflow: internal error: %s:%d: assertion '%s' failed\n", file, line,
               expr);
  std::fflush(stderr);
  std::abort();
}

const char* op_name(OpKind op) {
  switch (op) {
    case OpKind::kConv: return "Conv";
    case OpKind::kPool: return "Pool";
    case OpKind::kGlobalAveragePool: return "GlobalAveragePool";
    case OpKind::kAdd: return "Add";
    case OpKind::kConcat: return "Concat";
    case OpKind::kActivation: return "Activation";
    case OpKind::kBatchNorm: return "BatchNormalization";
    case OpKind::kPad: return "Pad";
    case OpKind::kFlatten: return "Flatten";
    case OpKind::kGemm: return "Gemm";
  }
  return "?";
}

std::vector<int> Graph::consumers(ValueId v) const {
  std::vector<int> out;
  for (size_t i = 0; i < nodes.size(); ++i)
    for (ValueId in : nodes[i].inputs)
      if (in == v) {
        out.push_back(static_cast<int>(i));
        break;
      }
  return out;
}

int64_t Graph::weight_bytes() const {
  int64_t bytes = 0;
  for (const Node& n : nodes) {
    if (auto* c = std::get_if<ConvAttrs>(&n.attrs))
      bytes += 4 * (c->weight.size() + c->bias.size());
    else if (auto* g = std::get_if<GemmAttrs>(&n.attrs))
      bytes += 4 * (g->weight.size() + g->bias.size());
    else if (auto* b = std::get_if<BatchNormAttrs>(&n.attrs))
      bytes += 4 * (b->scale.size() + b->shift.size());
  }
  return bytes;
}

}  // namespace edgeflow
