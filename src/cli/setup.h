// The set-up phase across ranks (docs/architecture.md, docs/cost-model.md):
//   1. rank 0 imports the model and broadcasts it (every rank needs every
//      layer to profile it; ranks on other hosts have no model file);
//   2. every rank is profiled, unless a cached profile fits;
//   3. rank 0 partitions the model and scatters each rank its plan;
//   4. every rank builds its kernels and confirms before the first request.
// A failure on any rank ends every rank with the same exit status, reported
// once by rank 0.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "cli/options.h"
#include "edgeflow/cost.h"
#include "edgeflow/error.h"
#include "edgeflow/ir.h"
#include "edgeflow/kernels.h"
#include "edgeflow/partition.h"
#include "edgeflow/profiler.h"
#include "edgeflow/transport.h"
#include "plan.pb.h"

namespace edgeflow {

// Thrown on a worker when the job must end with `code` and rank 0 has
// already told the user why (or, with kOk, that the job is complete).
struct QuietExit {
  ExitCode code;
};

// What a rank holds after steps 1-3.
struct Session {
  Graph graph;                          // the whole model, on every rank
  planpb::RankPlan plan;                // this rank's units and transfers
  // Rank 0 only:
  std::vector<planpb::RankPlan> plans;  // every rank's plan
  std::vector<std::string> inputs;      // expanded --input (empty: synthetic)
  std::vector<std::string> hosts;       // each rank's host name
  Partition partition;
  ClusterProfile profile;               // measured, cached or synthetic
  bool measured = false;                // profile measured or cached (not synthetic)
  ProfileReport profile_report;
};

// Rank 0's checks of the user's other files (inputs, labels, --json), run
// right after the model is imported: a bad file fails the job before minutes
// of profiling, with the same one error line on every path.
using RootFileCheck = std::function<void(const Session&)>;

// Steps 1-3 on every rank; `stop_after_plan` ends the job after step 3
// (rank 0 returns, workers throw QuietExit{kOk}).
Session set_up(const Options& options, Transport* transport, KernelFactory& kernels, int threads,
               bool stop_after_plan, const RootFileCheck& check_files = {});

// Step 4: every rank reports its own error ("" if none). Rank 0 throws the
// first error (naming the rank); workers throw QuietExit when any failed.
void confirm_ready(Transport& transport, const std::string& own_error, ExitCode own_code);

}  // namespace edgeflow
