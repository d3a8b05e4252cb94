// Timing a kernel on scratch buffers, for choosing between implementations
// of one layer when its kernel is made (src/kernels/conv.cpp).
#pragma once

#include <cstddef>
#include <vector>

#include "edgeflow/kernels.h"

namespace edgeflow::kernels {

// The fastest of `runs` runs of `kernel` (after one warm-up run) on zeroed
// inputs of `input_floats` floats each and a destination of `dst_floats`.
double fastest_run_seconds(Kernel& kernel, const std::vector<size_t>& input_floats,
                           size_t dst_floats, int runs = 3);

}  // namespace edgeflow::kernels
