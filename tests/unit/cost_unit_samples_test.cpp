// A layer's cost from measured units (ComputeCost's samples), the units of a
// plan the profile has not measured, timing them (profile_slices), and their
// round trip through the profile cache.
#include <gtest/gtest.h>

#include <cstdio>
#include <string>

#include "dag_builder.h"
#include "edgeflow/cost.h"
#include "edgeflow/error.h"
#include "edgeflow/partition.h"
#include "edgeflow/profiler.h"
#include "edgeflow/schedule.h"

namespace edgeflow {
namespace {

using test::DagBuilder;

// Units of 2 and 4 rows in the middle (the profile's slices), and an edge
// unit of 4 rows that took longer.
ComputeCost three_samples() {
  return ComputeCost({{{7, 9}, 2.0}, {{6, 10}, 3.0}, {{0, 4}, 4.0}});
}

TEST(ComputeCostSamples, ASampledUnitCostsWhatItTook) {
  const ComputeCost c = three_samples();
  EXPECT_DOUBLE_EQ(c.seconds(RowRange{0, 4}), 4.0);
  EXPECT_DOUBLE_EQ(c.seconds(RowRange{6, 10}), 3.0);
  EXPECT_TRUE(c.has_sample({0, 4}));
  EXPECT_FALSE(c.has_sample({1, 5}));
}

TEST(ComputeCostSamples, OtherUnitsFollowTheCurveThroughEachHeightsMean) {
  const ComputeCost c = three_samples();
  EXPECT_DOUBLE_EQ(c.seconds(RowRange{1, 5}), 3.5);  // height 4: mean of 3 and 4
  EXPECT_DOUBLE_EQ(c.seconds(3), 2.75);              // halfway from 2 to 3.5
  // Beyond the tallest height: its mean plus the line's slope per row.
  EXPECT_DOUBLE_EQ(c.seconds(6), 3.5 + 2 * c.alpha_s);
  // Below the smallest: from the line's one row, at most that height's time.
  EXPECT_DOUBLE_EQ(c.seconds(1), std::min(2.0, c.alpha_s + c.beta_s));
  EXPECT_DOUBLE_EQ(c.seconds(0), 0.0);
  EXPECT_DOUBLE_EQ(c.seconds(RowRange{3, 3}), 0.0);
}

TEST(ComputeCostSamples, TheLineIsFittedToEverySample) {
  // Points (2, 2), (4, 3), (4, 4): least squares gives alpha 0.75, beta 0.5.
  const ComputeCost c = three_samples();
  EXPECT_NEAR(c.alpha_s, 0.75, 1e-12);
  EXPECT_NEAR(c.beta_s, 0.5, 1e-12);
  EXPECT_NEAR(c.fit_error(), 0.5 / 3.0, 1e-12);  // (4, 3): the line says 3.5
}

TEST(ComputeCostSamples, AddingASampleReplacesTheSameRowsAndRefits) {
  ComputeCost c = three_samples();
  c.add_sample({0, 4}, 3.0);
  EXPECT_EQ(c.samples().size(), 3u);
  EXPECT_DOUBLE_EQ(c.seconds(RowRange{0, 4}), 3.0);
  EXPECT_NEAR(c.alpha_s, 0.5, 1e-12);  // (2, 2), (4, 3), (4, 3)
  c.add_sample({0, 8}, 9.0);
  EXPECT_EQ(c.samples().size(), 4u);
  EXPECT_DOUBLE_EQ(c.seconds(8), 9.0);
}

TEST(ComputeCostSamples, TheLeastPerRowBoundsEveryUnit) {
  for (const ComputeCost& c : {three_samples(), ComputeCost(0.5, 0.1),
                               ComputeCost({{{0, 1}, 1.0}, {{0, 3}, 0.6}, {{2, 12}, 8.0}})}) {
    const double least = c.least_per_row_s();
    EXPECT_GT(least, 0.0);
    for (int64_t rows = 1; rows <= 40; ++rows)
      EXPECT_LE(least * rows, c.seconds(rows) + 1e-12) << rows;
    for (const RowSample& s : c.samples())
      EXPECT_LE(least * s.rows.size(), s.seconds + 1e-12);
  }
}

Graph conv_chain() {
  DagBuilder b(Shape({1, 3, 16, 16}));
  ValueId x = b.conv("conv1", 0, 8, 3, 1, true);
  return b.finish(b.conv("conv2", x, 8, 3, 1, true));
}

TEST(UnsampledUnits, ListsEachUnitOfThePlanUntilEveryRankHasTimedIt) {
  const Graph graph = conv_chain();
  ClusterProfile profile = synthetic_profile(graph, {1e9, 1e9, 1e9}, 1e9, 1e-4);
  PartitionerOptions equal;
  equal.name = "equal";
  const Partition partition = make_partition(graph, profile, equal);
  SliceRequest request = unsampled_units(graph, partition, profile);
  const FlowTable flows(graph, partition);
  std::vector<ScheduledUnit> units;
  for (int r = 0; r < 3; ++r) append_rank_units(flows, r, &units);
  ASSERT_EQ(request.size(), graph.nodes.size());
  size_t listed = 0;
  for (const auto& layer : request) listed += layer.size();
  EXPECT_EQ(listed, units.size());
  for (const ScheduledUnit& u : units) {
    const auto& layer = request[u.node];
    EXPECT_NE(std::find(layer.begin(), layer.end(), u.rows), layer.end());
  }
  // Timed on ranks 0 and 1 only: still listed; on every rank: gone.
  for (const ScheduledUnit& u : units)
    for (int r = 0; r < 2; ++r) profile.compute[u.node][r].add_sample(u.rows, 1e-3);
  EXPECT_EQ(unsampled_units(graph, partition, profile), request);
  for (const ScheduledUnit& u : units) profile.compute[u.node][2].add_sample(u.rows, 1e-3);
  for (const auto& layer : unsampled_units(graph, partition, profile)) EXPECT_TRUE(layer.empty());
  // A rank left out of partitions need not time anything.
  profile.usable = {true, true, false};
  for (const ScheduledUnit& u : units) profile.compute[u.node][2] = ComputeCost(1e-4, 0);
  for (const auto& layer : unsampled_units(graph, partition, profile)) EXPECT_TRUE(layer.empty());
}

TEST(ProfileSlices, RankZeroGetsASampleForEveryTimedUnit) {
  const Graph graph = conv_chain();
  ClusterProfile profile = synthetic_profile(graph, {1e9}, 1e9, 1e-4);
  const std::unique_ptr<KernelFactory> kernels = make_onednn_factory(1);
  SliceRequest request(graph.nodes.size());
  request[0] = {{0, 5}, {11, 16}};
  request[1] = {{4, 12}};
  ProfileOptions options;
  options.repeats = 1;
  EXPECT_EQ(profile_slices(graph, *kernels, nullptr, options, request, &profile), 3);
  for (size_t n = 0; n < request.size(); ++n)
    for (RowRange rows : request[n]) {
      EXPECT_TRUE(profile.compute[n][0].has_sample(rows));
      EXPECT_GT(profile.compute[n][0].seconds(rows), 0.0);
    }
  EXPECT_EQ(profile_slices(graph, *kernels, nullptr, options, SliceRequest{}, &profile), 0);
}

TEST(ProfileCache, KeepsTheSamples) {
  const Graph graph = conv_chain();
  ClusterProfile profile = synthetic_profile(graph, {1e9, 2e9}, 1e9, 1e-4);
  profile.compute[0][1] = three_samples();
  profile.compute[1][0].add_sample({3, 9}, 0.25);
  const std::string path = ::testing::TempDir() + "/samples_profile.txtpb";
  save_profile(path, "key", graph, profile);
  const std::optional<ClusterProfile> loaded = load_profile(path, "key", graph);
  std::remove(path.c_str());
  ASSERT_TRUE(loaded.has_value());
  for (size_t n = 0; n < graph.nodes.size(); ++n)
    for (int r = 0; r < 2; ++r) {
      const ComputeCost& a = profile.compute[n][r];
      const ComputeCost& b = loaded->compute[n][r];
      EXPECT_DOUBLE_EQ(a.alpha_s, b.alpha_s);
      EXPECT_DOUBLE_EQ(a.beta_s, b.beta_s);
      ASSERT_EQ(a.samples().size(), b.samples().size());
      for (size_t k = 0; k < a.samples().size(); ++k) {
        EXPECT_EQ(a.samples()[k].rows, b.samples()[k].rows);
        EXPECT_DOUBLE_EQ(a.samples()[k].seconds, b.samples()[k].seconds);
      }
    }
}

TEST(ValidateProfile, RefusesASampleOutsideItsLayer) {
  const Graph graph = conv_chain();
  ClusterProfile profile = synthetic_profile(graph, {1e9}, 1e9, 1e-4);
  profile.compute[1][0].add_sample({10, 17}, 1e-3);
  try {
    validate_profile(graph, profile);
    FAIL() << "accepted rows [10, 17) of a 16-row layer";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("layer 'conv2', rank 0: a sample of rows [10, 17)"),
              std::string::npos)
        << e.what();
  }
}

}  // namespace
}  // namespace edgeflow
