// The per-layer solvers on random adversarial layers: the exact search
// against a brute-force DP, and the LP against the exact search (never below
// it; mean ratio <= 1.01, 99th percentile <= 1.05).
#include <gtest/gtest.h>

#include <cstdio>

#include "partition/layer_problem.h"
#include "partition_fixtures.h"

namespace edgeflow {
namespace {

using test::random_layer;

TEST(AffineRowMap, MatchesRequiredInputRowsOnRandomLayers) {
  std::mt19937_64 rng(5);
  for (int trial = 0; trial < 200; ++trial) {
    test::RandomLayer r = random_layer(rng);
    const Node& node = r.graph.nodes[0];
    const int64_t H = r.problem->rows();
    for (size_t i = 0; i < node.inputs.size(); ++i) {
      const AffineRowMap m = affine_row_map(r.graph, node, static_cast<int>(i));
      ASSERT_TRUE(m.exact) << r.description;
      for (int64_t a = 0; a < H; ++a)
        for (int64_t b = a + 1; b <= H; b += 1 + (b - a) / 4) {
          const RowRange want = required_input_rows(r.graph, node, static_cast<int>(i), {a, b});
          ASSERT_EQ(want, test::affine_rows(m, {a, b}))
              << r.description << " rows [" << a << ", " << b << ")";
        }
    }
  }
}

TEST(ExactSearch, EqualsBruteForceDpOnRandomLayers) {
  std::mt19937_64 rng(17);
  for (int trial = 0; trial < 150; ++trial) {
    test::RandomLayer r = random_layer(rng);
    const LayerProblem& p = *r.problem;
    const std::vector<int64_t> cuts = solve_layer_exact(p);
    ASSERT_EQ(cuts.size(), static_cast<size_t>(p.world() + 1));
    ASSERT_EQ(cuts.front(), 0);
    ASSERT_EQ(cuts.back(), p.rows());
    ASSERT_TRUE(std::is_sorted(cuts.begin(), cuts.end()));
    const double exact = p.cost(cuts), brute = test::brute_force_cost(p);
    EXPECT_NEAR(exact, brute, 1e-9 * brute) << "trial " << trial << ": " << r.description;
  }
}

TEST(LpVsExact, RandomAdversarialLayersWithinOnePercentOnAverage) {
  std::mt19937_64 rng(2022);
  std::vector<double> ratios;
  double worst = 0;
  std::string worst_case;
  for (int trial = 0; trial < 400; ++trial) {
    test::RandomLayer r = random_layer(rng);
    const LayerProblem& p = *r.problem;
    const double exact = p.cost(solve_layer_exact(p));
    const std::vector<int64_t> lp_cuts = solve_layer_lp(p);
    ASSERT_EQ(lp_cuts.size(), static_cast<size_t>(p.world() + 1));
    ASSERT_TRUE(std::is_sorted(lp_cuts.begin(), lp_cuts.end()));
    ASSERT_EQ(lp_cuts.back(), p.rows());
    const double ratio = p.cost(lp_cuts) / exact;
    EXPECT_GE(ratio, 1 - 1e-9) << "the LP beat the exact optimum: trial " << trial << ", "
                               << r.description;
    ratios.push_back(ratio);
    if (ratio > worst) worst = ratio, worst_case = r.description;
  }
  const double mean = test::mean_of(ratios), p99 = test::quantile_of(ratios, 0.99);
  std::printf("LP / exact on %zu random layers: mean %.5f, p99 %.5f, max %.5f (%s)\n",
              ratios.size(), mean, p99, worst, worst_case.c_str());
  RecordProperty("mean", std::to_string(mean));
  RecordProperty("p99", std::to_string(p99));
  RecordProperty("max", std::to_string(worst));
  EXPECT_LE(mean, 1.01);
  EXPECT_LE(p99, 1.05);
}

}  // namespace
}  // namespace edgeflow
