// Branch placement (--plan-kinds branches): which chains of a DAG are
// branches, the cuts of a placed branch, and the whole-plan search putting
// the towers of a block whole on different ranks where halos cost most.
#include <gtest/gtest.h>

#include <set>
#include <string>

#include "dag_builder.h"
#include "edgeflow/cost.h"
#include "edgeflow/partition.h"
#include "edgeflow/plan_simulator.h"
#include "partition/branches.h"

namespace edgeflow {
namespace {

using test::DagBuilder;

int node_named(const Graph& g, const std::string& name) {
  for (size_t n = 0; n < g.nodes.size(); ++n)
    if (g.nodes[n].name == name) return static_cast<int>(n);
  ADD_FAILURE() << "no node " << name;
  return -1;
}

// A stem, an inception-like block of `towers` towers of `depth` 3x3 convs
// each, their concat and a conv after it.
Graph towers_graph(int towers, int depth, int64_t size, int64_t channels) {
  DagBuilder b(Shape({1, channels, size, size}));
  const ValueId x = b.conv("stem", 0, channels, 1);
  std::vector<ValueId> outs;
  for (int t = 0; t < towers; ++t) {
    ValueId y = x;
    for (int d = 0; d < depth; ++d)
      y = b.conv("t" + std::to_string(t) + "." + std::to_string(d), y, channels, 3);
    outs.push_back(y);
  }
  return b.finish(b.conv("out", b.concat("cat", outs), channels, 1));
}

TEST(Branches, AreTheTowersOfAForkJoinBlock) {
  const Graph g = towers_graph(3, 2, 8, 4);
  const auto branches = find_branches(g);
  ASSERT_EQ(branches.size(), 3u);
  for (int t = 0; t < 3; ++t) {
    const std::string name = "t" + std::to_string(t);
    EXPECT_EQ(branches[t], (std::vector<int>{node_named(g, name + ".0"), node_named(g, name + ".1")}));
  }
  EXPECT_EQ(sibling_branches(g, branches), (std::vector<std::vector<int>>{{0, 1, 2}}));
}

TEST(Branches, AResidualBlockHasItsPathAndItsJoin) {
  DagBuilder b(Shape({1, 4, 8, 8}));
  const ValueId x = b.conv("stem", 0, 4, 3);
  const ValueId y = b.conv("b", b.conv("a", x, 4, 3), 4, 3);
  const Graph g = b.finish(b.conv("after", b.sum("add", x, y), 4, 3));
  const auto branches = find_branches(g);
  // The stem (it feeds the join directly), the path a -> b forked from its
  // output, and the join with what follows it (it reads the fork too).
  ASSERT_EQ(branches.size(), 3u);
  EXPECT_EQ(branches[0], std::vector<int>{node_named(g, "stem")});
  EXPECT_EQ(branches[1], (std::vector<int>{node_named(g, "a"), node_named(g, "b")}));
  EXPECT_EQ(branches[2], (std::vector<int>{node_named(g, "add"), node_named(g, "after")}));
}

TEST(Branches, AChainHasNone) {
  DagBuilder b(Shape({1, 4, 8, 8}));
  const Graph g = b.finish(b.conv("c", b.conv("b", b.conv("a", 0, 4, 3), 4, 3), 4, 3));
  EXPECT_TRUE(find_branches(g).empty());
}

TEST(Branches, PlacedCutsFollowTheWeightsAndSkipUnusableRanks) {
  const Graph g = towers_graph(2, 1, 12, 4);
  std::vector<DeviceSpec> devices = synthetic_cluster("homogeneous", 4);
  devices[2].usable = false;
  const ClusterProfile profile = synthetic_profile(g, devices);
  const int conv = node_named(g, "t0.0");
  EXPECT_EQ(placed_cuts(g, profile, conv, {0, 0, 0, 1}), (std::vector<int64_t>{0, 0, 0, 0, 12}));
  EXPECT_EQ(placed_cuts(g, profile, conv, {1, 2, 0, 0}), (std::vector<int64_t>{0, 4, 12, 12, 12}));
}

// Two towers on four ranks whose every unit has a large fixed cost: split
// over all four ranks, each rank runs every layer of both towers; whole, two
// ranks do all the work; each tower over two ranks of its own halves both.
TEST(Branches, TheSearchSplitsEachTowerOverRanksOfItsOwnWhereUnitsAreDear) {
  const Graph g = towers_graph(2, 6, 16, 32);
  const ClusterProfile profile =
      synthetic_profile(g, std::vector<double>(4, 0.6e9), 10e9, 50e-6, /*beta_s=*/4e-3);
  PartitionerOptions with;
  PartitionerOptions without;
  without.kinds = parse_plan_kinds("rows,halo,features");
  const Partition placed = make_partition(g, profile, with);
  const Partition rows = make_partition(g, profile, without);
  const double placed_s = PlanSimulator(g, profile, placed).latency();
  const double rows_s = PlanSimulator(g, profile, rows).latency();
  EXPECT_LT(placed_s, 0.8 * rows_s) << placed_s << " vs " << rows_s;
  // Each tower's layers on two ranks, the towers on different ranks.
  std::set<int> used;
  for (int t = 0; t < 2; ++t)
    for (int d = 0; d < 6; ++d) {
      const int layer = node_named(g, "t" + std::to_string(t) + "." + std::to_string(d));
      int ranks = 0;
      for (int r = 0; r < 4; ++r)
        if (!placed.rows(layer, r).empty()) ++ranks, used.insert(r);
      EXPECT_EQ(ranks, 2) << g.nodes[layer].name;
    }
  EXPECT_EQ(used.size(), 4u);
}

}  // namespace
}  // namespace edgeflow
