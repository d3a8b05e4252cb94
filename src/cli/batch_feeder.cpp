// The loader thread and its bounded queue. The thread blocks the stop
// signals (SIGINT, SIGTERM, SIGUSR1), so their handler runs on the main
// thread and no read of an image is cut short by one.
#include "cli/batch_feeder.h"

#include <pthread.h>
#include <signal.h>

#include <chrono>
#include <exception>

namespace edgeflow {

InputFeeder::InputFeeder(std::vector<size_t> indices, Loader load, size_t capacity)
    : indices_(std::move(indices)), load_(std::move(load)), capacity_(capacity < 1 ? 1 : capacity) {
  sigset_t block, previous;
  sigemptyset(&block);
  sigaddset(&block, SIGINT);
  sigaddset(&block, SIGTERM);
  sigaddset(&block, SIGUSR1);
  pthread_sigmask(SIG_BLOCK, &block, &previous);  // the new thread inherits the mask
  thread_ = std::thread([this] { loop(); });
  pthread_sigmask(SIG_SETMASK, &previous, nullptr);
}

InputFeeder::~InputFeeder() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  changed_.notify_all();
  thread_.join();
}

void InputFeeder::loop() {
  for (size_t k = 0; k < indices_.size(); ++k) {
    {
      std::unique_lock<std::mutex> lock(mutex_);
      changed_.wait(lock, [&] { return stopping_ || queue_.size() < capacity_; });
      if (stopping_) return;
    }
    LoadedInput in;
    in.index = indices_[k];
    try {
      in.tensor = load_(in.index);
    } catch (const Error& e) {
      in.error = e.what();
      in.code = e.code();
    } catch (const std::exception& e) {  // e.g. an OpenCV failure outside the decoder
      in.error = std::string("cannot be loaded: ") + e.what();
      in.code = ExitCode::kBadInput;
    }
    {
      std::lock_guard<std::mutex> lock(mutex_);
      queue_.push_back(std::move(in));
      loaded_ = k + 1;
    }
    changed_.notify_all();
  }
}

bool InputFeeder::next(LoadedInput* out, const std::function<bool()>& interrupted) {
  using Clock = std::chrono::steady_clock;
  std::unique_lock<std::mutex> lock(mutex_);
  const auto start = Clock::now();
  while (queue_.empty()) {
    if (loaded_ == indices_.size() || (interrupted && interrupted())) return false;
    changed_.wait_for(lock, std::chrono::milliseconds(5));
  }
  starved_s_ += std::chrono::duration<double>(Clock::now() - start).count();
  *out = std::move(queue_.front());
  queue_.pop_front();
  lock.unlock();
  changed_.notify_all();
  return true;
}

}  // namespace edgeflow
