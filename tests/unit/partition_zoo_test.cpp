// The partitioner on the zoo models (models/export_zoo.py) under three
// synthetic 4-device clusters (homogeneous on 1 Gbit/s; mixed: two devices
// half as fast on 100 Mbit/s; slow: 10 Mbit/s):
//   LpVsExact  every layer of the progressive plan: the LP's rounded finish
//              time within 1% of the exact optimum, never below it
//   WholePlan  the edgeflow plan's predicted latency <= that of single,
//              equal, proportional, layerwise, lp and exact
// The suites without "Full" run a representative subset (CI); the Full ones
// run every zoo model.
#include <gtest/gtest.h>

#include <cstdio>
#include <map>

#include "edgeflow/cost.h"
#include "edgeflow/onnx_import.h"
#include "edgeflow/partition.h"
#include "partition/layer_problem.h"
#include "partition_fixtures.h"

namespace edgeflow {
namespace {

const std::vector<std::string> kCiModels = {"resnet18", "googlenet"};
const std::vector<std::string> kAllModels = {"resnet18",           "resnet50",    "googlenet",
                                             "inception_v3",       "densenet121", "mobilenet_v2",
                                             "squeezenet1_1",      "vgg16",       "fcn_resnet50",
                                             "mobilenet_v3_small", "unet_small"};
constexpr int kRanks = 4;

const Graph& zoo_graph(const std::string& model) {
  static std::map<std::string, Graph> cache;
  auto it = cache.find(model);
  if (it == cache.end()) it = cache.emplace(model, import_onnx(test::zoo_path(model), {})).first;
  return it->second;
}

ClusterProfile zoo_profile(const Graph& g, const std::string& cluster) {
  return synthetic_profile(g, synthetic_cluster(cluster, kRanks));
}

// Each spatial layer of the progressive exact plan, solved by both.
void check_lp_against_exact(const std::string& model) {
  const Graph& g = zoo_graph(model);
  for (const std::string& cluster : synthetic_cluster_names()) {
    const ClusterProfile p = zoo_profile(g, cluster);
    ProgressiveState state = initial_state(g, kRanks);
    std::vector<double> ratios;
    double worst = 1.0;
    std::string worst_layer;
    for (int l = 0; l < static_cast<int>(g.nodes.size()); ++l) {
      const LayerProblem problem = make_layer_problem(g, p, l, state);
      std::vector<int64_t> cuts;
      if (needs_whole_input(g.nodes[l])) {
        cuts = single_rank_cuts(problem.rows(), kRanks, best_single_rank(problem));
      } else {
        cuts = solve_layer_exact(problem);
        const double exact = problem.cost(cuts);
        const double ratio = problem.cost(solve_layer_lp(problem)) / exact;
        EXPECT_GE(ratio, 1 - 1e-9) << model << " " << cluster << " layer " << g.nodes[l].name;
        EXPECT_LE(ratio, 1.01) << model << " " << cluster << " layer " << g.nodes[l].name;
        ratios.push_back(ratio);
        if (ratio > worst) worst = ratio, worst_layer = g.nodes[l].name;
      }
      commit_layer(problem, cuts, &state);
    }
    std::printf("%s on %s: LP / exact over %zu layers: mean %.6f, max %.6f%s%s\n", model.c_str(),
                cluster.c_str(), ratios.size(), test::mean_of(ratios), worst,
                worst_layer.empty() ? "" : " at ", worst_layer.c_str());
  }
}

// Every layer's affine row map that claims to be exact agrees with
// required_input_rows; the fitted ones stay within a few rows of it.
void check_affine_maps(const std::string& model) {
  const Graph& g = zoo_graph(model);
  for (const Node& node : g.nodes) {
    const int64_t H = g.shape_of(node.output).height();
    for (size_t i = 0; i < node.inputs.size(); ++i) {
      const AffineRowMap m = affine_row_map(g, node, static_cast<int>(i));
      for (int64_t a = 0; a < H; a += 1 + H / 16)
        for (int64_t b = a + 1; b <= H; b += 1 + H / 16) {
          const RowRange want = required_input_rows(g, node, static_cast<int>(i), {a, b});
          const RowRange got = test::affine_rows(m, {a, b});
          if (m.exact) {
            ASSERT_EQ(want, got) << model << " " << node.name;
          } else {
            EXPECT_NEAR(got.begin, want.begin, 2) << model << " " << node.name;
            EXPECT_NEAR(got.end, want.end, 2) << model << " " << node.name;
          }
        }
    }
  }
}

void check_whole_plans(const std::string& model) {
  const Graph& g = zoo_graph(model);
  for (const std::string& cluster : synthetic_cluster_names()) {
    const ClusterProfile p = zoo_profile(g, cluster);
    PartitionReport report;
    PartitionerOptions o;
    o.name = "edgeflow";
    const Partition plan = make_partition(g, p, o, &report);
    const double edgeflow = simulate_plan(g, plan, p).latency_s;
    std::string line =
        model + " on " + cluster + ": edgeflow " + std::to_string(1e3 * edgeflow) + " ms";
    for (const std::string baseline :
         {"single", "equal", "proportional", "layerwise", "lp", "exact"}) {
      o.name = baseline;
      const double lat = simulate_plan(g, make_partition(g, p, o), p).latency_s;
      EXPECT_LE(edgeflow, lat * (1 + 1e-12)) << model << " on " << cluster << ": " << baseline;
      line += ", " + baseline + " " + std::to_string(1e3 * lat);
    }
    std::printf("%s (%s)\n", line.c_str(), report.summary.c_str());
  }
}

class LpVsExact : public ::testing::TestWithParam<std::string> {};
TEST_P(LpVsExact, EveryLayerWithinOnePercentOfTheOptimum) { check_lp_against_exact(GetParam()); }
INSTANTIATE_TEST_SUITE_P(Zoo, LpVsExact, ::testing::ValuesIn(kCiModels));

class LpVsExactFull : public ::testing::TestWithParam<std::string> {};
TEST_P(LpVsExactFull, EveryLayerWithinOnePercentOfTheOptimum) {
  check_lp_against_exact(GetParam());
}
INSTANTIATE_TEST_SUITE_P(Zoo, LpVsExactFull, ::testing::ValuesIn(kAllModels));

class AffineRowMapZoo : public ::testing::TestWithParam<std::string> {};
TEST_P(AffineRowMapZoo, MatchesRequiredInputRows) { check_affine_maps(GetParam()); }
INSTANTIATE_TEST_SUITE_P(Zoo, AffineRowMapZoo, ::testing::ValuesIn(kCiModels));

class AffineRowMapZooFull : public ::testing::TestWithParam<std::string> {};
TEST_P(AffineRowMapZooFull, MatchesRequiredInputRows) { check_affine_maps(GetParam()); }
INSTANTIATE_TEST_SUITE_P(Zoo, AffineRowMapZooFull, ::testing::ValuesIn(kAllModels));

class WholePlan : public ::testing::TestWithParam<std::string> {};
TEST_P(WholePlan, EdgeflowIsNeverSlowerThanAnyBaseline) { check_whole_plans(GetParam()); }
INSTANTIATE_TEST_SUITE_P(Zoo, WholePlan, ::testing::ValuesIn(kCiModels));

class WholePlanFull : public ::testing::TestWithParam<std::string> {};
TEST_P(WholePlanFull, EdgeflowIsNeverSlowerThanAnyBaseline) { check_whole_plans(GetParam()); }
INSTANTIATE_TEST_SUITE_P(Zoo, WholePlanFull, ::testing::ValuesIn(kAllModels));

}  // namespace
}  // namespace edgeflow
