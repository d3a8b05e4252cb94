// A batch job on rank 0: every input (times --repeat) through the cluster,
// pipelined. A loader thread decodes ahead (batch_feeder.h), up to
// --inflight requests are in the cluster at once, results come back in any
// order and are written in input order (batch_order.h), with progress on
// stderr (batch_progress.h). A stop signal ends the feeding gracefully
// (batch_signals.h); inputs recorded by a resumed run are skipped.
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <vector>

#include "cli/options.h"
#include "cli/report.h"
#include "edgeflow/runtime.h"

namespace edgeflow {

struct BatchOutcome {
  int64_t requests_run = 0;                        // requests completed by the cluster
  double starved_s = 0;                            // time the feed waited for the loader
  std::string stopped_by;                          // the signal that cut the job short, if one did
  std::string fail_fast_error;                     // --fail-fast: the input that stopped the job
  std::vector<std::vector<Tensor>> first_outputs;  // --verify: per input, its outputs
};

// Loads input `index` of the job (called on the loader thread).
using InputLoader = std::function<Tensor(size_t index)>;

// Runs the job's `input_count` inputs through `executor`, reporting each to
// `reporter`. A single input that cannot be loaded throws its Error; in a
// batch, it is recorded and counted (and with --fail-fast ends the feeding).
BatchOutcome run_batch(Executor& executor, size_t input_count, const InputLoader& load,
                       const Options& options, Reporter& reporter);

}  // namespace edgeflow
