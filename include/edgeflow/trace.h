// --trace: every rank's compute, send and receive spans, gathered on rank 0
// and written as Chrome trace events (open in Perfetto or chrome://tracing),
// one track per rank.
#pragma once

#include <string>
#include <vector>

#include "edgeflow/runtime.h"

namespace edgeflow {

// Writes the events of every rank (index = rank) as Chrome trace JSON; times
// are shifted so that the earliest event starts at 0.
void write_chrome_trace(const std::string& path, const std::vector<std::vector<TraceEvent>>& ranks);

}  // namespace edgeflow
