// The latency floor (edgeflow/latency_floor.h): its two parts worked out by
// hand on small graphs, never above any policy's simulated latency, and the
// busiest link of a plan's bytes.
#include <gtest/gtest.h>

#include "dag_builder.h"
#include "edgeflow/cost.h"
#include "edgeflow/latency_floor.h"
#include "edgeflow/partition.h"
#include "edgeflow/policy_registry.h"

namespace edgeflow {
namespace {

using test::DagBuilder;

// conv -> conv -> global pool -> flatten -> gemm: two layers that split by
// rows, three that run whole.
Graph chain_with_head() {
  DagBuilder b(Shape({1, 8, 16, 16}));
  const ValueId y = b.conv("b", b.conv("a", 0, 8, 3), 8, 3);
  return b.finish(b.gemm("fc", b.flatten("flat", b.global_pool("gap", y)), 1000));
}

double whole_s(const Graph& g, const ClusterProfile& p, int node, int rank) {
  return p.compute[node][rank].seconds(g.shape_of(g.nodes[node].output).height());
}

TEST(LatencyFloor, CapacityIsAllWorkSpreadOverTheRanksBySpeed) {
  const Graph g = chain_with_head();
  // Ranks of 2, 1 and 1 GFLOP/s, no fixed costs: the capacity is the total
  // work over 4 GFLOP/s.
  const ClusterProfile p = synthetic_profile(g, {2e9, 1e9, 1e9}, 1e9, 1e-4, 0.0);
  double flops = 0.0;
  for (const Node& node : g.nodes) flops += layer_flops(g, node);
  EXPECT_NEAR(latency_floor(g, p).capacity_s, flops / 4e9, 1e-12);
}

TEST(LatencyFloor, CriticalPathSplitsRowLayersAndRunsTheOthersWholeOnTheFastestRank) {
  const Graph g = chain_with_head();
  const ClusterProfile p = synthetic_profile(g, {2e9, 1e9, 1e9}, 1e9, 1e-4, 1e-6);
  double expected = 0.0;
  for (int n = 0; n < 2; ++n)  // a, b: split over 4 GFLOP/s, at least one unit's cost
    expected += std::max(p.compute[n][0].seconds(1), layer_flops(g, g.nodes[n]) / 4e9);
  for (int n = 2; n < 5; ++n) expected += whole_s(g, p, n, 0);  // gap, flat, fc on rank 0
  const LatencyFloor floor = latency_floor(g, p);
  EXPECT_NEAR(floor.critical_path_s, expected, 1e-12);
  EXPECT_DOUBLE_EQ(floor.compute_s(), std::max(floor.capacity_s, floor.critical_path_s));
}

TEST(LatencyFloor, UnusableRanksAddNothing) {
  const Graph g = chain_with_head();
  std::vector<DeviceSpec> devices = synthetic_cluster("homogeneous", 4);
  const LatencyFloor all = latency_floor(g, synthetic_profile(g, devices));
  devices[3].usable = false;
  const LatencyFloor three = latency_floor(g, synthetic_profile(g, devices));
  EXPECT_NEAR(three.capacity_s, all.capacity_s * 4 / 3, 1e-9);
}

// The floor bounds every plan, on fast and slow links, equal and mixed ranks.
TEST(LatencyFloor, IsNeverAboveAnyPolicysSimulatedLatency) {
  DagBuilder b(Shape({1, 4, 24, 12}));
  const ValueId x = b.conv("stem", 0, 8, 3, 2, true);
  const ValueId cat = b.concat("cat", {b.sum("add", b.conv("a", x, 8, 3), b.conv("c", x, 8, 1)), x});
  const Graph g = b.finish(b.gemm("fc", b.flatten("flat", b.global_pool("gap", cat)), 10));
  for (const std::string& cluster : synthetic_cluster_names()) {
    const ClusterProfile profile = synthetic_profile(g, synthetic_cluster(cluster, 4));
    const double floor_s = latency_floor(g, profile).compute_s();
    EXPECT_GT(floor_s, 0.0);
    for (const std::string& name : partitioner_names()) {
      PartitionerOptions o;
      o.name = name;
      const Partition p = make_partition(g, profile, o);
      EXPECT_LE(floor_s, simulate_plan(g, p, profile).latency_s * (1 + 1e-12))
          << cluster << " " << name;
    }
  }
}

TEST(BusiestLink, IsTheBusiestUplinkOrDownlink) {
  const Graph g = chain_with_head();
  ClusterProfile p = synthetic_profile(g, {1e9, 1e9, 1e9}, 8e6, 1e-3, 0.0);  // 1 MB/s
  const std::vector<std::vector<int64_t>> bytes = {
      {0, 1000, 2000}, {0, 0, 500}, {0, 0, 0}};
  // Rank 0's uplink carries 3000 bytes; rank 2's downlink 2500.
  EXPECT_NEAR(busiest_link_s(p, bytes), 3000 / 1e6, 1e-12);
  p.link_queues = false;  // every pair a link of its own: the busiest pair
  EXPECT_NEAR(busiest_link_s(p, bytes), 2000 / 1e6, 1e-12);
}

}  // namespace
}  // namespace edgeflow
