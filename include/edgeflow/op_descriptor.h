// What the IR knows about each op, in one place: one OpDescriptor per OpKind,
// defined in src/ir/ops/<op>.cpp and listed in src/ir/op_table.cpp (in
// OpKind order; a test fails when an OpKind has no complete descriptor).
// Adding an op is its OpKind and attributes (edgeflow/ir.h), its descriptor
// here, its ONNX converter (src/onnx/), its kernel and its reference (one
// line each in src/kernels/kernel_table.cpp), and its tests (docs/README.md,
// "Adding an op").
#pragma once

#include "edgeflow/ir.h"

namespace edgeflow {

struct OpDescriptor {
  OpKind kind;
  const char* name;  // op_name()
  // The output shape from the inputs' shapes and the attributes; throws
  // Error naming the node when they do not fit the op.
  Shape (*infer_shape)(const Graph& graph, const Node& node);
  // True when every output row needs the whole input (the layer then runs
  // as one unit on one rank).
  bool (*reads_whole_input)(const Node& node);
  // The row map of input `input` (asked only when !reads_whole_input).
  RowMap (*row_map)(const Graph& graph, const Node& node, int input);
  // Floating-point operations of the whole output (multiply-add = 2; data
  // movement counts one operation per element).
  double (*flops)(const Graph& graph, const Node& node);
};

// The descriptor of `op`.
const OpDescriptor& op_descriptor(OpKind op);

// Floating-point operations of a layer's output rows [0, H) (its descriptor's).
double layer_flops(const Graph& graph, const Node& node);

}  // namespace edgeflow
