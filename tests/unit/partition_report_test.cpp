// Plan explanations: the table, the JSON and the Graphviz DOT name every
// layer with its rows per rank and agree with the prediction.
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "dag_builder.h"
#include "edgeflow/cost.h"
#include "edgeflow/error.h"
#include "edgeflow/plan_report.h"

namespace edgeflow {
namespace {

using test::DagBuilder;

struct Fixture {
  Graph graph;
  ClusterProfile profile;
  Partition partition;
  PlanPrediction prediction;
};

Fixture make_fixture() {
  DagBuilder b(Shape({1, 4, 24, 8}));
  ValueId x = b.conv("stem", 0, 8, 3, 1, true);
  ValueId a = b.conv("left", x, 8, 3);
  ValueId c = b.conv("right", x, 8, 1);
  ValueId s = b.sum("join", a, c);
  Fixture f{b.finish(b.gemm("head", b.flatten("flat", b.global_pool("gap", s)), 5)), {}, {}, {}};
  f.profile = synthetic_profile(f.graph, synthetic_cluster("homogeneous", 3));
  f.partition = make_partition(f.graph, f.profile, {"equal", 1});
  f.prediction = simulate_plan(f.graph, f.partition, f.profile);
  return f;
}

size_t count(const std::string& text, const std::string& what) {
  size_t n = 0;
  for (size_t pos = text.find(what); pos != std::string::npos; pos = text.find(what, pos + 1)) ++n;
  return n;
}

TEST(PlanTable, OneLinePerLayerWithRowsPerRankAndTheLatency) {
  const Fixture f = make_fixture();
  const std::string table = plan_table(f.graph, f.partition, f.prediction);
  std::istringstream lines(table);
  std::vector<std::string> rows;
  for (std::string line; std::getline(lines, line);) rows.push_back(line);
  ASSERT_EQ(rows.size(), f.graph.nodes.size() + 3);  // header, input, layers, total
  EXPECT_NE(rows[1].find("(input)"), std::string::npos);
  for (size_t l = 0; l < f.graph.nodes.size(); ++l) {
    const std::string& row = rows[l + 2];
    EXPECT_EQ(row.rfind(f.graph.nodes[l].name, 0), 0u) << row;
    EXPECT_NE(row.find(op_name(f.graph.nodes[l].op)), std::string::npos) << row;
  }
  EXPECT_NE(rows[2].find("8/8/8"), std::string::npos) << rows[2];  // stem: 24 rows on 3 ranks
  char latency[64];
  std::snprintf(latency, sizeof latency, "%.3f ms", 1e3 * f.prediction.latency_s);
  EXPECT_NE(rows.back().find(std::string("predicted end-to-end latency: ") + latency),
            std::string::npos)
      << rows.back();
}

TEST(PlanJson, CarriesEveryLayerAndTheLatency) {
  const Fixture f = make_fixture();
  const std::string json = plan_json(f.graph, f.partition, f.prediction);
  EXPECT_EQ(json.front(), '{');
  EXPECT_EQ(json.back(), '}');
  EXPECT_EQ(json.find('\n'), std::string::npos);
  EXPECT_NE(json.find("\"world_size\":3"), std::string::npos);
  EXPECT_NE(json.find("\"latency_ms\":"), std::string::npos);
  EXPECT_EQ(count(json, "\"rows_per_rank\":"), f.graph.nodes.size());
  EXPECT_NE(json.find("{\"name\":\"stem\",\"op\":\"Conv\",\"rows\":24,\"rows_per_rank\":[8,8,8],"
                      "\"cuts\":[0,8,16,24],\"halo_first\":false,\"fused\":false"),
            std::string::npos)
      << json;
  // The Gemm runs on one rank: the others have no times.
  EXPECT_NE(json.find("\"name\":\"head\""), std::string::npos);
  EXPECT_NE(json.find("null"), std::string::npos);
  EXPECT_NE(json.find("\"links\":[{\"src\":"), std::string::npos);
}

TEST(PlanDot, NodesCarryRowsPerRankAndEdgesFollowTheGraph) {
  const Fixture f = make_fixture();
  const std::string dot = plan_dot(f.graph, f.partition);
  EXPECT_EQ(dot.rfind("digraph plan {", 0), 0u);
  size_t edges = f.graph.outputs.size();
  for (const Node& n : f.graph.nodes) edges += n.inputs.size();
  EXPECT_EQ(count(dot, " -> "), edges);
  for (size_t l = 0; l < f.graph.nodes.size(); ++l)
    EXPECT_NE(dot.find("  n" + std::to_string(l) + " [label=\"" + f.graph.nodes[l].name + "\\n"),
              std::string::npos);
  EXPECT_NE(dot.find("rows 8/8/8"), std::string::npos);
  EXPECT_NE(dot.find("input -> n0;"), std::string::npos);
}

TEST(PlanDot, WritesTheFileAndNamesItWhenItCannot) {
  const Fixture f = make_fixture();
  const std::string path = ::testing::TempDir() + "edgeflow_plan_test.dot";
  write_plan_dot(path, f.graph, f.partition);
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  EXPECT_EQ(text.str(), plan_dot(f.graph, f.partition));
  std::filesystem::remove(path);
  try {
    write_plan_dot("/nonexistent-dir/plan.dot", f.graph, f.partition);
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ExitCode::kBadInput);
    EXPECT_NE(std::string(e.what()).find("/nonexistent-dir/plan.dot"), std::string::npos);
  }
}

}  // namespace
}  // namespace edgeflow
