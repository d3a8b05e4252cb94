#include "kernels/kernel_choice.h"

#include <omp.h>
#include <time.h>

#include <chrono>
#include <limits>
#include <map>
#include <mutex>

#include "edgeflow/error.h"

namespace edgeflow::kernels {

namespace {

constexpr int kTimedRuns = 3;  // after the warm-up; each candidate

// What a candidate's run costs. On one thread, the thread's CPU time: wall
// time on a host with more ranks than cores counts whatever preempted the
// rank, and two timed runs of wall time chose different kernels for one
// conv in different processes (an emulated device then ran a layer 45%
// slower in one process than in the next, and than its profile said). On
// several threads, the wall time: that is what a parallel kernel saves.
double now_s(bool cpu) {
  if (cpu) {
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return double(ts.tv_sec) + 1e-9 * double(ts.tv_nsec);
  }
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

class ScratchBuffers {
 public:
  ScratchBuffers(const std::vector<size_t>& input_floats, size_t dst_floats)
      : dst_(dst_floats) {
    for (size_t n : input_floats) inputs_.emplace_back(n, 0.0f);
    for (const auto& b : inputs_) pointers_.push_back(b.data());
  }
  double seconds(Kernel& kernel) {
    const double start = now_s(cpu_);
    kernel.run(pointers_, dst_.data());
    return now_s(cpu_) - start;
  }

 private:
  std::vector<std::vector<float>> inputs_;
  std::vector<const float*> pointers_;
  std::vector<float> dst_;
  const bool cpu_ = omp_get_max_threads() == 1;
};

}  // namespace

namespace {

std::mutex g_forced_mutex;
std::string g_forced;  // a candidate name prefix; empty: measure

}  // namespace

void force_kernel_candidate(const std::string& name_prefix) {
  const std::lock_guard<std::mutex> lock(g_forced_mutex);
  g_forced = name_prefix;
}

std::unique_ptr<Kernel> fastest_kernel(const std::vector<KernelCandidate>& candidates,
                                       const std::string& key,
                                       const std::vector<size_t>& input_floats,
                                       size_t dst_floats) {
  EF_ASSERT(!candidates.empty());
  if (candidates.size() == 1) return candidates.front().make();
  {
    const std::lock_guard<std::mutex> lock(g_forced_mutex);
    if (!g_forced.empty())
      for (const KernelCandidate& c : candidates)
        if (c.name.compare(0, g_forced.size(), g_forced) == 0) return c.make();
  }
  std::string full_key = key;
  for (const KernelCandidate& c : candidates) full_key += "|" + c.name;
  static std::mutex mutex;
  static std::map<std::string, size_t> chosen;
  const std::lock_guard<std::mutex> lock(mutex);
  if (auto it = chosen.find(full_key); it != chosen.end()) return candidates[it->second].make();

  std::vector<std::unique_ptr<Kernel>> kernels;
  for (const KernelCandidate& c : candidates) kernels.push_back(c.make());
  ScratchBuffers buffers(input_floats, dst_floats);
  std::vector<double> best(kernels.size(), std::numeric_limits<double>::infinity());
  for (auto& k : kernels) buffers.seconds(*k);  // warm-up: first touch, caches
  for (int run = 0; run < kTimedRuns; ++run)
    for (size_t i = 0; i < kernels.size(); ++i)
      best[i] = std::min(best[i], buffers.seconds(*kernels[i]));
  size_t fastest = 0;
  for (size_t i = 1; i < best.size(); ++i)
    if (best[i] < best[fastest]) fastest = i;
  chosen.emplace(full_key, fastest);
  return std::move(kernels[fastest]);
}

}  // namespace edgeflow::kernels
