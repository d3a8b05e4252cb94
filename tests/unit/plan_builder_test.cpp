// Plan building on tiny DAGs: input requirements, forwarding tables and
// buffers checked exactly, and the wire form of the graph round-trips.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <tuple>

#include "dag_builder.h"
#include "edgeflow/error.h"
#include "edgeflow/partition.h"
#include "edgeflow/plan.h"

namespace edgeflow {
namespace {

using test::DagBuilder;

struct Flow {
  int value, src, dst;
  int64_t begin, end;
  bool operator==(const Flow& o) const {
    return value == o.value && src == o.src && dst == o.dst && begin == o.begin && end == o.end;
  }
};

std::ostream& operator<<(std::ostream& os, const Flow& f) {
  return os << "{value " << f.value << ", " << f.src << "->" << f.dst << ", [" << f.begin << ","
            << f.end << ")}";
}

// Every transfer of the plan, seen from the receiving side, sorted by
// (value, source, destination, first row).
std::vector<Flow> flows(const std::vector<planpb::RankPlan>& plans) {
  std::vector<Flow> out;
  for (const auto& p : plans)
    for (const auto& t : p.recvs())
      out.push_back(Flow{t.value(), t.peer(), p.rank(), t.row_begin(), t.row_end()});
  auto key = [](const Flow& f) { return std::make_tuple(f.value, f.src, f.dst, f.begin); };
  std::sort(out.begin(), out.end(), [&](const Flow& x, const Flow& y) { return key(x) < key(y); });
  return out;
}

Partition equal(const Graph& g, int world) { return make_partition(g, world, {"equal", 1}); }

// Each receive is announced by exactly one send with the same edge and rows.
void expect_sends_match_recvs(const std::vector<planpb::RankPlan>& plans) {
  std::map<int, std::pair<int, const planpb::Transfer*>> sends;  // edge -> (src, transfer)
  for (const auto& p : plans) {
    for (const auto& u : p.units())
      for (const auto& t : u.forward()) EXPECT_TRUE(sends.emplace(t.edge(), std::make_pair(p.rank(), &t)).second);
    for (const auto& t : p.input_sends())
      EXPECT_TRUE(sends.emplace(t.edge(), std::make_pair(p.rank(), &t)).second);
  }
  size_t recvs = 0;
  for (const auto& p : plans)
    for (const auto& t : p.recvs()) {
      ++recvs;
      auto it = sends.find(t.edge());
      ASSERT_NE(it, sends.end()) << "edge " << t.edge();
      EXPECT_EQ(it->second.first, t.peer());
      EXPECT_EQ(it->second.second->peer(), p.rank());
      EXPECT_EQ(it->second.second->row_begin(), t.row_begin());
      EXPECT_EQ(it->second.second->row_end(), t.row_end());
    }
  EXPECT_EQ(recvs, sends.size());
}

TEST(PlanBuilder, DiamondTwoRanksMovesOnlyHalosAndTheGather) {
  DagBuilder b(Shape({1, 4, 8, 8}));
  const ValueId a = b.conv("a", 0, 4, 3);       // value 1
  const ValueId c = b.conv("b", 0, 4, 3);       // value 2
  const ValueId s = b.sum("sum", a, c);         // value 3
  const ValueId g = b.global_pool("gap", s);    // value 4
  const ValueId f = b.flatten("flat", g);       // value 5
  const Graph graph = b.finish(b.gemm("fc", f, 3));  // value 6
  const auto plans = build_plans(graph, equal(graph, 2));

  // Rank 1 computes rows [4, 8) of both convs: it reads input rows [3, 8);
  // the whole-input layers run on rank 0, which gathers rows [4, 8) of the sum.
  const std::vector<Flow> expected{{0, 0, 1, 3, 8}, {3, 1, 0, 4, 8}};
  EXPECT_EQ(flows(plans), expected);
  expect_sends_match_recvs(plans);

  ASSERT_EQ(plans[1].units_size(), 3);  // a, b, sum
  const auto& conv_a = plans[1].units(0);
  EXPECT_EQ(conv_a.row_begin(), 4);
  EXPECT_EQ(conv_a.row_end(), 8);
  ASSERT_EQ(conv_a.inputs_size(), 1);
  EXPECT_EQ(conv_a.inputs(0).row_begin(), 3);
  EXPECT_EQ(conv_a.inputs(0).row_end(), 8);
  ASSERT_EQ(conv_a.inputs(0).recv_edges_size(), 1);
  EXPECT_EQ(plans[1].units(2).forward_size(), 1);  // sum -> rank 0
  EXPECT_EQ(plans[1].units(2).forward(0).peer(), 0);

  ASSERT_EQ(plans[0].units_size(), 6);  // a, b, sum rows [0,4), gap, flat, fc
  EXPECT_EQ(plans[0].units(3).inputs(0).recv_edges_size(), 1);  // gap waits for rank 1
  EXPECT_EQ(plans[0].input_sends_size(), 1);
  for (int u = 0; u < 3; ++u) EXPECT_EQ(plans[0].units(u).forward_size(), 0);

  const auto bytes = planned_bytes(graph, plans);
  EXPECT_EQ(bytes[0][1], 5 * 8 * 4 * 4);
  EXPECT_EQ(bytes[1][0], 4 * 8 * 4 * 4);
}

TEST(PlanBuilder, ResidualChainThreeRanksExchangesHalosBothWays) {
  DagBuilder b(Shape({1, 2, 9, 5}));
  const ValueId c1 = b.conv("c1", 0, 2, 3);
  const ValueId c2 = b.conv("c2", c1, 2, 3);
  const Graph graph = b.finish(b.sum("res", c1, c2));
  const auto plans = build_plans(graph, equal(graph, 3));  // rows [0,3) [3,6) [6,9)
  const std::vector<Flow> expected{
      {0, 0, 1, 2, 7}, {0, 0, 2, 5, 9},                  // input slices with halos
      {1, 0, 1, 2, 3}, {1, 1, 0, 3, 4}, {1, 1, 2, 5, 6},  // c1 halos for c2
      {1, 2, 1, 6, 7},
      {3, 1, 0, 3, 6}, {3, 2, 0, 6, 9},                  // the output gathered on rank 0
  };
  EXPECT_EQ(flows(plans), expected);
  expect_sends_match_recvs(plans);
  // c2 on rank 1 waits for both neighbours' c1 halos, and nothing else.
  const auto& c2_unit = plans[1].units(1);
  EXPECT_EQ(c2_unit.node(), 1);
  EXPECT_EQ(c2_unit.inputs(0).row_begin(), 2);
  EXPECT_EQ(c2_unit.inputs(0).row_end(), 7);
  EXPECT_EQ(c2_unit.inputs(0).recv_edges_size(), 2);
}

TEST(PlanBuilder, ConcatOfThreeBranchesReadsLocalRowsOnly) {
  DagBuilder b(Shape({1, 3, 6, 6}));
  const ValueId x = b.conv("stem", 0, 4, 1);
  const ValueId p = b.conv("p", x, 2, 1);
  const ValueId q = b.conv("q", x, 3, 1);
  const ValueId r = b.conv("r", x, 1, 1);
  const Graph graph = b.finish(b.concat("cat", {p, q, r}));
  const auto plans = build_plans(graph, equal(graph, 2));
  // 1x1 convs and the concat need no halo: only the input slice and the
  // output gather cross ranks.
  const std::vector<Flow> expected{{0, 0, 1, 3, 6}, {5, 1, 0, 3, 6}};
  EXPECT_EQ(flows(plans), expected);
  const auto& cat = plans[1].units(4);
  ASSERT_EQ(cat.inputs_size(), 3);
  for (const auto& in : cat.inputs()) EXPECT_EQ(in.recv_edges_size(), 0);
}

TEST(PlanBuilder, WholeUnitBetweenSpatialLayersGathersThenScattersNothing) {
  DagBuilder b(Shape({1, 2, 4, 4}));
  const ValueId c = b.conv("c", 0, 2, 3);
  const ValueId g = b.global_pool("gap", c);
  const Graph graph = b.finish(b.conv("after", g, 2, 1));  // a 1x1 map: one row
  Partition p = make_partition(graph, 2, {"equal", 1});
  p.cuts[2] = {0, 0, 1};  // the 1-row conv after the gap on rank 1
  const auto plans = build_plans(graph, p);
  const std::vector<Flow> expected{{0, 0, 1, 1, 4}, {1, 1, 0, 2, 4}, {2, 0, 1, 0, 1},
                                   {3, 1, 0, 0, 1}};
  EXPECT_EQ(flows(plans), expected);
  EXPECT_EQ(plans[0].units_size(), 2);  // c rows [0,2), gap
  EXPECT_EQ(plans[1].units_size(), 2);  // c rows [2,4), after
}

TEST(PlanBuilder, MoreRanksThanRowsGivesZeroRowRanksNoUnits) {
  DagBuilder b(Shape({1, 1, 2, 3}));
  const Graph graph = b.finish(b.conv("c", 0, 1, 3));
  const auto plans = build_plans(graph, equal(graph, 4));
  int ranks_with_units = 0;
  for (const auto& p : plans) ranks_with_units += p.units_size() > 0;
  EXPECT_EQ(ranks_with_units, 2);
  expect_sends_match_recvs(plans);
}

TEST(PlanBuilder, RejectsACutOutsideTheLayer) {
  DagBuilder b(Shape({1, 1, 4, 4}));
  const Graph graph = b.finish(b.conv("c", 0, 1, 3));
  Partition p = equal(graph, 2);
  p.cuts[0] = {0, 5, 4};
  EXPECT_THROW(build_plans(graph, p), Error);
}

TEST(PlanCodec, GraphRoundTripsThroughTheWireForm) {
  DagBuilder b(Shape({1, 3, 5, 5}));
  const ValueId c = b.conv("c", 0, 4, 3, 2, true);
  const Graph graph = b.finish(b.gemm("fc", b.flatten("f", b.global_pool("g", c)), 2));
  planpb::Graph wire;
  encode_graph(graph, true, &wire);
  planpb::Graph parsed;
  ASSERT_TRUE(parsed.ParseFromString(wire.SerializeAsString()));
  const Graph back = decode_graph(parsed);
  ASSERT_EQ(back.nodes.size(), graph.nodes.size());
  const auto& c0 = std::get<ConvAttrs>(graph.nodes[0].attrs);
  const auto& c1 = std::get<ConvAttrs>(back.nodes[0].attrs);
  EXPECT_EQ(c1.weight.values(), c0.weight.values());
  EXPECT_EQ(c1.weight.shape(), c0.weight.shape());
  EXPECT_EQ(c1.bias, c0.bias);
  EXPECT_EQ(c1.window.stride_h, 2);
  EXPECT_EQ(c1.activation.kind, Activation::Kind::kRelu);
  EXPECT_EQ(std::get<GemmAttrs>(back.nodes[3].attrs).weight.values(),
            std::get<GemmAttrs>(graph.nodes[3].attrs).weight.values());
  for (size_t v = 0; v < graph.values.size(); ++v)
    EXPECT_EQ(back.values[v].shape, graph.values[v].shape);
}

TEST(PlanCodec, DecodingRejectsBadIndicesAndSizes) {
  DagBuilder b(Shape({1, 3, 5, 5}));
  const Graph graph = b.finish(b.conv("c", 0, 4, 3));
  planpb::Graph wire;
  encode_graph(graph, true, &wire);
  planpb::Graph bad_input = wire;
  bad_input.mutable_nodes(0)->set_inputs(0, 99);
  EXPECT_THROW(decode_graph(bad_input), Error);
  planpb::Graph bad_weight = wire;
  bad_weight.mutable_nodes(0)->mutable_conv()->mutable_weight()->set_data("abc");
  EXPECT_THROW(decode_graph(bad_weight), Error);
  planpb::Graph bad_dim = wire;
  bad_dim.mutable_values(0)->set_dims(2, -3);
  EXPECT_THROW(decode_graph(bad_dim), Error);
}

TEST(PlanValidate, AcceptsBuiltPlansAndRejectsTamperedOnes) {
  DagBuilder b(Shape({1, 2, 8, 8}));
  const ValueId c = b.conv("c1", 0, 2, 3);
  const Graph graph = b.finish(b.conv("c2", c, 2, 3));
  auto plans = build_plans(graph, equal(graph, 2));
  for (const auto& p : plans) EXPECT_NO_THROW(validate_plan(p, graph));
  auto tampered = plans[1];
  tampered.mutable_units(0)->mutable_inputs(0)->set_row_begin(0);
  EXPECT_THROW(validate_plan(tampered, graph), Error);
  auto outside = plans[1];
  outside.mutable_recvs(0)->set_row_end(100);
  EXPECT_THROW(validate_plan(outside, graph), Error);
}

// The message of an Error thrown by `f`, or "" if none was.
template <typename F>
std::string error_of(F&& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

// Two 3x3 convs over 9 rows on three ranks, equal cuts, c1 halo-first: rank 1
// computes c1 rows [3, 6); rank 0 reads row 3 and rank 2 row 5.
struct HaloFirstChain {
  Graph graph;
  Partition partition;
  HaloFirstChain() {
    DagBuilder b(Shape({1, 2, 9, 4}));
    const ValueId c = b.conv("c1", 0, 2, 3);
    graph = b.finish(b.conv("c2", c, 2, 3));
    partition = equal(graph, 3);
    partition.halo_first = {1, 0};
  }
};

// Rows 3 and 5 of c1 are units of their own on rank 1, first, each
// forwarding its own row, and the rows between come after.
TEST(PlanBuilder, HaloFirstSendsTheRowsOthersReadFirst) {
  const HaloFirstChain chain;
  const Graph& graph = chain.graph;
  const Partition& p = chain.partition;
  const auto plans = build_plans(graph, p);
  const planpb::RankPlan& mid = plans[1];
  ASSERT_EQ(mid.units_size(), 4);
  const std::vector<std::pair<int64_t, int64_t>> rows = {{3, 4}, {5, 6}, {4, 5}, {3, 6}};
  for (int u = 0; u < 4; ++u) {
    EXPECT_EQ(mid.units(u).node(), u < 3 ? 0 : 1) << "unit " << u;
    EXPECT_EQ(std::make_pair(mid.units(u).row_begin(), mid.units(u).row_end()), rows[u])
        << "unit " << u;
  }
  ASSERT_EQ(mid.units(0).forward_size(), 1);
  EXPECT_EQ(mid.units(0).forward(0).peer(), 0);
  ASSERT_EQ(mid.units(1).forward_size(), 1);
  EXPECT_EQ(mid.units(1).forward(0).peer(), 2);
  EXPECT_EQ(mid.units(2).forward_size(), 0);
  // Each piece reads only the input rows its own rows need.
  EXPECT_EQ(mid.units(0).inputs(0).row_begin(), 2);
  EXPECT_EQ(mid.units(0).inputs(0).row_end(), 5);
  // The same messages as without the split.
  Partition rows_only = p;
  rows_only.halo_first.clear();
  EXPECT_EQ(flows(plans), flows(build_plans(graph, rows_only)));
  for (const auto& plan : plans) EXPECT_NO_THROW(validate_plan(plan, graph));
  const std::vector<std::vector<int>> deps = local_dependencies(mid, graph);
  EXPECT_EQ(deps[3], (std::vector<int>{0, 1, 2}));  // c2 reads all three pieces
}

TEST(PlanBuilder, AWholeInputLayerCannotBeHaloFirst) {
  DagBuilder b(Shape({1, 2, 6, 4}));
  const Graph graph = b.finish(b.gemm("fc", b.flatten("flat", b.conv("c", 0, 2, 3)), 5));
  Partition p = equal(graph, 2);
  p.halo_first = {1, 0, 0};
  EXPECT_NO_THROW(build_plans(graph, p));
  p.halo_first = {0, 1, 0};
  EXPECT_NE(error_of([&] { build_plans(graph, p); })
                .find("layer 'flat': a whole-input layer cannot be halo-first"),
            std::string::npos);
}

// Three 3x3 convs over 9 rows on three ranks, equal cuts [0, 3, 6, 9], c1
// and c2 fused into their readers: a fused stack ending in c3. Rank 1
// computes c3 [3, 6), so c2 [2, 7), so c1 [1, 8), from input rows [0, 9).
struct FusedStack {
  Graph graph;
  Partition partition;
  FusedStack() {
    DagBuilder b(Shape({1, 2, 9, 4}));
    const ValueId c1 = b.conv("c1", 0, 2, 3);
    const ValueId c2 = b.conv("c2", c1, 2, 3);
    graph = b.finish(b.conv("c3", c2, 2, 3));
    partition = equal(graph, 3);
    partition.fused = {1, 1, 0};
  }
};

std::vector<std::pair<int64_t, int64_t>> unit_rows(const planpb::RankPlan& plan) {
  std::vector<std::pair<int64_t, int64_t>> rows;
  for (const auto& u : plan.units()) rows.emplace_back(u.row_begin(), u.row_end());
  return rows;
}

// Each rank computes the tile of c1 and c2 its c3 rows read, so the halos
// move once: the input into the stack, and c3's rows to rank 0 (the result).
TEST(PlanBuilder, AFusedStackMovesItsHalosOnceAndRecomputesTheOverlap) {
  const FusedStack stack;
  const auto plans = build_plans(stack.graph, stack.partition);
  using Rows = std::vector<std::pair<int64_t, int64_t>>;
  EXPECT_EQ(unit_rows(plans[0]), (Rows{{0, 5}, {0, 4}, {0, 3}}));
  EXPECT_EQ(unit_rows(plans[1]), (Rows{{1, 8}, {2, 7}, {3, 6}}));
  EXPECT_EQ(unit_rows(plans[2]), (Rows{{4, 9}, {5, 9}, {6, 9}}));
  EXPECT_EQ(plans[1].units(0).inputs(0).row_begin(), 0);
  EXPECT_EQ(plans[1].units(0).inputs(0).row_end(), 9);
  const int in = stack.graph.input, c3 = stack.graph.nodes[2].output;
  EXPECT_EQ(flows(plans), (std::vector<Flow>{{in, 0, 1, 0, 9},
                                             {in, 0, 2, 3, 9},
                                             {c3, 1, 0, 3, 6},
                                             {c3, 2, 0, 6, 9}}));
  expect_sends_match_recvs(plans);
  for (const auto& plan : plans) EXPECT_NO_THROW(validate_plan(plan, stack.graph));
  // Unfused, every layer's halos move: more messages, fewer rows computed.
  Partition rows_only = stack.partition;
  rows_only.fused.clear();
  EXPECT_GT(flows(build_plans(stack.graph, rows_only)).size(), flows(plans).size());
}

// Only the fused layer's readers on the same rank read its recomputed rows;
// a rank reading an unfused layer's rows still receives them from the owner.
TEST(PlanBuilder, AFusedLayerFeedsOnlyItsOwnRanksReaders) {
  FusedStack stack;
  stack.partition.fused = {0, 1, 0};  // c2 fused, c1 not: c1's halos move
  const auto plans = build_plans(stack.graph, stack.partition);
  using Rows = std::vector<std::pair<int64_t, int64_t>>;
  EXPECT_EQ(unit_rows(plans[1]), (Rows{{3, 6}, {2, 7}, {3, 6}}));
  const int c1 = stack.graph.nodes[0].output;
  int c1_messages = 0;
  for (const Flow& f : flows(plans)) c1_messages += f.value == c1;
  EXPECT_EQ(c1_messages, 4);  // rank 1 reads c1 [1, 3) and [6, 8); ranks 0 and 2 one run each
  for (const auto& plan : plans) EXPECT_NO_THROW(validate_plan(plan, stack.graph));
}

TEST(PlanBuilder, AWholeInputLayerCannotBeFused) {
  DagBuilder b(Shape({1, 2, 6, 4}));
  const Graph graph = b.finish(b.gemm("fc", b.flatten("flat", b.conv("c", 0, 2, 3)), 5));
  Partition p = equal(graph, 2);
  p.fused = {1, 0, 0};
  EXPECT_NO_THROW(build_plans(graph, p));
  p.fused = {0, 1, 0};
  EXPECT_NE(error_of([&] { build_plans(graph, p); })
                .find("layer 'flat': a whole-input layer cannot be fused"),
            std::string::npos);
}

// A fused stack whose tile is cut short: c3's rows read c2 rows the rank
// no longer computes, and the validator names the unit.
TEST(PlanValidate, RefusesAFusedStackWhoseTileDoesNotCoverWhatItReads) {
  const FusedStack stack;
  planpb::RankPlan mid = build_plans(stack.graph, stack.partition)[1];
  mid.mutable_units(1)->set_row_begin(3);                    // c2 [3, 7), not [2, 7)
  mid.mutable_units(1)->mutable_inputs(0)->set_row_begin(2);  // as its row map says
  EXPECT_NE(error_of([&] { validate_plan(mid, stack.graph); })
                .find("unit 'c3' rows [3, 6) reads rows [2, 3) of"),
            std::string::npos);
}

TEST(PlanValidate, RefusesUnitsThatOverlapOrReadRowsNobodyProvides) {
  const HaloFirstChain chain;
  const Graph& graph = chain.graph;
  const planpb::RankPlan mid = build_plans(graph, chain.partition)[1];

  planpb::RankPlan overlap = mid;
  overlap.mutable_units(2)->set_row_begin(3);  // the interior piece now covers row 3 too
  overlap.mutable_units(2)->mutable_inputs(0)->set_row_begin(2);  // as its row map says
  EXPECT_NE(error_of([&] { validate_plan(overlap, graph); })
                .find("units of 'c1' both compute rows [3, 4)"),
            std::string::npos);

  planpb::RankPlan uncovered = mid;
  uncovered.mutable_units()->DeleteSubrange(2, 1);  // nobody computes c1 row 4
  EXPECT_NE(error_of([&] { validate_plan(uncovered, graph); })
                .find("unit 'c2' rows [3, 6) reads rows [4, 5) of"),
            std::string::npos);

  planpb::RankPlan unknown_edge = mid;
  unknown_edge.mutable_units(3)->mutable_inputs(0)->add_recv_edges(
      mid.units(0).forward(0).edge());  // an edge the rank sends, never receives
  EXPECT_NE(error_of([&] { validate_plan(unknown_edge, graph); }).find("which the rank never receives"),
            std::string::npos);
}

}  // namespace
}  // namespace edgeflow
