// The kernel table: each op's oneDNN kernel maker and its naive reference, one
// line per op in kernel_table.cpp (src/kernels only). The factory and
// reference_forward() dispatch through it; a test fails when an OpKind has
// no line.
#pragma once

#include "kernels/onednn_kernels.h"
#include "kernels/reference/reference_ops.h"

namespace edgeflow::kernels {

using KernelMaker = KernelPtr (*)(const OnednnContext& ctx, const Graph& graph, const Node& node,
                                  RowRange out);
using ReferenceFn = Tensor (*)(const Graph& graph, const Node& node,
                               const reference::Inputs& inputs);

struct OpKernels {
  OpKind kind;
  KernelMaker make;
  ReferenceFn reference;
};

// The kernels of `op`.
const OpKernels& op_kernels(OpKind op);

}  // namespace edgeflow::kernels
