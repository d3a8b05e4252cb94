// ClusterProfile queries and checks.
#include <cmath>
#include <string>

#include "edgeflow/cost.h"
#include "edgeflow/error.h"

namespace edgeflow {

double ClusterProfile::transfer_s(int src, int dst, int64_t bytes) const {
  if (src == dst || bytes <= 0) return 0.0;
  return links.at(src).at(dst).seconds(bytes);
}

void validate_profile(const Graph& graph, const ClusterProfile& profile) {
  const int n = profile.world_size;
  const std::string where = "cluster profile: ";
  if (n < 1) fail_input(where + "world size " + std::to_string(n));
  if (profile.compute.size() != graph.nodes.size())
    fail_input(where + "has costs for " + std::to_string(profile.compute.size()) +
               " layers, the model has " + std::to_string(graph.nodes.size()));
  for (size_t l = 0; l < graph.nodes.size(); ++l) {
    if (static_cast<int>(profile.compute[l].size()) != n)
      fail_input(where + "layer '" + graph.nodes[l].name + "' has costs for " +
                 std::to_string(profile.compute[l].size()) + " ranks, expected " +
                 std::to_string(n));
    for (int r = 0; r < n; ++r) {
      const ComputeCost& c = profile.compute[l][r];
      if (!(std::isfinite(c.alpha_s) && std::isfinite(c.beta_s) && c.alpha_s >= 0 && c.beta_s >= 0))
        fail_input(where + "layer '" + graph.nodes[l].name + "', rank " + std::to_string(r) +
                   ": compute cost is not finite and non-negative");
      const int64_t height = graph.shape_of(graph.nodes[l].output).height();
      for (const RowSample& s : c.samples())
        if (!(s.rows.begin >= 0 && s.rows.end <= height && s.rows.begin < s.rows.end &&
              std::isfinite(s.seconds) && s.seconds >= 0))
          fail_input(where + "layer '" + graph.nodes[l].name + "', rank " + std::to_string(r) +
                     ": a sample of rows [" + std::to_string(s.rows.begin) + ", " +
                     std::to_string(s.rows.end) + ") outside its " + std::to_string(height) +
                     " rows, or of a bad time");
    }
  }
  if (static_cast<int>(profile.links.size()) != n)
    fail_input(where + "has links from " + std::to_string(profile.links.size()) +
               " ranks, expected " + std::to_string(n));
  for (int s = 0; s < n; ++s) {
    if (static_cast<int>(profile.links[s].size()) != n)
      fail_input(where + "rank " + std::to_string(s) + " has " +
                 std::to_string(profile.links[s].size()) + " links, expected " + std::to_string(n));
    for (int d = 0; d < n; ++d) {
      if (s == d) continue;
      const LinkCost& l = profile.links[s][d];
      if (!(std::isfinite(l.latency_s) && l.latency_s >= 0 && l.bytes_per_s > 0))
        fail_input(where + "link " + std::to_string(s) + " -> " + std::to_string(d) +
                   ": latency must be finite and non-negative, bandwidth positive");
    }
  }
  if (!profile.message_cpu_s.empty() && static_cast<int>(profile.message_cpu_s.size()) != n)
    fail_input(where + "message costs for " + std::to_string(profile.message_cpu_s.size()) +
               " ranks, expected " + std::to_string(n));
  for (double o : profile.message_cpu_s)
    if (!(std::isfinite(o) && o >= 0))
      fail_input(where + "a message cost is not finite and non-negative");
  if (!profile.usable.empty() && static_cast<int>(profile.usable.size()) != n)
    fail_input(where + "usable flags for " + std::to_string(profile.usable.size()) +
               " ranks, expected " + std::to_string(n));
  bool any = false;
  for (int r = 0; r < n; ++r) any |= profile.is_usable(r);
  if (!any) fail_input(where + "no rank is usable");
}

}  // namespace edgeflow
