// Choosing among kernels that compute the same slice (oneDNN's
// implementations of one conv, Winograd or direct) by timing them when the
// kernel is made (src/kernels/conv.cpp).
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "edgeflow/kernels.h"

namespace edgeflow::kernels {

// The candidate that ran fastest on zeroed inputs of `input_floats` floats
// each and a destination of `dst_floats`: one warm-up run each, then the best
// of a few. Measured once per `key` (which must name the geometry, the thread
// count and how the candidates were made) for the process; later calls with
// that key take the candidate at the same position without timing.
std::unique_ptr<Kernel> fastest_kernel(std::vector<std::unique_ptr<Kernel>> candidates,
                                       const std::string& key,
                                       const std::vector<size_t>& input_floats,
                                       size_t dst_floats);

}  // namespace edgeflow::kernels
