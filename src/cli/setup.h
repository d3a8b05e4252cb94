// The set-up phase across ranks: rank 0 scatters each rank its plan (or the
// news that set-up failed), every rank builds its kernels and reports, and
// rank 0 decides for all whether the job goes on.
#pragma once

#include <string>

#include "edgeflow/error.h"
#include "edgeflow/transport.h"
#include "plan.pb.h"

namespace edgeflow {

// Thrown on a worker when the job must end with `code` and rank 0 has
// already told the user why.
struct QuietExit {
  ExitCode code;
};

// Rank 0: sends every worker its plan.
void scatter_plans(Transport& transport, const std::vector<planpb::RankPlan>& plans);
// Rank 0: tells every worker that set-up failed with `code`.
void scatter_failure(Transport& transport, ExitCode code);
// Worker: receives its plan; throws QuietExit if rank 0 failed.
planpb::RankPlan receive_plan(Transport& transport, double timeout_s);

// Every rank: reports its own set-up error ("" if none). Rank 0 throws the
// first error (naming the rank); workers throw QuietExit when any failed.
void confirm_ready(Transport& transport, const std::string& own_error, ExitCode own_code);

}  // namespace edgeflow
