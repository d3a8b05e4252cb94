// The inference phase on one rank: an event-driven loop that runs the rank's
// execution units as their input rows arrive and forwards the rows it
// computes with nonblocking sends, for up to `inflight` requests at once.
// Rank 0 also feeds the requests and collects their outputs.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "edgeflow/error.h"
#include "edgeflow/ir.h"
#include "edgeflow/kernels.h"
#include "edgeflow/tensor.h"
#include "edgeflow/transport.h"
#include "plan.pb.h"

namespace edgeflow {

struct RuntimeOptions {
  int inflight = 1;         // requests in the cluster at once
  double timeout_s = 60.0;  // bound on any wait without progress
  bool trace = false;       // record compute/send/receive spans
};

// One span of a rank's timeline, for --trace.
struct TraceEvent {
  std::string name;      // unit or transfer
  std::string category;  // compute | send | recv
  int64_t request = 0;
  double start_us = 0;   // since the executor started
  double duration_us = 0;
  int unit = -1;         // compute: the unit's index in the rank's plan order
};

// What rank 0 gets back for each request.
struct RequestResult {
  int64_t request = 0;           // the id the feed gave it
  std::vector<Tensor> outputs;   // the graph outputs, whole
  double latency_ms = 0;         // from feeding to collecting
};

struct RuntimeStats {
  std::vector<int64_t> bytes_sent;  // per destination rank, all requests
  int64_t requests = 0;
  double busy_s = 0;                // time in this rank's kernels, all requests
  std::vector<double> node_busy_s;  // per graph node: its units' kernel time, all requests
  std::vector<TraceEvent> trace;
};

// A wait without progress for longer than the timeout; names the rank
// awaited (-1 if none). Exit status 2.
class StallError : public Error {
 public:
  StallError(const std::string& message, int awaited)
      : Error(ExitCode::kRuntime, message), awaited_rank(awaited) {}
  int awaited_rank;
  int reporter = -1;  // the rank that stalled, once decoded on rank 0
};

// A worker's failure, sent to rank 0 (which reports it and ends the job);
// given up after `timeout_s` if rank 0 does not take it.
void report_failure_to_root(Transport& transport, const Error& error, double timeout_s);
// `message` as rank `rank` says it: "rank N: " first, unless it starts with a
// rank already.
std::string attributed_to_rank(int rank, const std::string& message);
// Rank 0's view of such a report (any failure, carried as a StallError).
StallError decode_failure(const std::string& bytes);

class Executor {
 public:
  // `transport` may be null for a one-rank plan. Kernels for every unit are
  // made here, before any request.
  Executor(const planpb::RankPlan& plan, Graph graph, KernelFactory& kernels,
           Transport* transport, RuntimeOptions options);
  ~Executor();

  // Rank 0: feeds requests while `next` yields (id, input) and calls `done`
  // for each finished request, in completion order. `should_stop` is polled:
  // once it is true, no new request is fed. Then tells the workers to stop.
  using Feed = std::function<bool(int64_t* id, Tensor* input)>;
  using Done = std::function<void(RequestResult&&)>;
  void run_root(const Feed& next, const Done& done, const std::function<bool()>& should_stop);

  // Every other rank: serves requests until rank 0 says stop.
  void run_worker();

  const RuntimeStats& stats() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Runs `graph` whole on this process (no transport): the single-rank engine.
std::vector<Tensor> run_single(const Graph& graph, KernelFactory& kernels, const Tensor& input);

}  // namespace edgeflow
