// The input side of a batch job: a thread on rank 0 that loads (decodes and
// preprocesses) the job's inputs in order into a bounded queue, so that
// reading images overlaps the requests in flight instead of stalling them.
//
//   files -> [loader thread] -> queue (<= capacity) -> next() -> executor feed
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "edgeflow/error.h"
#include "edgeflow/tensor.h"

namespace edgeflow {

// One input, loaded or not.
struct LoadedInput {
  size_t index = 0;               // position in the job's input list
  Tensor tensor;                  // valid when error is empty
  std::string error;              // why it could not be loaded
  ExitCode code = ExitCode::kOk;  // the exit status that error carries
};

class InputFeeder {
 public:
  using Loader = std::function<Tensor(size_t index)>;

  // Starts the loader thread on `indices` (in that order), at most `capacity`
  // (>= 1) inputs ahead of next().
  InputFeeder(std::vector<size_t> indices, Loader load, size_t capacity);
  // Stops the thread (an input being loaded is finished first) and joins it.
  ~InputFeeder();
  InputFeeder(const InputFeeder&) = delete;
  InputFeeder& operator=(const InputFeeder&) = delete;

  // The next input in order, waiting for it if needed; false at the end, or
  // as soon as `interrupted()` (polled every few ms while waiting) is true.
  bool next(LoadedInput* out, const std::function<bool()>& interrupted);

  // Seconds next() spent waiting for the loader (time the cluster could
  // have been fed sooner).
  double starved_s() const { return starved_s_; }

 private:
  void loop();

  std::vector<size_t> indices_;
  Loader load_;
  size_t capacity_;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<LoadedInput> queue_;
  size_t loaded_ = 0;  // indices_ loaded so far (guarded by mutex_)
  bool stopping_ = false;
  double starved_s_ = 0;
  std::thread thread_;
};

}  // namespace edgeflow
