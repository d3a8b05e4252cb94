// What the user sees of a run: a line per request on rank 0's stdout, JSON
// Lines records, saved outputs and the closing summary.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "cli/options.h"
#include "edgeflow/io.h"
#include "edgeflow/runtime.h"

namespace edgeflow {

struct RunSummary {
  int world_size = 1;
  int64_t inputs = 0;
  int64_t errors = 0;
  double wall_s = 0;
  std::vector<std::vector<int64_t>> bytes_sent;  // [src][dst], all requests
  std::vector<std::vector<int64_t>> planned_bytes_per_request;  // [src][dst], from the plan
  std::vector<double> peak_rss_mb;                // per rank
  double verify_error = -1;                       // < 0: not verified
  double predicted_ms = -1;                       // < 0: no measured profile
};

class Reporter {
 public:
  explicit Reporter(const Options& options, size_t input_count);

  // A finished request for input `path` (repeat index `repeat`).
  void request_done(const std::string& path, int repeat, const RequestResult& result);
  // An input that could not be loaded.
  void request_failed(const std::string& path, const std::string& message);
  // The closing summary (stdout and the final JSON record).
  void finish(const RunSummary& summary);

  int64_t errors() const { return errors_; }

 private:
  const Options& options_;
  size_t input_count_;
  std::vector<std::string> labels_;
  std::unique_ptr<JsonLinesWriter> json_;
  std::vector<double> latencies_ms_;
  int64_t errors_ = 0;
};

// Median and p-th percentile (nearest rank) of a sample.
double percentile(std::vector<double> values, double p);

}  // namespace edgeflow
