// The plan simulator against an independent event simulation of the plans
// build_plans makes (the runtime's own units, receive edges and forwarding
// tables), with the same costs: a free rank runs the first unit in its plan
// order whose messages have arrived and whose rows from the rank's own units
// are computed (dataflow), messages leave when their unit finishes (the
// input: from rank 0 at time 0) and take the sender's uplink, then the
// receiver's downlink, in the order they are posted (the emulated cluster's
// queues). Plus a few timelines worked out by hand.
#include <gtest/gtest.h>

#include <algorithm>
#include <limits>
#include <map>
#include <random>

#include "dag_builder.h"
#include "edgeflow/cost.h"
#include "edgeflow/onnx_import.h"
#include "edgeflow/plan.h"
#include "edgeflow/plan_simulator.h"
#include "partition_fixtures.h"

namespace edgeflow {
namespace {

using test::DagBuilder;

constexpr double kNever = std::numeric_limits<double>::infinity();

// The reference: a time-stepped state machine over the RankPlans.
double reference_latency(const Graph& graph, const std::vector<planpb::RankPlan>& plans,
                         const ClusterProfile& profile) {
  const int n = static_cast<int>(plans.size());
  struct Message {
    int src = -1, dst = -1;
    int64_t bytes = 0;
    double post = kNever, arrival = kNever;
    bool started = false;
  };
  const int num_edges = plans[0].num_edges();
  std::vector<Message> msg(num_edges);
  for (const auto& p : plans)
    for (const auto& t : p.recvs()) {
      Message& m = msg[t.edge()];
      m.src = t.peer();
      m.dst = p.rank();
      m.bytes = (t.row_end() - t.row_begin()) * graph.shape_of(t.value()).row_elements() * 4;
    }
  struct Rank {
    int running = -1;  // the unit it runs
    double busy_until = 0.0;
    std::vector<char> done;  // by unit
  };
  std::vector<Rank> ranks(n);
  for (int r = 0; r < n; ++r) ranks[r].done.assign(plans[r].units_size(), 0);
  // Unit w of the rank computes rows unit u reads.
  auto feeds = [&](const planpb::RankPlan& plan, int w, const planpb::Unit& u) {
    const planpb::Unit& from = plan.units(w);
    for (const auto& req : u.inputs())
      if (graph.values[req.value()].producer == from.node() &&
          std::max(req.row_begin(), from.row_begin()) < std::min(req.row_end(), from.row_end()))
        return true;
    return false;
  };
  std::vector<double> up(n, 0.0), down(n, 0.0);
  for (const auto& t : plans[0].input_sends()) msg[t.edge()].post = 0.0;
  double t = 0.0;
  for (int step = 0; step < 10000000; ++step) {
    // Finished units post their forwarding table.
    for (int r = 0; r < n; ++r) {
      Rank& rk = ranks[r];
      if (rk.running < 0 || rk.busy_until > t) continue;
      for (const auto& f : plans[r].units(rk.running).forward()) msg[f.edge()].post = t;
      rk.done[rk.running] = 1;
      rk.running = -1;
    }
    // Messages posted now take the sender's uplink, then the receiver's
    // downlink, in edge order; their arrival is known from then on.
    for (int e = 0; e < num_edges; ++e) {
      Message& m = msg[e];
      if (m.started || m.post > t) continue;
      const LinkCost& link = profile.links[m.src][m.dst];
      const double occupancy = static_cast<double>(m.bytes) / link.bytes_per_s;
      double start = m.post;
      if (profile.link_queues) {
        const double up_start = std::max(m.post, up[m.src]);
        up[m.src] = up_start + occupancy;
        start = std::max(up_start, down[m.dst]);
        down[m.dst] = start + occupancy;
      }
      m.arrival = start + occupancy + link.latency_s;
      m.started = true;
    }
    // Idle ranks start their first unit, in plan order, whose receives have
    // arrived and whose local inputs are computed.
    for (int r = 0; r < n; ++r) {
      Rank& rk = ranks[r];
      if (rk.running >= 0) continue;
      for (int k = 0; k < plans[r].units_size(); ++k) {
        if (rk.done[k]) continue;
        const planpb::Unit& u = plans[r].units(k);
        bool ready = true;
        for (const auto& req : u.inputs())
          for (int e : req.recv_edges()) ready &= msg[e].arrival <= t;
        for (int w = 0; w < plans[r].units_size(); ++w)
          if (w != k && rk.done[w] != 1 && feeds(plans[r], w, u)) ready = false;
        if (!ready) continue;
        rk.running = k;
        // Its compute, then the CPU time of posting each message it sends.
        const RowRange rows{u.row_begin(), u.row_end()};
        rk.busy_until = t + profile.compute[u.node()][r].seconds(rows) +
                        profile.message_cpu(r) * u.forward_size();
        rk.done[k] = 2;  // started
        break;
      }
    }
    // Next event: a unit finishing or a message arriving.
    double next = kNever;
    for (const Rank& rk : ranks)
      if (rk.running >= 0) next = std::min(next, rk.busy_until);
    for (const Message& m : msg)
      if (m.started && m.arrival > t) next = std::min(next, m.arrival);
    if (next == kNever) break;
    EXPECT_GT(next, t);
    t = next;
  }
  double latency = ranks[0].busy_until;
  for (int r = 0; r < n; ++r)
    EXPECT_EQ(std::count(ranks[r].done.begin(), ranks[r].done.end(), 1), plans[r].units_size())
        << "rank " << r;
  for (const Message& m : msg) {
    EXPECT_TRUE(m.started);
    if (m.dst == 0) latency = std::max(latency, m.arrival);
  }
  return latency;
}

void expect_matches_reference(const Graph& graph, const Partition& p, const ClusterProfile& profile,
                              const std::string& what) {
  const PlanPrediction pred = simulate_plan(graph, p, profile);
  const std::vector<planpb::RankPlan> plans = build_plans(graph, p);
  const double ref = reference_latency(graph, plans, profile);
  EXPECT_NEAR(pred.latency_s, ref, 1e-9 * ref) << what;
  EXPECT_EQ(pred.bytes, planned_bytes(graph, plans)) << what;
  EXPECT_EQ(pred.messages, plans[0].num_edges()) << what;
}

// A small DAG with every kind of flow: strided convs, a pool, a residual
// add, a concat of branches, and a whole-input tail.
Graph branchy_graph() {
  DagBuilder b(Shape({1, 3, 40, 24}));
  ValueId x = b.conv("stem", 0, 8, 3, 2, true);
  ValueId p = b.max_pool("pool", x, 3, 2, 1);
  ValueId a = b.conv("a1", p, 8, 3, 1, true);
  ValueId c = b.conv("a2", a, 8, 5, 1);
  ValueId s = b.sum("res", c, p);
  ValueId d = b.conv("b1", s, 4, 1);
  ValueId e = b.conv("b2", s, 4, 3);
  ValueId cat = b.concat("cat", {d, e, s});
  ValueId g = b.global_pool("gap", cat);
  ValueId f = b.flatten("flat", g);
  return b.finish(b.gemm("fc", f, 10));
}

ClusterProfile random_profile(const Graph& g, int n, std::mt19937_64& rng, bool queues) {
  std::uniform_real_distribution<double> u(0, 1);
  std::vector<DeviceSpec> d(n);
  for (DeviceSpec& x : d) {
    x.flops_per_s = 1e8 * std::pow(8.0, u(rng));
    x.bandwidth_bits_per_s = 1e6 * std::pow(10.0, 1 + 2 * u(rng));
    x.latency_s = 1e-4 * u(rng);
  }
  ClusterProfile p = synthetic_profile(g, d, 1e-5 * u(rng));
  p.link_queues = queues;
  for (int r = 0; r < n; ++r) p.message_cpu_s.push_back(2e-5 * u(rng));
  return p;
}

TEST(Simulator, MatchesAnIndependentEventSimulationOnRandomPlans) {
  const Graph g = branchy_graph();
  std::mt19937_64 rng(3);
  for (int trial = 0; trial < 60; ++trial) {
    const int n = 1 + trial % 5;
    const bool queues = trial % 2 == 0;
    const ClusterProfile profile = random_profile(g, n, rng, queues);
    PartitionerOptions o;
    o.name = trial % 3 == 0 ? "equal" : "random";
    o.seed = trial;
    Partition p = make_partition(g, profile, o);
    // Every other trial marks a random half of the layers halo-first (the
    // random policy fuses a random half into their readers).
    const bool halo = trial % 4 >= 2;
    if (halo) {
      p.halo_first.resize(g.nodes.size());
      for (size_t l = 0; l < g.nodes.size(); ++l)
        p.halo_first[l] = static_cast<char>(rng() % 2 && !needs_whole_input(g.nodes[l]));
    }
    expect_matches_reference(g, p, profile,
                             "trial " + std::to_string(trial) + ", " + std::to_string(n) +
                                 " ranks, " + o.name + (queues ? ", queues" : ", free links") +
                                 (halo ? ", halo-first" : ""));
  }
}

TEST(Simulator, MatchesAnIndependentEventSimulationOnZooPlans) {
  for (const std::string model : {"resnet18", "googlenet"}) {
    const Graph g = import_onnx(test::zoo_path(model), {});
    for (const std::string& cluster : synthetic_cluster_names()) {
      const ClusterProfile profile = synthetic_profile(g, synthetic_cluster(cluster, 4));
      for (const std::string policy : {"equal", "random", "lp"}) {
        PartitionerOptions o;
        o.name = policy;
        Partition p = make_partition(g, profile, o);
        expect_matches_reference(g, p, profile, model + " on " + cluster + ", " + policy);
        p.halo_first.assign(g.nodes.size(), 0);
        for (size_t l = 0; l < g.nodes.size(); ++l)
          p.halo_first[l] = !needs_whole_input(g.nodes[l]);
        expect_matches_reference(g, p, profile,
                                 model + " on " + cluster + ", " + policy + ", halo-first");
        // Every other layer fused into its readers: stacks of two.
        p.fused.assign(g.nodes.size(), 0);
        for (size_t l = 0; l < g.nodes.size(); l += 2) p.fused[l] = can_be_fused(g.nodes[l]);
        expect_matches_reference(g, p, profile,
                                 model + " on " + cluster + ", " + policy + ", halo-first, fused");
      }
    }
  }
}

// The whole-plan search changes one layer at a time and re-simulates with
// the flows and units it kept; after every change the prediction must be
// the one a simulator built afresh on the same partition makes (fused
// layers move the tiles of the fused layers upstream of a change too).
TEST(Simulator, IncrementalChangesPredictWhatAFreshSimulatorDoes) {
  const Graph g = branchy_graph();
  std::mt19937_64 rng(11);
  for (int trial = 0; trial < 6; ++trial) {
    const int n = 2 + trial % 3;
    const ClusterProfile profile = random_profile(g, n, rng, trial % 2 == 0);
    PartitionerOptions o;
    o.name = "equal";
    PlanSimulator sim(g, profile, make_partition(g, profile, o));
    o.name = "random";
    for (int step = 0; step < 60; ++step) {
      const int l = static_cast<int>(rng() % g.nodes.size());
      const Node& node = g.nodes[l];
      const int move = static_cast<int>(rng() % 3);
      if (move == 0 && can_be_fused(node)) {
        sim.set_fused(l, !sim.partition().is_fused(l));
      } else if (move == 1 && can_be_halo_first(node)) {
        sim.set_halo_first(l, !sim.partition().is_halo_first(l));
      } else {
        o.seed = static_cast<unsigned>(rng());
        sim.set_cuts(l, make_partition(g, profile, o).cuts[l]);
      }
      const double fresh = PlanSimulator(g, profile, sim.partition()).latency();
      ASSERT_EQ(sim.latency(), fresh) << "trial " << trial << ", step " << step << ", layer '"
                                      << node.name << "', move " << move;
    }
  }
}

// Two 4-row convs on two ranks, worked out by hand.
TEST(Simulator, ChainOnTwoRanksByHand) {
  DagBuilder b(Shape({1, 1, 4, 1}));
  ValueId x = b.conv("c1", 0, 1, 1);  // 1x1: no halo
  const Graph g = b.finish(b.conv("c2", x, 1, 3));
  ClusterProfile p;
  p.world_size = 2;
  p.compute = {{{1.0, 0.5}, {1.0, 0.5}}, {{2.0, 0.0}, {2.0, 0.0}}};                  // alpha, beta
  p.links = {{LinkCost{}, LinkCost{0.25, 4.0}}, {LinkCost{0.25, 4.0}, LinkCost{}}};  // 4 B/s
  p.link_queues = true;
  Partition part;
  part.world_size = 2;
  part.cuts = {{0, 2, 4}, {0, 2, 4}};
  // Input rows 2..3 (4 B each) to rank 1: 8 B / 4 B/s = 2 s + 0.25 -> 2.25.
  // c1: rank 0 [0, 2.5), rank 1 [2.25, 4.75).
  // c2 rows [0,2) read c1 rows [0,3): row 2 from rank 1 at 4.75 + 1 + 0.25 = 6.0;
  // c2 rows [2,4) read c1 rows [1,4): row 1 from rank 0 at 2.5 + 1.25 = 3.75,
  //   but rank 1 is busy until 4.75.
  // c2: rank 0 [6.0, 10.0), rank 1 [4.75, 8.75); rank 1's rows reach rank 0 at
  //   8.75 + 2 + 0.25 = 11.0.
  const PlanPrediction pred = simulate_plan(g, part, p);
  EXPECT_DOUBLE_EQ(pred.start_s[0][1], 2.25);
  EXPECT_DOUBLE_EQ(pred.finish_s[0][0], 2.5);
  EXPECT_DOUBLE_EQ(pred.start_s[1][0], 6.0);
  EXPECT_DOUBLE_EQ(pred.start_s[1][1], 4.75);
  EXPECT_DOUBLE_EQ(pred.finish_s[1][1], 8.75);
  EXPECT_DOUBLE_EQ(pred.latency_s, 11.0);
  EXPECT_EQ(pred.bytes[0][1], 8 + 4);
  EXPECT_EQ(pred.bytes[1][0], 4 + 8);
  EXPECT_NEAR(pred.latency_s, reference_latency(g, build_plans(g, part), p), 1e-12);
}

// Rank 0 sends the two other ranks their input slices over one uplink: the
// second waits for the first.
TEST(Simulator, MessagesQueueOnTheSendersUplink) {
  DagBuilder b(Shape({1, 1, 6, 1}));
  const Graph g = b.finish(b.conv("c", 0, 1, 1));
  ClusterProfile p = synthetic_profile(g, {1e9, 1e9, 1e9}, 32.0, 0.0, 0.0);  // 4 B/s
  Partition part;
  part.world_size = 3;
  part.cuts = {{0, 2, 4, 6}};
  p.link_queues = true;
  const PlanPrediction queued = simulate_plan(g, part, p);
  EXPECT_DOUBLE_EQ(queued.start_s[0][1], 2.0);  // 8 bytes at 4 B/s
  EXPECT_DOUBLE_EQ(queued.start_s[0][2], 4.0);  // after the first
  p.link_queues = false;
  const PlanPrediction free_links = simulate_plan(g, part, p);
  EXPECT_DOUBLE_EQ(free_links.start_s[0][1], 2.0);
  EXPECT_DOUBLE_EQ(free_links.start_s[0][2], 2.0);
}

// Ranks 1 and 2 finish together and send rank 0 their output rows: the
// second waits for rank 0's downlink.
TEST(Simulator, MessagesQueueOnTheReceiversDownlink) {
  DagBuilder b(Shape({1, 1, 4, 1}));
  const Graph g = b.finish(b.conv("c", 0, 1, 1));
  ClusterProfile p = synthetic_profile(g, {1e9, 1e9, 1e9}, 32.0, 0.0, 0.0);  // 4 B/s
  p.compute[0] = {ComputeCost{1.0, 0.0}, ComputeCost{2.0, 0.0}, ComputeCost{1.0, 0.0}};
  Partition part;
  part.world_size = 3;
  part.cuts = {{0, 2, 3, 4}};
  // Input row 2 to rank 1 over rank 0's uplink [0, 1), row 3 to rank 2 [1, 2).
  // Units: rank 0 [0, 2), rank 1 [1, 3), rank 2 [2, 3).
  // Outputs to rank 0: rank 1's row on its downlink [3, 4), rank 2's [4, 5).
  p.link_queues = true;
  const PlanPrediction pred = simulate_plan(g, part, p);
  EXPECT_DOUBLE_EQ(pred.finish_s[0][1], 3.0);
  EXPECT_DOUBLE_EQ(pred.finish_s[0][2], 3.0);
  EXPECT_DOUBLE_EQ(pred.latency_s, 5.0);
  EXPECT_NEAR(pred.latency_s, reference_latency(g, build_plans(g, part), p), 1e-12);
  p.link_queues = false;  // both inputs at 1, units [1, 3) and [1, 2), outputs at 4 and 3
  EXPECT_DOUBLE_EQ(simulate_plan(g, part, p).latency_s, 4.0);
}

// Rank 0 lists b (waiting for a's rows from rank 1) before c (ready at
// once): it runs c while a's rows travel, as the runtime does.
TEST(Simulator, AReadyUnitRunsWhileAnEarlierOneWaits) {
  DagBuilder b(Shape({1, 1, 4, 1}));
  const ValueId a = b.conv("a", 0, 1, 1);
  const ValueId bb = b.conv("b", a, 1, 1);
  const ValueId c = b.conv("c", 0, 1, 1);
  const Graph g = b.finish(b.concat("cat", {bb, c}));
  ClusterProfile p = synthetic_profile(g, {1e9, 1e9}, 32.0, 0.0, 0.0);  // 4 B/s
  for (auto& layer : p.compute) layer = {ComputeCost{1.0, 0.0}, ComputeCost{1.0, 0.0}};
  Partition part;
  part.world_size = 2;
  part.cuts = {{0, 0, 4}, {0, 4, 4}, {0, 4, 4}, {0, 4, 4}};
  // The input (16 B) reaches rank 1 at 4; a runs [4, 8); its rows reach
  // rank 0 at 12. Rank 0: c [0, 4), b [12, 16), cat [16, 20).
  const PlanPrediction pred = simulate_plan(g, part, p);
  EXPECT_DOUBLE_EQ(pred.start_s[2][0], 0.0);
  EXPECT_DOUBLE_EQ(pred.start_s[1][0], 12.0);
  EXPECT_DOUBLE_EQ(pred.latency_s, 20.0);
  EXPECT_NEAR(pred.latency_s, reference_latency(g, build_plans(g, part), p), 1e-12);
}

TEST(Simulator, OneRankRunsEverythingBackToBack) {
  const Graph g = branchy_graph();
  const ClusterProfile p = synthetic_profile(g, {1e9}, 1e9, 1e-4);
  Partition part = make_partition(g, p, {"single", 1});
  const PlanPrediction pred = simulate_plan(g, part, p);
  double total = 0;
  for (size_t l = 0; l < g.nodes.size(); ++l)
    total += p.compute[l][0].seconds(g.shape_of(g.nodes[l].output).height());
  EXPECT_NEAR(pred.latency_s, total, 1e-12);
  EXPECT_EQ(pred.messages, 0);
}

}  // namespace
}  // namespace edgeflow
