// The registry of partition policies: every entry complete and runnable, the
// order of --help and errors, unknown names, the whole-plan search's seeds,
// and the --help lines generated from it.
#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <sstream>

#include "cli/options.h"
#include "dag_builder.h"
#include "edgeflow/cost.h"
#include "edgeflow/error.h"
#include "edgeflow/policy_registry.h"

namespace edgeflow {
namespace {

using test::DagBuilder;

// Branches, a concat and whole-input layers (global pool, gemm).
Graph small_graph() {
  DagBuilder b(Shape({1, 4, 24, 12}));
  ValueId x = b.conv("stem", 0, 8, 3, 2, true);
  ValueId a = b.conv("a", x, 8, 3, 1, true);
  ValueId c = b.conv("b", x, 8, 1);
  ValueId cat = b.concat("cat", {b.sum("add", a, c), x});
  return b.finish(b.gemm("fc", b.flatten("flat", b.global_pool("gap", cat)), 10));
}

Partition run_policy(const PolicyInfo& policy, const Graph& g, const ClusterProfile& profile) {
  PartitionerOptions options;
  options.name = policy.name;
  PartitionReport report;
  return policy.make(PolicyContext{g, profile, options, report});
}

TEST(PolicyRegistry, EveryPolicyHasAUniqueNameAHelpLineAndAFunction) {
  std::set<std::string> names;
  for (const PolicyInfo& policy : policies()) {
    EXPECT_FALSE(policy.name.empty());
    EXPECT_TRUE(names.insert(policy.name).second) << "two policies named " << policy.name;
    EXPECT_FALSE(policy.help.empty()) << policy.name;
    EXPECT_EQ(policy.help.find('\n'), std::string::npos) << policy.name;
    EXPECT_NE(policy.make, nullptr) << policy.name;
  }
}

TEST(PolicyRegistry, EveryPolicyMakesAValidPartitionWithoutTheUnusableRank) {
  const Graph g = small_graph();
  std::vector<DeviceSpec> devices = synthetic_cluster("mixed", 4);
  const ClusterProfile all_usable = synthetic_profile(g, devices);
  devices[1].usable = false;
  const ClusterProfile one_unusable = synthetic_profile(g, devices);
  for (const PolicyInfo& policy : policies()) {
    for (const ClusterProfile* profile : {&all_usable, &one_unusable}) {
      Partition p;
      ASSERT_NO_THROW(p = run_policy(policy, g, *profile)) << policy.name;
      EXPECT_EQ(p.world_size, 4) << policy.name;
      EXPECT_NO_THROW(validate_partition(g, p)) << policy.name;
    }
    const Partition p = run_policy(policy, g, one_unusable);
    for (size_t l = 0; l < g.nodes.size(); ++l)
      EXPECT_TRUE(p.rows(static_cast<int>(l), 1).empty())
          << policy.name << " gave the unusable rank rows of " << g.nodes[l].name;
  }
}

TEST(PolicyRegistry, OrderIsTheOrderOfPartitionerNames) {
  std::vector<std::string> names;
  for (const PolicyInfo& policy : policies()) names.push_back(policy.name);
  EXPECT_EQ(names, partitioner_names());
  EXPECT_EQ(names, (std::vector<std::string>{"edgeflow", "lp", "exact", "single", "equal",
                                             "proportional", "layerwise", "random"}));
}

TEST(PolicyRegistry, UnknownNameIsAnErrorNamingItAndTheKnownOnes) {
  EXPECT_EQ(find_policy("bogus"), nullptr);
  EXPECT_EQ(find_policy("equal"), &policy_named("equal"));
  try {
    policy_named("bogus");
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ExitCode::kBadInput);
    const std::string what = e.what();
    EXPECT_NE(what.find("--partitioner: unknown policy 'bogus' (known: edgeflow, lp, "),
              std::string::npos)
        << what;
    for (const PolicyInfo& policy : policies())
      EXPECT_NE(what.find(policy.name), std::string::npos) << what;
  }
}

TEST(PolicyRegistry, OnlyEqualAndRandomPlanWithoutAProfile) {
  std::vector<std::string> without;
  for (const PolicyInfo& policy : policies())
    if (!policy.needs_profile) without.push_back(policy.name);
  EXPECT_EQ(without, (std::vector<std::string>{"equal", "random"}));
}

// The search reports one baseline per seeding policy, in seed order.
TEST(PolicyRegistry, WholePlanSearchStartsFromTheSeedingPolicies) {
  std::set<int> orders;
  for (const PolicyInfo& policy : policies()) {
    if (!policy.seeds_search()) continue;
    EXPECT_TRUE(orders.insert(policy.seed_order).second) << "two seeds at " << policy.seed_order;
  }
  EXPECT_FALSE(policy_named("edgeflow").seeds_search());
  const Graph g = small_graph();
  PartitionReport report;
  make_partition(g, synthetic_profile(g, synthetic_cluster("mixed", 3)), {"edgeflow"}, &report);
  std::vector<std::string> baselines;
  for (const auto& [name, latency_s] : report.baselines) baselines.push_back(name);
  EXPECT_EQ(baselines, (std::vector<std::string>{"single", "equal", "proportional", "layerwise",
                                                 "lp", "exact"}));
}

TEST(PolicyRegistry, HelpHasALinePerPolicyWithinEightyColumns) {
  for (const PolicyInfo& policy : policies()) {
    std::istringstream help(usage_text());
    int found = 0;
    for (std::string line; std::getline(help, line);) {
      if (line.rfind("    " + policy.name + " ", 0) != 0) continue;
      ++found;
      EXPECT_NE(line.find(policy.help), std::string::npos) << line;
      EXPECT_LE(line.size(), 80u) << line;
    }
    EXPECT_EQ(found, 1) << policy.name;
  }
}

TEST(PlanKinds, ParsesTheListAndNamesTheKnownKindsOtherwise) {
  const PlanKinds rows = parse_plan_kinds("rows");
  EXPECT_FALSE(rows.halo_first);
  EXPECT_FALSE(rows.fused);
  EXPECT_FALSE(rows.features);
  EXPECT_FALSE(rows.channels);
  EXPECT_FALSE(rows.branches);
  const PlanKinds all = parse_plan_kinds("features,rows,fused,branches,channels,halo");
  EXPECT_TRUE(all.halo_first);
  EXPECT_TRUE(all.fused);
  EXPECT_TRUE(all.features);
  EXPECT_TRUE(all.channels);
  EXPECT_TRUE(all.branches);
  EXPECT_FALSE(PlanKinds{}.channels);  // the default: every kind but channels
  for (const std::string bad : {"rows,tiles", "rows,", "halo", ""}) {
    try {
      parse_plan_kinds(bad);
      ADD_FAILURE() << "'" << bad << "' was accepted";
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ExitCode::kBadInput);
      EXPECT_NE(std::string(e.what()).find("known: rows, halo, fused, features, channels, branches"), std::string::npos)
          << e.what();
    }
  }
}

// A random plan of small_graph() on three ranks with `kinds` allowed.
Partition random_plan(unsigned seed, const std::string& kinds) {
  PartitionerOptions o;
  o.name = "random";
  o.seed = seed;
  o.kinds = parse_plan_kinds(kinds);
  return make_partition(small_graph(), 3, o);
}

// Random plans mark layers halo-first only where the kinds allow it.
TEST(PlanKinds, RandomMarksHaloFirstLayersOnlyWhenAllowed) {
  const Graph g = small_graph();
  const Partition with = random_plan(5, "rows,halo");
  EXPECT_EQ(with.halo_first.size(), g.nodes.size());
  EXPECT_GT(std::count(with.halo_first.begin(), with.halo_first.end(), 1), 0);
  const Partition without = random_plan(5, "rows");
  EXPECT_TRUE(without.halo_first.empty());
  EXPECT_EQ(with.cuts, without.cuts);
}

// Random plans fuse layers into their readers only where the kinds allow it.
TEST(PlanKinds, RandomFusesLayersOnlyWhenAllowed) {
  const Graph g = small_graph();
  const Partition with = random_plan(5, "rows,fused");
  EXPECT_EQ(with.fused.size(), g.nodes.size());
  EXPECT_GT(std::count(with.fused.begin(), with.fused.end(), 1), 0);
  for (size_t n = 0; n < g.nodes.size(); ++n)
    if (with.fused[n]) {
      EXPECT_TRUE(can_be_fused(g.nodes[n])) << g.nodes[n].name;
    }
  const Partition without = random_plan(5, "rows");
  EXPECT_TRUE(without.fused.empty());
  EXPECT_EQ(with.cuts, without.cuts);
  EXPECT_NO_THROW(validate_partition(g, with));
}

// Random plans place branches whole on one rank only where the kinds allow it.
TEST(PlanKinds, RandomPlacesBranchesWholeOnlyWhenAllowed) {
  const Graph g = small_graph();
  const Partition with = random_plan(3, "rows,branches");
  const Partition without = random_plan(3, "rows");
  int changed = 0;
  for (size_t n = 0; n < g.nodes.size(); ++n) {
    if (with.cuts[n] == without.cuts[n]) continue;
    ++changed;
    int ranks_with_rows = 0;
    for (int r = 0; r < 3; ++r) ranks_with_rows += !with.rows(static_cast<int>(n), r).empty();
    EXPECT_EQ(ranks_with_rows, 1) << g.nodes[n].name;
  }
  EXPECT_GT(changed, 0);
  EXPECT_NO_THROW(validate_partition(g, with));
}

}  // namespace
}  // namespace edgeflow
