// Synthetic cluster profiles: compute in proportion to FLOPs, links through
// one switch. For tests, planning benchmarks and runs without measurements.
#include <algorithm>

#include "edgeflow/cost.h"
#include "edgeflow/error.h"

namespace edgeflow {

ClusterProfile synthetic_profile(const Graph& graph, const std::vector<DeviceSpec>& devices,
                                 double beta_s) {
  EF_ASSERT(!devices.empty());
  const int n = static_cast<int>(devices.size());
  ClusterProfile p;
  p.world_size = n;
  p.compute.assign(graph.nodes.size(), std::vector<ComputeCost>(n));
  for (size_t l = 0; l < graph.nodes.size(); ++l) {
    const Node& node = graph.nodes[l];
    const double rows =
        static_cast<double>(std::max<int64_t>(1, graph.shape_of(node.output).height()));
    const double flops = layer_flops(graph, node);
    for (int r = 0; r < n; ++r)
      p.compute[l][r] = ComputeCost{flops / rows / devices[r].flops_per_s, beta_s};
  }
  p.links.assign(n, std::vector<LinkCost>(n));
  for (int s = 0; s < n; ++s)
    for (int d = 0; d < n; ++d) {
      if (s == d) continue;
      const double bits =
          std::min(devices[s].bandwidth_bits_per_s, devices[d].bandwidth_bits_per_s);
      p.links[s][d] = LinkCost{devices[s].latency_s + devices[d].latency_s, bits / 8.0};
    }
  p.usable.resize(n);
  for (int r = 0; r < n; ++r) p.usable[r] = devices[r].usable;
  return p;
}

ClusterProfile synthetic_profile(const Graph& graph, const std::vector<double>& flops_per_s,
                                 double bandwidth_bits_per_s, double latency_s, double beta_s) {
  std::vector<DeviceSpec> devices;
  for (double f : flops_per_s)
    devices.push_back(DeviceSpec{f, bandwidth_bits_per_s, latency_s / 2, true});
  return synthetic_profile(graph, devices, beta_s);
}

std::vector<std::string> synthetic_cluster_names() { return {"homogeneous", "mixed", "slow"}; }

std::vector<DeviceSpec> synthetic_cluster(const std::string& name, int world_size) {
  EF_ASSERT(world_size >= 1);
  const DeviceSpec fast{10e9, 1e9, 50e-6, true};
  std::vector<DeviceSpec> devices(world_size, fast);
  if (name == "homogeneous") return devices;
  if (name == "mixed") {
    for (int r = (world_size + 1) / 2; r < world_size; ++r)
      devices[r] = DeviceSpec{5e9, 100e6, 200e-6, true};
    return devices;
  }
  if (name == "slow") {
    for (DeviceSpec& d : devices) d = DeviceSpec{2e9, 10e6, 500e-6, true};
    return devices;
  }
  std::string known;
  for (const auto& n : synthetic_cluster_names()) known += (known.empty() ? "" : ", ") + n;
  fail_input("synthetic cluster: unknown name '" + name + "' (known: " + known + ")");
}

}  // namespace edgeflow
