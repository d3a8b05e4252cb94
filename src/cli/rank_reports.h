// The end of a job: every rank's statistics (bytes sent per peer, peak
// memory, kernel time in all and per layer) and, with --trace, its trace
// events, gathered on rank 0 as one Protobuf message per rank.
#pragma once

#include <vector>

#include "cli/report.h"
#include "edgeflow/ir.h"
#include "edgeflow/runtime.h"
#include "edgeflow/transport.h"

namespace edgeflow {

struct RankReports {
  RunSummary summary;  // world size, bytes, memory, kernel time and layers filled in
  std::vector<std::vector<TraceEvent>> traces;  // per rank; empty without `with_trace`
};

// Collective: every rank calls it; only rank 0's result is filled in.
// `transport` may be null for a one-rank job.
RankReports gather_rank_reports(const Graph& graph, const RuntimeStats& stats,
                                Transport* transport, int world, bool with_trace);

// This process's peak resident memory so far.
double peak_rss_mb();

}  // namespace edgeflow
