// ONNX -> IR: reads an ONNX model (opsets 9 to 17) into the project's own
// Graph, with static shapes, BatchNorm folded into convolutions, activations
// fused into their producers, Identity/Dropout dropped and shape subgraphs
// folded to constants. Only src/onnx includes the ONNX headers.
#pragma once

#include <optional>
#include <string>

#include "edgeflow/ir.h"
#include "edgeflow/tensor.h"

namespace edgeflow {

struct ImportOptions {
  // NxCxHxW of the image input (--input-shape): resolves dynamic dims. N must
  // be 1 and every static dim of the model must agree.
  std::optional<Dims> input_shape;
};

// Reads the model file at `path`. Throws Error (kBadInput) naming the file,
// node, op or attribute at fault.
Graph import_onnx(const std::string& path, const ImportOptions& options);

// The same from the serialized ModelProto `bytes`; `name_for_errors` stands
// in for the path in messages.
Graph import_onnx_bytes(const std::string& bytes, const std::string& name_for_errors,
                        const ImportOptions& options);

}  // namespace edgeflow
