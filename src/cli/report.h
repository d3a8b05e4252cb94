// What the user sees of a run: a line per input on rank 0's stdout, JSON
// Lines records (in input order, each flushed as written), saved outputs,
// accuracy against the ground truth, and the closing summary. With --resume
// the records of the previous run are kept and counted in the summary.
#pragma once

#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "cli/batch_resume.h"
#include "cli/batch_truth.h"
#include "cli/options.h"
#include "edgeflow/io.h"
#include "edgeflow/runtime.h"

namespace edgeflow {

// One layer's kernel time over all ranks' units, this run.
struct LayerTime {
  std::string name;
  std::string op;
  double busy_s = 0;
};

struct RunSummary {
  int world_size = 1;
  std::vector<std::string> hosts;                               // per rank
  int threads = 1;                                              // kernel threads per rank (rank 0's)
  double wall_s = 0;                                            // this run's inference phase
  int64_t requests_run = 0;                                     // requests this run completed
  std::vector<std::vector<int64_t>> bytes_sent;                 // [src][dst], this run's requests
  std::vector<std::vector<int64_t>> planned_bytes_per_request;  // [src][dst], from the plan
  std::vector<double> peak_rss_mb;                              // per rank
  std::vector<double> busy_s;                                   // per rank: kernel time, this run
  std::vector<LayerTime> layers;                                // per node, in model order
  double starved_s = 0;                                         // rank 0 waited for inputs to load
  double verify_error = -1;                                     // < 0: not verified
  double predicted_ms = -1;                                     // < 0: no measured profile
  // With a measured profile: no plan's compute is faster than
  // compute_floor_ms (edgeflow/latency_floor.h); this plan's busiest link is
  // busy link_floor_ms per request.
  double compute_floor_ms = -1;
  double link_floor_ms = -1;
  std::string stopped_by;                                       // a signal's name if interrupted
};

// The largest relative error of an output against the one stored beside an
// ONNX test data set's input (the ONNX test runners' rtol is 1e-3).
constexpr double kStoredOutputBound = 1e-4;

class Reporter {
 public:
  // Opens --json (with --resume: keeps the previous records, see
  // batch_resume.h), reads --labels and the ground truth for `inputs`.
  // `bytes_per_request`: what the plan moves between ranks per request.
  Reporter(const Options& options, std::vector<std::string> inputs, int64_t bytes_per_request);
  ~Reporter();

  // Requests already recorded by the run being resumed: [input * repeat + r].
  const std::vector<char>& done_before() const { return done_before_; }
  int64_t records_before() const { return int64_t(past_.records.size()); }

  // Warns (stderr) when --labels has another count of lines than the
  // model's first output has values (classes).
  void check_label_count(int64_t classes) const;

  // What the plan moves between ranks per request, once it is known.
  void set_bytes_per_request(int64_t bytes) { bytes_per_request_ = bytes; }

  // A finished request of input `index`, repeat `repeat`.
  void request_done(size_t index, int repeat, const RequestResult& result);
  // An input that could not be loaded (one record for all its repeats).
  void request_failed(size_t index, const std::string& message);
  // The closing summary (stdout and the final JSON record).
  void finish(const RunSummary& summary);

  int64_t errors() const { return errors_ + past_errors_; }  // failed inputs, all runs
  int64_t errors_this_run() const { return errors_; }
  int64_t ok_this_run() const { return ok_; }
  int64_t ok_total() const { return ok_ + past_ok_; }  // requests that ran, all runs
  const std::string& first_error() const { return first_error_; }
  // Outputs compared with those stored beside ONNX test data inputs
  // (output_0.pb), and the largest relative error (-1: none compared).
  int64_t stored_outputs_compared() const { return stored_compared_; }
  double stored_output_error() const { return stored_worst_; }

 private:
  struct FileCloser {
    void operator()(std::FILE* f) const { std::fclose(f); }
  };
  void write_json(const JsonObject& record);
  std::string output_file_for(const std::string& input) const;
  // The error of `out` against the output stored for input `path` (< 0:
  // none stored); a stored output that cannot be read or has another size
  // counts as infinitely wrong, its reason in *problem.
  double stored_output_error(const std::string& path, const Tensor& out, std::string* problem);

  const Options& options_;
  std::vector<std::string> inputs_;
  std::string input_root_;  // the --input directory or list folder ("" otherwise)
  int64_t bytes_per_request_ = 0;
  std::vector<std::string> labels_;
  std::vector<int> truth_;  // per input; -1 unknown (empty: no ground truth)
  std::unique_ptr<std::FILE, FileCloser> json_;
  PastRun past_;
  std::vector<char> done_before_;

  // Tallies: this run, and the previous run's records (--resume).
  int64_t ok_ = 0, errors_ = 0;
  int64_t past_ok_ = 0, past_errors_ = 0;
  std::vector<double> latencies_ms_;  // every run
  Accuracy accuracy_;                 // every run, first repeat of each input
  std::string first_error_;
  int64_t stored_compared_ = 0;
  double stored_worst_ = -1;
};

// Median and p-th percentile (nearest rank) of a sample.
double percentile(std::vector<double> values, double p);

}  // namespace edgeflow
