// ONNX -> IR: reads an ONNX model (opsets 7 to 18) into the project's own
// Graph, with static shapes, BatchNorm folded into convolutions, activations
// fused into their producers, Identity/Dropout dropped and shape subgraphs
// folded to constants. Only src/onnx includes the ONNX headers.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "edgeflow/ir.h"
#include "edgeflow/tensor.h"

namespace edgeflow {

struct ImportOptions {
  // NxCxHxW of the image input (--input-shape): resolves dynamic dims. N must
  // be 1 and every static dim of the model must agree.
  std::optional<Dims> input_shape;
  // Bytes the constants made at import (ConstantOfShape, folded broadcasts,
  // sparse tensors made dense...) may take together; unset: a quarter of the
  // machine's memory, at most 4 GiB (docs/coverage.md).
  std::optional<int64_t> made_constants_limit;
};

// An ONNX op (default domain) the importer reads, and the opsets it reads it
// at (clipped to the supported 7 to 18).
struct SupportedOnnxOp {
  std::string op;
  int64_t first_opset;
  int64_t last_opset;
};
// Every supported op, in the order of the coverage table (docs/coverage.md).
std::vector<SupportedOnnxOp> supported_onnx_ops();

// A serialized ONNX TensorProto file (the input_0.pb and output_0.pb of ONNX
// test data sets): its values as floats in storage order, of its own dims.
// Throws Error (kBadInput) naming the file.
Tensor read_onnx_tensor(const std::string& path);

// Reads the model file at `path`. Throws Error (kBadInput) naming the file,
// node, op or attribute at fault.
Graph import_onnx(const std::string& path, const ImportOptions& options);

// The same from the serialized ModelProto `bytes`; `name_for_errors` stands
// in for the path in messages.
Graph import_onnx_bytes(const std::string& bytes, const std::string& name_for_errors,
                        const ImportOptions& options);

}  // namespace edgeflow
