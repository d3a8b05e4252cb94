// Kernels: each computes an arbitrary output row range [a, b) of one layer
// from exactly the input rows that required_input_rows() gives, with the
// partial padding that falls at the slice edges:
//
//   input i rows:   [lo_i ........ hi_i)     (contiguous NHWC block)
//                          |  window
//   output rows:       [a .... b)
//
// A kernel object is made once per (layer, output slice) before any timing,
// and then only run.
#pragma once

#include <memory>
#include <vector>

#include "edgeflow/ir.h"
#include "edgeflow/tensor.h"

namespace edgeflow {

class Kernel {
 public:
  virtual ~Kernel() = default;
  // inputs[i] points at row required_input_rows(graph, node, i, out).begin of
  // input i, followed by the rest of the required rows; dst points at the
  // first of the out.size() output rows. Buffers do not alias.
  virtual void run(const std::vector<const float*>& inputs, float* dst) = 0;
};

// Makes kernels of one backend. Owns the backend's engine and stream.
class KernelFactory {
 public:
  virtual ~KernelFactory() = default;
  // A kernel for output rows `out` (non-empty, inside the output's rows).
  virtual std::unique_ptr<Kernel> make(const Graph& graph, const Node& node, RowRange out) = 0;
};

// The oneDNN backend; `threads` OpenMP threads (set once, process-wide).
std::unique_ptr<KernelFactory> make_onednn_factory(int threads);

// The naive reference: computes the whole output of `node` from whole inputs,
// straight from the ONNX definition. The oracle of tests; never optimized.
Tensor reference_forward(const Graph& graph, const Node& node,
                         const std::vector<const Tensor*>& inputs);

}  // namespace edgeflow
