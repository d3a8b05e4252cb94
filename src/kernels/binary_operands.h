// The operands of an elementwise binary op on a row slice, as the kernels
// see them: dims padded to the output's rank with the slice's rows (or the
// single row of an operand broadcast along H), and where the data comes from
// (a node input, or the rows of a constant copied at set-up).
//
//   output rows [a, b)      operand with H = H_out: rows [a, b) of it
//                           operand with H = 1:     its one row, every slice
#pragma once

#include <vector>

#include "edgeflow/ir.h"

namespace edgeflow::kernels {

struct BinaryOperand {
  Dims dims;                    // rank of the output; H is the slice's rows or 1
  int input_index = -1;         // the node input it is, or -1 for the constant
  std::vector<float> constant;  // the constant's rows, when input_index < 0
};

// Operands 0 and 1 of `node` (a kBinary) for output rows `out`.
std::vector<BinaryOperand> binary_operands(const Graph& graph, const Node& node, RowRange out);

}  // namespace edgeflow::kernels
