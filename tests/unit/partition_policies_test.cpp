// Every policy behind make_partition: valid partitions on small DAGs, the
// baselines' defining properties, unusable ranks left out with a warning,
// layers too small for the ranks, and the edgeflow report.
#include <gtest/gtest.h>

#include <numeric>

#include "dag_builder.h"
#include "edgeflow/cost.h"
#include "edgeflow/error.h"
#include "edgeflow/partition.h"

namespace edgeflow {
namespace {

using test::DagBuilder;

Graph small_dag(int64_t rows = 40) {
  DagBuilder b(Shape({1, 4, rows, 20}));
  ValueId x = b.conv("stem", 0, 8, 3, 2, true);
  ValueId a = b.conv("a", x, 8, 3, 1, true);
  ValueId c = b.conv("b", x, 8, 1);
  ValueId s = b.sum("add", a, c);
  ValueId cat = b.concat("cat", {s, x});
  ValueId g = b.global_pool("gap", cat);
  return b.finish(b.gemm("fc", b.flatten("flat", g), 10));
}

ClusterProfile mixed_profile(const Graph& g, int n) {
  return synthetic_profile(g, synthetic_cluster("mixed", n));
}

Partition run(const Graph& g, const ClusterProfile& p, const std::string& name,
              PartitionReport* report = nullptr) {
  PartitionerOptions o;
  o.name = name;
  return make_partition(g, p, o, report);
}

TEST(Policies, EveryPolicyGivesAValidPartition) {
  const Graph g = small_dag();
  for (int n : {1, 2, 3, 5})
    for (const std::string& cluster : synthetic_cluster_names()) {
      const ClusterProfile p = synthetic_profile(g, synthetic_cluster(cluster, n));
      for (const std::string& name : partitioner_names()) {
        PartitionReport report;
        Partition part;
        ASSERT_NO_THROW(part = run(g, p, name, &report)) << name;
        EXPECT_EQ(part.world_size, n);
        EXPECT_NO_THROW(validate_partition(g, part)) << name << " on " << n << " " << cluster;
        EXPECT_GT(report.predicted_latency_s, 0.0) << name;
        EXPECT_NEAR(report.predicted_latency_s, simulate_plan(g, part, p).latency_s,
                    1e-12 * report.predicted_latency_s)
            << name;
      }
    }
}

TEST(Policies, UnknownPolicyIsAnErrorListingTheKnownOnes) {
  const Graph g = small_dag();
  try {
    run(g, mixed_profile(g, 2), "fastest");
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ExitCode::kBadInput);
    const std::string what = e.what();
    EXPECT_NE(what.find("'fastest'"), std::string::npos) << what;
    for (const std::string& name : partitioner_names())
      EXPECT_NE(what.find(name), std::string::npos) << what;
  }
}

// Whether every layer of `part` is whole on `rank`.
bool all_on(const Graph& g, const Partition& part, int rank) {
  for (size_t l = 0; l < g.nodes.size(); ++l)
    if (part.rows(static_cast<int>(l), rank).size() != g.shape_of(g.nodes[l].output).height())
      return false;
  return true;
}

TEST(Policies, SingleGivesEverythingToTheFastestRankWhereLinksAreCheap) {
  const Graph g = small_dag();
  const ClusterProfile p = synthetic_profile(g, {1e9, 3e9, 2e9}, 1e12, 1e-6);
  EXPECT_TRUE(all_on(g, run(g, p, "single"), 1));
}

TEST(Policies, SingleKeepsTheModelWithItsInputAmongEqualRanksOrOnSlowLinks) {
  const Graph g = small_dag();
  EXPECT_TRUE(all_on(g, run(g, synthetic_profile(g, {1e9, 1e9, 1e9}, 1e9, 1e-4), "single"), 0));
  // 10% faster is not worth moving the input and the output over 1 Mbit/s.
  EXPECT_TRUE(all_on(g, run(g, synthetic_profile(g, {1e9, 1.1e9}, 1.25e5, 1e-4), "single"), 0));
}

TEST(Policies, ProportionalFollowsSpeedAndEqualIgnoresIt) {
  const Graph g = small_dag(80);
  const ClusterProfile p = synthetic_profile(g, {1e9, 3e9}, 1e6, 1e-2);  // links ignored
  const Partition prop = run(g, p, "proportional");
  const Partition eq = run(g, p, "equal");
  EXPECT_EQ(prop.cuts[0], (std::vector<int64_t>{0, 10, 40}));  // stem: 40 rows, 1:3
  EXPECT_EQ(eq.cuts[0], (std::vector<int64_t>{0, 20, 40}));
}

TEST(Policies, LayerwiseRunsEveryLayerWhole) {
  const Graph g = small_dag();
  for (const std::string& cluster : synthetic_cluster_names()) {
    const Partition part = run(g, synthetic_profile(g, synthetic_cluster(cluster, 3)), "layerwise");
    for (size_t l = 0; l < g.nodes.size(); ++l) {
      int holders = 0;
      for (int r = 0; r < 3; ++r) holders += !part.rows(static_cast<int>(l), r).empty();
      EXPECT_EQ(holders, 1) << g.nodes[l].name;
    }
  }
}

TEST(Policies, RandomIsDeterministicPerSeed) {
  const Graph g = small_dag();
  const ClusterProfile p = mixed_profile(g, 4);
  PartitionerOptions a{"random", 7}, b{"random", 7}, c{"random", 8};
  EXPECT_EQ(make_partition(g, p, a).cuts, make_partition(g, p, b).cuts);
  EXPECT_NE(make_partition(g, p, a).cuts, make_partition(g, p, c).cuts);
}

TEST(Policies, WorldSizeOverloadUsesEqualDevices) {
  const Graph g = small_dag();
  const Partition part = make_partition(g, 2, {"equal", 1});
  EXPECT_EQ(part.world_size, 2);
  EXPECT_EQ(part.cuts[0], (std::vector<int64_t>{0, 10, 20}));
}

// Bad input: an unusable rank is left out of every policy, with a warning.
TEST(Policies, UnusableRankIsLeftOutWithAWarning) {
  const Graph g = small_dag();
  for (int bad : {0, 2, 3}) {
    std::vector<DeviceSpec> d = synthetic_cluster("mixed", 4);
    d[bad].usable = false;
    const ClusterProfile p = synthetic_profile(g, d);
    for (const std::string& name : partitioner_names()) {
      PartitionReport report;
      const Partition part = run(g, p, name, &report);
      for (size_t l = 0; l < g.nodes.size(); ++l)
        EXPECT_TRUE(part.rows(static_cast<int>(l), bad).empty())
            << name << " gave rank " << bad << " rows of " << g.nodes[l].name;
      ASSERT_EQ(report.warnings.size(), 1u) << name;
      EXPECT_NE(report.warnings[0].find("rank " + std::to_string(bad)), std::string::npos)
          << report.warnings[0];
    }
  }
}

TEST(Policies, WarningsGoToStderrWithoutAReport) {
  const Graph g = small_dag();
  std::vector<DeviceSpec> d = synthetic_cluster("homogeneous", 3);
  d[1].usable = false;
  const ClusterProfile p = synthetic_profile(g, d);
  ::testing::internal::CaptureStderr();
  run(g, p, "equal");
  const std::string err = ::testing::internal::GetCapturedStderr();
  EXPECT_NE(err.find("edgeflow: warning: partition: rank 1 is marked unusable"), std::string::npos)
      << err;
}

// Bad input: layers with fewer rows than ranks leave ranks without rows.
TEST(Policies, LayerTooSmallForTheRanksGetsZeroRowRanks) {
  DagBuilder b(Shape({1, 4, 6, 6}));
  ValueId x = b.conv("c1", 0, 8, 3, 2);  // 3 rows
  ValueId y = b.conv("c2", x, 8, 3, 2);  // 2 rows
  const Graph g = b.finish(b.conv("c3", y, 8, 1));
  const ClusterProfile p = synthetic_profile(g, synthetic_cluster("homogeneous", 8));
  for (const std::string& name : partitioner_names()) {
    const Partition part = run(g, p, name);
    ASSERT_NO_THROW(validate_partition(g, part)) << name;
    for (size_t l = 0; l < g.nodes.size(); ++l) {
      int idle = 0;
      for (int r = 0; r < 8; ++r) idle += part.rows(static_cast<int>(l), r).empty();
      EXPECT_GE(idle, 8 - g.shape_of(g.nodes[l].output).height()) << name;
    }
  }
}

TEST(Policies, ProfileThatDoesNotFitTheGraphIsAnError) {
  const Graph g = small_dag();
  ClusterProfile p = mixed_profile(g, 2);
  p.compute.pop_back();
  EXPECT_THROW(run(g, p, "edgeflow"), Error);
}

TEST(Edgeflow, ReportsTheBaselinesAndBeatsTheBest) {
  const Graph g = small_dag(64);
  for (const std::string& cluster : synthetic_cluster_names()) {
    const ClusterProfile p = synthetic_profile(g, synthetic_cluster(cluster, 4));
    PartitionReport report;
    run(g, p, "edgeflow", &report);
    ASSERT_EQ(report.baselines.size(), 6u);
    double best = 1e30;
    for (const auto& [name, latency] : report.baselines) {
      EXPECT_LE(report.predicted_latency_s, latency * (1 + 1e-12)) << cluster << ": " << name;
      best = std::min(best, latency);
    }
    EXPECT_EQ(report.best_baseline_s, best);
    EXPECT_NE(report.summary.find("below the best baseline (" + report.best_baseline),
              std::string::npos)
        << report.summary;
  }
}

}  // namespace
}  // namespace edgeflow
