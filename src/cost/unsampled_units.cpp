// unsampled_units (edgeflow/cost.h): the units a plan will run whose height
// the profile has not measured, for profile_slices to time.
#include <algorithm>

#include "edgeflow/cost.h"
#include "edgeflow/schedule.h"

namespace edgeflow {
namespace {

bool sampled_everywhere(const ClusterProfile& profile, int node, RowRange rows) {
  for (int r = 0; r < profile.world_size; ++r)
    if (profile.is_usable(r) && !profile.compute[node][r].has_sample(rows)) return false;
  return true;
}

}  // namespace

SliceRequest unsampled_units(const Graph& graph, const Partition& partition,
                             const ClusterProfile& profile, int per_layer) {
  const FlowTable flows(graph, partition);
  SliceRequest request(graph.nodes.size());
  std::vector<ScheduledUnit> units;
  for (int r = 0; r < profile.world_size; ++r) append_rank_units(flows, r, &units);
  for (const ScheduledUnit& unit : units) {
    std::vector<RowRange>& slices = request[unit.node];
    if (static_cast<int>(slices.size()) >= per_layer || unit.rows.size() <= 0 ||
        std::find(slices.begin(), slices.end(), unit.rows) != slices.end() ||
        sampled_everywhere(profile, unit.node, unit.rows))
      continue;
    slices.push_back(unit.rows);
  }
  return request;
}

}  // namespace edgeflow
