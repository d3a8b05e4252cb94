// Known answers of the per-layer solvers (LP and exact) and of the
// progressive plans: equal devices on free links split evenly, a device
// three times faster gets three times the rows, a link slower than the
// compute keeps the layer where its input is, and more devices than rows
// leave devices idle.
#include <gtest/gtest.h>

#include <numeric>

#include "dag_builder.h"
#include "edgeflow/cost.h"
#include "partition/layer_problem.h"

namespace edgeflow {
namespace {

using test::DagBuilder;

// A 3x3 conv over an input of `rows` rows (64 channels, 32 wide), held by rank 0.
Graph one_conv(int64_t rows) {
  DagBuilder b(Shape({1, 64, rows, 32}));
  return b.finish(b.conv("conv", 0, 64, 3, 1, true));
}

constexpr double kFreeLink = 1e18;  // bit/s: sending costs nothing

std::vector<int64_t> rows_of(const std::vector<int64_t>& cuts) {
  std::vector<int64_t> rows;
  for (size_t i = 0; i + 1 < cuts.size(); ++i) rows.push_back(cuts[i + 1] - cuts[i]);
  return rows;
}

// Both solvers on the first layer of `g`.
struct Answers {
  std::vector<int64_t> lp, exact;
  double lp_cost, exact_cost;
};

Answers solve_first_layer(const Graph& g, const ClusterProfile& profile) {
  const ProgressiveState state = initial_state(g, profile.world_size);
  const LayerProblem p = make_layer_problem(g, profile, 0, state);
  Answers a;
  a.lp = solve_layer_lp(p);
  a.exact = solve_layer_exact(p);
  a.lp_cost = p.cost(a.lp);
  a.exact_cost = p.cost(a.exact);
  return a;
}

TEST(LayerKnownAnswers, EqualDevicesOnFreeLinksGetNearEqualRows) {
  const Graph g = one_conv(64);
  const ClusterProfile p = synthetic_profile(g, {1e9, 1e9, 1e9, 1e9}, kFreeLink, 0.0);
  const Answers a = solve_first_layer(g, p);
  for (const auto& cuts : {a.lp, a.exact})
    for (int64_t r : rows_of(cuts)) EXPECT_NEAR(r, 16, 1) << ::testing::PrintToString(cuts);
  EXPECT_NEAR(a.lp_cost, a.exact_cost, 1e-12);
}

TEST(LayerKnownAnswers, ThreeTimesFasterDeviceGetsThreeTimesTheRows) {
  const Graph g = one_conv(64);
  const ClusterProfile p = synthetic_profile(g, {3e9, 1e9}, kFreeLink, 0.0);
  const Answers a = solve_first_layer(g, p);
  for (const auto& cuts : {a.lp, a.exact}) {
    const auto rows = rows_of(cuts);
    EXPECT_NEAR(rows[0], 48, 1) << ::testing::PrintToString(cuts);
    EXPECT_NEAR(rows[1], 16, 1) << ::testing::PrintToString(cuts);
  }
}

TEST(LayerKnownAnswers, LinkSlowerThanComputeKeepsTheLayerWithItsInput) {
  const Graph g = one_conv(64);
  // 10 kbit/s: one input row (8 KB) takes longer than the whole layer.
  const ClusterProfile p = synthetic_profile(g, {1e9, 1e9, 1e9, 1e9}, 10e3, 1e-3);
  const Answers a = solve_first_layer(g, p);
  EXPECT_EQ(a.exact, (std::vector<int64_t>{0, 64, 64, 64, 64}));
  EXPECT_EQ(a.lp, (std::vector<int64_t>{0, 64, 64, 64, 64}));
}

TEST(LayerKnownAnswers, MoreDevicesThanRowsLeaveDevicesIdle) {
  const Graph g = one_conv(3);
  const ClusterProfile p = synthetic_profile(g, std::vector<double>(8, 1e9), kFreeLink, 0.0);
  const Answers a = solve_first_layer(g, p);
  for (const auto& cuts : {a.lp, a.exact}) {
    ASSERT_EQ(cuts.size(), 9u);
    EXPECT_EQ(cuts.front(), 0);
    EXPECT_EQ(cuts.back(), 3);
    EXPECT_TRUE(std::is_sorted(cuts.begin(), cuts.end()));
    const auto rows = rows_of(cuts);
    EXPECT_GE(std::count(rows.begin(), rows.end(), 0), 5) << ::testing::PrintToString(cuts);
  }
  EXPECT_NEAR(a.lp_cost, a.exact_cost, 1e-12);
}

TEST(LayerKnownAnswers, UnusableRankGetsNoRows) {
  const Graph g = one_conv(64);
  std::vector<DeviceSpec> d(4, DeviceSpec{1e9, kFreeLink, 0.0, true});
  d[1].usable = false;
  const ClusterProfile p = synthetic_profile(g, d);
  const Answers a = solve_first_layer(g, p);
  for (const auto& cuts : {a.lp, a.exact}) {
    const auto rows = rows_of(cuts);
    EXPECT_EQ(rows[1], 0) << ::testing::PrintToString(cuts);
    for (int r : {0, 2, 3}) EXPECT_NEAR(rows[r], 21, 1) << ::testing::PrintToString(cuts);
  }
}

// A rank still busy with a parallel branch (R_i) takes fewer rows: here
// rank 1 is free only when rank 0 has done three quarters of the layer.
TEST(LayerKnownAnswers, RankBusyWithAnotherBranchTakesFewerRows) {
  const Graph g = one_conv(64);
  const ClusterProfile p = synthetic_profile(g, {1e9, 1e9}, kFreeLink, 0.0, 0.0);
  ProgressiveState state = initial_state(g, 2);
  const double layer_s = p.compute[0][0].seconds(64);
  state.free_s = {0.0, 0.5 * layer_s};
  const LayerProblem problem = make_layer_problem(g, p, 0, state);
  for (const auto& cuts : {solve_layer_lp(problem), solve_layer_exact(problem)}) {
    const auto rows = rows_of(cuts);
    EXPECT_NEAR(rows[0], 48, 1) << ::testing::PrintToString(cuts);  // 0.75 of the layer
    EXPECT_NEAR(rows[1], 16, 1) << ::testing::PrintToString(cuts);
  }
}

// A graph output's rows travel to rank 0, which gathers them: the layer's
// objective counts the trip (rank 0's own rows stay).
TEST(LayerKnownAnswers, GraphOutputCountsTheTripToRankZero) {
  DagBuilder b(Shape({1, 16, 32, 32}));
  ValueId x = b.conv("inner", 0, 16, 3);
  const Graph g = b.finish(b.conv("last", x, 16, 3));
  const ClusterProfile p = synthetic_profile(g, {1e9, 1e9}, 100e6, 1e-3);
  ProgressiveState state = initial_state(g, 2);
  const LayerProblem inner = make_layer_problem(g, p, 0, state);
  EXPECT_EQ(inner.delivery_row_bytes(), 0);
  EXPECT_DOUBLE_EQ(inner.objective(1, 0, 10), inner.finish(1, 0, 10));
  commit_layer(inner, {0, 16, 32}, &state);
  const LayerProblem last = make_layer_problem(g, p, 1, state);
  const int64_t row_bytes = 16 * 32 * 4;
  EXPECT_EQ(last.delivery_row_bytes(), row_bytes);
  EXPECT_DOUBLE_EQ(last.objective(0, 0, 10), last.finish(0, 0, 10));
  EXPECT_DOUBLE_EQ(last.objective(1, 20, 30),
                   last.finish(1, 20, 30) + p.links[1][0].seconds(10 * row_bytes));
}

// Whole plans of the progressive policies on free links split every spatial
// layer evenly and put whole-input layers on one rank.
TEST(ProgressiveKnownAnswers, EqualDevicesOnFreeLinksSplitEveryLayerEvenly) {
  DagBuilder b(Shape({1, 8, 48, 16}));
  ValueId x = b.conv("c1", 0, 16, 3, 1, true);
  ValueId y = b.conv("c2", x, 16, 3, 2, true);
  ValueId z = b.conv("c3", y, 16, 3, 1, true);
  ValueId g_out = b.global_pool("gap", z);
  const Graph g = b.finish(b.gemm("fc", b.flatten("flat", g_out), 10));
  const ClusterProfile p = synthetic_profile(g, {1e9, 1e9, 1e9}, kFreeLink, 0.0, 0.0);
  for (const std::string policy : {"lp", "exact"}) {
    PartitionerOptions o;
    o.name = policy;
    const Partition part = make_partition(g, p, o);
    for (size_t l = 0; l < g.nodes.size(); ++l) {
      const auto rows = rows_of(part.cuts[l]);
      const int64_t H = g.shape_of(g.nodes[l].output).height();
      if (needs_whole_input(g.nodes[l])) {
        EXPECT_EQ(std::count(rows.begin(), rows.end(), H), 1) << policy << " " << g.nodes[l].name;
      } else {
        for (int64_t r : rows)
          EXPECT_NEAR(r, H / 3.0, 1.0)
              << policy << " " << g.nodes[l].name << " " << ::testing::PrintToString(part.cuts[l]);
      }
    }
  }
}

}  // namespace
}  // namespace edgeflow
