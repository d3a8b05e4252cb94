#include "kernels/kernel_timing.h"

#include <algorithm>
#include <chrono>
#include <limits>

namespace edgeflow::kernels {

double fastest_run_seconds(Kernel& kernel, const std::vector<size_t>& input_floats,
                           size_t dst_floats, int runs) {
  std::vector<std::vector<float>> buffers;
  std::vector<const float*> inputs;
  for (size_t n : input_floats) buffers.emplace_back(n, 0.0f);
  for (const auto& b : buffers) inputs.push_back(b.data());
  std::vector<float> dst(dst_floats);
  kernel.run(inputs, dst.data());  // warm-up: first-touch, caches
  double fastest = std::numeric_limits<double>::infinity();
  for (int i = 0; i < runs; ++i) {
    const auto start = std::chrono::steady_clock::now();
    kernel.run(inputs, dst.data());
    fastest = std::min(
        fastest, std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  }
  return fastest;
}

}  // namespace edgeflow::kernels
