// Choosing among kernels that compute the same slice (oneDNN's
// implementations of one conv, Winograd or direct) by timing them when the
// kernel is made (src/kernels/conv.cpp).
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "edgeflow/kernels.h"

namespace edgeflow::kernels {

// A kernel that could compute the slice: its name (e.g. oneDNN's
// implementation string) and how to make it. Making one can cost: a JIT
// compilation, a weight reorder.
struct KernelCandidate {
  std::string name;
  std::function<std::unique_ptr<Kernel>()> make;
};

// Makes the candidate that runs fastest on zeroed inputs of `input_floats`
// floats each and a destination of `dst_floats`. The first time a `key`
// (which must name the geometry and the thread count) comes with these
// candidate names in the process, every candidate is made and timed: one
// warm-up run each, then the best of a few. Later calls make only the one
// chosen then.
std::unique_ptr<Kernel> fastest_kernel(const std::vector<KernelCandidate>& candidates,
                                       const std::string& key,
                                       const std::vector<size_t>& input_floats,
                                       size_t dst_floats);

// Tests: from now on fastest_kernel makes, without timing, the first
// candidate whose name starts with `name_prefix` when there is one (so each
// alternative can be checked against the reference); "" measures again.
void force_kernel_candidate(const std::string& name_prefix);

}  // namespace edgeflow::kernels
