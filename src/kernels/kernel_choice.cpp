#include "kernels/kernel_choice.h"

#include <chrono>
#include <limits>
#include <map>
#include <mutex>

#include "edgeflow/error.h"

namespace edgeflow::kernels {

namespace {

constexpr int kTimedRuns = 2;  // after the warm-up; each candidate

class ScratchBuffers {
 public:
  ScratchBuffers(const std::vector<size_t>& input_floats, size_t dst_floats)
      : dst_(dst_floats) {
    for (size_t n : input_floats) inputs_.emplace_back(n, 0.0f);
    for (const auto& b : inputs_) pointers_.push_back(b.data());
  }
  double seconds(Kernel& kernel) {
    const auto start = std::chrono::steady_clock::now();
    kernel.run(pointers_, dst_.data());
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  }

 private:
  std::vector<std::vector<float>> inputs_;
  std::vector<const float*> pointers_;
  std::vector<float> dst_;
};

}  // namespace

std::unique_ptr<Kernel> fastest_kernel(std::vector<std::unique_ptr<Kernel>> candidates,
                                       const std::string& key,
                                       const std::vector<size_t>& input_floats,
                                       size_t dst_floats) {
  EF_ASSERT(!candidates.empty());
  if (candidates.size() == 1) return std::move(candidates.front());
  static std::mutex mutex;
  static std::map<std::string, size_t> chosen;
  const std::lock_guard<std::mutex> lock(mutex);
  auto it = chosen.find(key);
  if (it == chosen.end()) {
    ScratchBuffers buffers(input_floats, dst_floats);
    std::vector<double> best(candidates.size(), std::numeric_limits<double>::infinity());
    for (auto& c : candidates) buffers.seconds(*c);  // warm-up: first touch, caches
    for (int run = 0; run < kTimedRuns; ++run)
      for (size_t i = 0; i < candidates.size(); ++i)
        best[i] = std::min(best[i], buffers.seconds(*candidates[i]));
    size_t fastest = 0;
    for (size_t i = 1; i < best.size(); ++i)
      if (best[i] < best[fastest]) fastest = i;
    it = chosen.emplace(key, fastest).first;
  }
  EF_ASSERT(it->second < candidates.size());
  return std::move(candidates[it->second]);
}

}  // namespace edgeflow::kernels
