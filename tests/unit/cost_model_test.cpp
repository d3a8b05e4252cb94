// The cost model's building blocks: FLOP counts, synthetic profiles and
// clusters, link and compute costs, and the profile checks.
#include <gtest/gtest.h>

#include "dag_builder.h"
#include "edgeflow/cost.h"
#include "edgeflow/error.h"

namespace edgeflow {
namespace {

using test::DagBuilder;

Graph small_graph() {
  DagBuilder b(Shape({1, 3, 16, 16}));
  ValueId x = b.conv("conv", 0, 8, 3, 1, true);  // 16x16x8, 3x3 over 3 channels
  ValueId p = b.max_pool("pool", x, 2, 2, 0);    // 8x8x8
  ValueId g = b.global_pool("gap", p);
  ValueId f = b.flatten("flat", g);
  return b.finish(b.gemm("fc", f, 10));
}

TEST(LayerFlops, CountsMultiplyAddsAsTwo) {
  const Graph g = small_graph();
  EXPECT_DOUBLE_EQ(layer_flops(g, g.nodes[0]), 2.0 * 16 * 16 * 8 * 3 * 3 * 3);
  EXPECT_DOUBLE_EQ(layer_flops(g, g.nodes[1]), 8.0 * 8 * 8 * 2 * 2);
  EXPECT_DOUBLE_EQ(layer_flops(g, g.nodes[2]), 8.0 * 8 * 8);
  EXPECT_DOUBLE_EQ(layer_flops(g, g.nodes[4]), 2.0 * 10 * 8);
}

TEST(SyntheticProfile, ComputeFollowsFlopsAndSpeed) {
  const Graph g = small_graph();
  const ClusterProfile p = synthetic_profile(g, {1e9, 4e9}, 100e6, 1e-3, 5e-6);
  ASSERT_EQ(p.world_size, 2);
  ASSERT_EQ(p.compute.size(), g.nodes.size());
  const double conv_flops = layer_flops(g, g.nodes[0]);
  EXPECT_DOUBLE_EQ(p.compute[0][0].alpha_s, conv_flops / 16 / 1e9);
  EXPECT_DOUBLE_EQ(p.compute[0][1].alpha_s, conv_flops / 16 / 4e9);
  EXPECT_DOUBLE_EQ(p.compute[0][0].beta_s, 5e-6);
  EXPECT_DOUBLE_EQ(p.compute[0][0].seconds(16), conv_flops / 1e9 + 5e-6);
  EXPECT_DOUBLE_EQ(p.compute[0][0].seconds(0), 0.0);
  // 100 Mbit/s, 1 ms between the pair.
  EXPECT_DOUBLE_EQ(p.links[0][1].bytes_per_s, 12.5e6);
  EXPECT_DOUBLE_EQ(p.links[0][1].latency_s, 1e-3);
  EXPECT_DOUBLE_EQ(p.transfer_s(0, 1, 12500000), 1.0 + 1e-3);
  EXPECT_DOUBLE_EQ(p.transfer_s(1, 1, 1000), 0.0);
  EXPECT_DOUBLE_EQ(p.transfer_s(0, 1, 0), 0.0);
}

TEST(SyntheticProfile, PairsTalkAtTheSlowerBandwidthWithBothLatencies) {
  const Graph g = small_graph();
  std::vector<DeviceSpec> d = {{1e9, 1e9, 10e-6, true}, {2e9, 10e6, 30e-6, false}};
  const ClusterProfile p = synthetic_profile(g, d);
  EXPECT_DOUBLE_EQ(p.links[0][1].bytes_per_s, 10e6 / 8);
  EXPECT_DOUBLE_EQ(p.links[1][0].bytes_per_s, 10e6 / 8);
  EXPECT_DOUBLE_EQ(p.links[0][1].latency_s, 40e-6);
  EXPECT_TRUE(p.is_usable(0));
  EXPECT_FALSE(p.is_usable(1));
  EXPECT_NO_THROW(validate_profile(g, p));
}

TEST(SyntheticCluster, NamedClustersHaveTheDocumentedShape) {
  for (const std::string& name : synthetic_cluster_names())
    EXPECT_EQ(synthetic_cluster(name, 5).size(), 5u) << name;
  const auto mixed = synthetic_cluster("mixed", 4);
  EXPECT_EQ(mixed[0].flops_per_s, 2 * mixed[3].flops_per_s);
  EXPECT_EQ(mixed[1].bandwidth_bits_per_s, 1e9);
  EXPECT_EQ(mixed[2].bandwidth_bits_per_s, 100e6);
  for (const DeviceSpec& d : synthetic_cluster("slow", 3)) EXPECT_EQ(d.bandwidth_bits_per_s, 10e6);
  try {
    synthetic_cluster("fast", 2);
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ExitCode::kBadInput);
    EXPECT_NE(std::string(e.what()).find("'fast'"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("homogeneous"), std::string::npos) << e.what();
  }
}

void expect_rejected(const Graph& g, const ClusterProfile& p, const std::string& fragment) {
  try {
    validate_profile(g, p);
    ADD_FAILURE() << "expected an error mentioning '" << fragment << "'";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ExitCode::kBadInput);
    EXPECT_NE(std::string(e.what()).find(fragment), std::string::npos) << e.what();
  }
}

TEST(ValidateProfile, RejectsProfilesThatDoNotFit) {
  const Graph g = small_graph();
  const ClusterProfile good = synthetic_profile(g, {1e9, 1e9, 1e9}, 1e9, 1e-4);
  ClusterProfile p = good;
  p.compute.pop_back();
  expect_rejected(g, p, "layers");
  p = good;
  p.compute[1][2].alpha_s = -1;
  expect_rejected(g, p, "layer 'pool', rank 2");
  p = good;
  p.links[2][0].bytes_per_s = 0;
  expect_rejected(g, p, "link 2 -> 0");
  p = good;
  p.usable = {false, false, false};
  expect_rejected(g, p, "no rank is usable");
  p = good;
  p.usable = {true};
  expect_rejected(g, p, "usable flags");
}

}  // namespace
}  // namespace edgeflow
