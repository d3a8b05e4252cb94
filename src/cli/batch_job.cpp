// The feed and done callbacks of Executor::run_root for a batch job.
//
//   loader thread -> feed(): request id = sequence number in input order
//   done(): -> reorder buffer -> records in order -> progress
#include "cli/batch_job.h"

#include <cstdio>
#include <optional>
#include <unordered_map>

#include "cli/batch_feeder.h"
#include "cli/batch_order.h"
#include "cli/batch_progress.h"
#include "cli/batch_signals.h"
#include "edgeflow/transport.h"

namespace edgeflow {
namespace {

// One entry of the job, in input order: a finished request or a failed input.
struct Finished {
  size_t index = 0;
  int repeat = 0;
  int64_t requests = 1;  // requests it stands for (a failed input: all its repeats)
  std::string error;
  RequestResult result;
};

}  // namespace

BatchOutcome run_batch(Executor& executor, size_t input_count, const InputLoader& load,
                       const Options& options, Reporter& reporter) {
  const int repeat = options.repeat;
  const std::vector<char>& done_before = reporter.done_before();
  const bool single_input = input_count == 1;

  // What this run must do: the inputs with a request not yet recorded.
  const auto pending = [&](size_t i) {
    int64_t n = 0;
    for (int r = 0; r < repeat; ++r) n += done_before[i * repeat + r] ? 0 : 1;
    return n;
  };
  std::vector<size_t> to_load;
  int64_t total = 0;
  for (size_t i = 0; i < input_count; ++i) {
    if (pending(i) > 0) to_load.push_back(i);
    total += pending(i);
  }

  BatchOutcome outcome;
  if (options.verify) outcome.first_outputs.assign(input_count, {});
  const bool show = !options.quiet && total > 1;
  ProgressMode mode = ProgressMode::kNone;
  if (show) parse_progress_mode(options.progress, &mode);
  Progress progress(show ? mode : ProgressMode::kNone, total, repeat > 1 ? "requests" : "images");

  ReorderBuffer<Finished> order;
  std::unordered_map<int64_t, std::pair<size_t, int>> fed;  // request id -> (input, repeat)
  int64_t next_seq = 0, finished = 0;
  bool stop = false;

  const auto write_ready = [&] {
    for (auto& [seq, f] : order.pop_ready()) {
      progress.clear();
      if (f.error.empty()) {
        reporter.request_done(f.index, f.repeat, f.result);
        if (options.verify && f.repeat == 0) outcome.first_outputs[f.index] = f.result.outputs;
      } else {
        reporter.request_failed(f.index, f.error);
      }
      if (progress.bar()) std::fflush(stdout);
      finished += f.requests;
    }
    progress.update(finished, reporter.errors_this_run());
  };
  const auto stopping = [&] { return stop || stop_requested(); };

  std::optional<GracefulInterrupt> interrupt;  // a singleton run: Ctrl-C stops gracefully
  if (!launched_by_mpirun()) interrupt.emplace();
  InputFeeder feeder(to_load, load, size_t(options.inflight) + 2);
  LoadedInput current;
  int next_repeat = repeat;  // of `current`; == repeat: take the next input
  const auto feed = [&](int64_t* id, Tensor* input) {
    for (;;) {
      while (next_repeat < repeat && done_before[current.index * repeat + next_repeat])
        ++next_repeat;
      if (next_repeat < repeat) {
        *id = next_seq++;
        fed[*id] = {current.index, next_repeat};
        *input = ++next_repeat == repeat ? std::move(current.tensor) : current.tensor;
        return true;
      }
      if (stopping() || !feeder.next(&current, stopping)) return false;
      next_repeat = 0;
      if (current.error.empty()) continue;
      if (single_input) throw Error(current.code, current.error);
      Finished f;
      f.index = current.index;
      f.error = current.error;
      f.requests = pending(current.index);
      order.put(next_seq++, std::move(f));
      write_ready();
      next_repeat = repeat;
      if (options.fail_fast) {
        outcome.fail_fast_error = current.error;
        stop = true;
        return false;
      }
    }
  };
  const auto done = [&](RequestResult&& r) {
    const auto it = fed.find(r.request);
    EF_ASSERT(it != fed.end());
    Finished f;
    f.index = it->second.first;
    f.repeat = it->second.second;
    fed.erase(it);
    const int64_t seq = r.request;
    f.result = std::move(r);
    order.put(seq, std::move(f));
    ++outcome.requests_run;
    write_ready();
  };
  executor.run_root(feed, done, stopping);
  EF_ASSERT(order.waiting() == 0);
  outcome.starved_s = feeder.starved_s();
  if (stop_requested() && finished < total) outcome.stopped_by = stop_signal_name();
  progress.finish();
  return outcome;
}

}  // namespace edgeflow
