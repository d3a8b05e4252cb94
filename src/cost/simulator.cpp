// The plan simulator: an event simulation of one request through the
// runtime's units and messages (see simulate_plan in edgeflow/cost.h).
//
//   time t: units finishing at t post their messages -> each takes its
//           sender's uplink and receiver's downlink in (time, edge) order, so
//           its arrival is known -> ranks whose next unit has all its
//           arrivals known schedule it (start = max(free, arrivals))
#include <algorithm>
#include <functional>
#include <limits>
#include <queue>

#include "edgeflow/error.h"
#include "edgeflow/plan_simulator.h"

namespace edgeflow {
namespace {

constexpr double kNever = std::numeric_limits<double>::infinity();

}  // namespace

PlanSimulator::PlanSimulator(const Graph& graph, const ClusterProfile& profile, Partition partition)
    : graph_(graph), profile_(profile), flows_(graph, std::move(partition)),
      world_(flows_.world_size()) {
  EF_ASSERT(profile_.world_size == world_);
}

PlanPrediction PlanSimulator::predict() {
  PlanPrediction p;
  p.latency_s = run(&p);
  return p;
}

double PlanSimulator::run(PlanPrediction* detail) {
  const int n = world_;
  const size_t values = graph_.values.size();
  const Partition& part = flows_.partition();
  flows_.first_id(&offset_);
  const std::vector<int>& offset = offset_;
  const int num_edges = offset[values];
  message_.resize(num_edges);
  for (size_t v = 0; v < values; ++v) {
    const std::vector<Message>& messages = flows_.messages(static_cast<ValueId>(v));
    for (size_t k = 0; k < messages.size(); ++k) message_[offset[v] + k] = &messages[k];
  }
  arrival_.assign(num_edges, kNever);
  std::vector<double>& arrival = arrival_;

  if (detail) {
    detail->start_s.assign(graph_.nodes.size(), std::vector<double>(n, 0.0));
    detail->finish_s.assign(graph_.nodes.size(), std::vector<double>(n, 0.0));
    detail->bytes.assign(n, std::vector<int64_t>(n, 0));
    detail->value_bytes.assign(values, 0);
    detail->messages = num_edges;
    for (const Message* e : message_) {
      detail->bytes[e->src][e->dst] += e->bytes;
      detail->value_bytes[e->value] += e->bytes;
    }
  }

  ranks_.resize(n);
  for (RankState& rs : ranks_) {
    rs.units.clear();
    rs.next = 0;
    rs.free_at = 0.0;
    rs.pending = -1;
  }
  for (size_t l = 0; l < graph_.nodes.size(); ++l) {
    const std::vector<int64_t>& c = part.cuts[l];
    for (int r = 0; r < n; ++r)
      if (c[r + 1] > c[r]) ranks_[r].units.push_back(static_cast<int>(l));
  }
  awaited_by_.assign(num_edges, -1);

  // Events: a unit finishing (it posts its rows).
  struct Event {
    double t;
    int rank;
    int node;
    bool operator>(const Event& o) const { return t > o.t; }
  };
  std::priority_queue<Event, std::vector<Event>, std::greater<Event>> events;
  std::vector<double> up_free(n, 0.0), down_free(n, 0.0);
  const bool queues = profile_.link_queues;
  std::vector<int> posting;  // messages posted at the current time, by edge

  // Schedules rank r's next units for as long as their messages' arrival
  // times are known: a unit starts when the rank is free and they are in.
  std::function<void(int)> schedule;
  // A message posted at t takes its sender's uplink, then its receiver's
  // downlink, each as soon as it is free (reserved in the order of posting).
  auto send = [&](int id, double t) {
    const Message& e = *message_[id];
    const LinkCost& link = profile_.links[e.src][e.dst];
    const double occupancy = link.occupancy_s(e.bytes);
    double start = t;
    if (queues) {
      const double up = std::max(t, up_free[e.src]);
      up_free[e.src] = up + occupancy;
      start = std::max(up, down_free[e.dst]);
      down_free[e.dst] = start + occupancy;
    }
    arrival[id] = start + occupancy + link.latency_s;
    if (awaited_by_[id] >= 0) {
      RankState& rs = ranks_[awaited_by_[id]];
      awaited_by_[id] = -1;
      if (--rs.pending == 0) schedule(e.dst);
    }
  };
  auto post = [&](ValueId v, int src) {
    for (int k : flows_.messages_from(v, src)) posting.push_back(offset[v] + k);
  };
  auto send_posted = [&](double t) {
    std::sort(posting.begin(), posting.end());
    for (int id : posting) send(id, t);
    posting.clear();
  };
  schedule = [&](int rank) {
    RankState& rs = ranks_[rank];
    while (rs.next < rs.units.size()) {
      const int l = rs.units[rs.next];
      const RowRange out = part.rows(l, rank);
      if (rs.pending < 0) {
        rs.waits.clear();
        rs.pending = 0;
        const Node& node = graph_.nodes[l];
        for (size_t i = 0; i < node.inputs.size(); ++i) {
          const ValueId v = node.inputs[i];
          const Region need = flows_.required(l, static_cast<int>(i), rank);
          flows_.for_each_message_into(v, rank, need, [&](int k) {
            const int id = offset[v] + k;
            rs.waits.push_back(id);
            if (arrival[id] == kNever && awaited_by_[id] != rank) {
              awaited_by_[id] = rank;
              ++rs.pending;
            }
          });
        }
      }
      if (rs.pending > 0) return;
      double start = rs.free_at;
      for (int id : rs.waits) start = std::max(start, arrival[id]);
      rs.free_at = start + profile_.compute[l][rank].seconds(out.size());
      events.push(Event{rs.free_at, rank, l});
      if (detail) {
        detail->start_s[l][rank] = start;
        detail->finish_s[l][rank] = rs.free_at;
      }
      ++rs.next;
      rs.pending = -1;
    }
  };

  post(graph_.input, 0);
  send_posted(0.0);
  for (int r = 0; r < n; ++r) schedule(r);
  while (!events.empty()) {
    // Every unit finishing at t posts its rows; they leave in edge order.
    const double t = events.top().t;
    while (!events.empty() && events.top().t <= t) {
      post(graph_.nodes[events.top().node].output, events.top().rank);
      events.pop();
    }
    send_posted(t);
  }

  for (int r = 0; r < n; ++r) EF_ASSERT(ranks_[r].next == ranks_[r].units.size());
  double latency = ranks_[0].free_at;
  for (int id = 0; id < num_edges; ++id) {
    EF_ASSERT(arrival[id] < kNever);
    if (message_[id]->dst == 0) latency = std::max(latency, arrival[id]);
  }
  return latency;
}

PlanPrediction simulate_plan(const Graph& graph, const Partition& partition,
                             const ClusterProfile& profile) {
  validate_partition(graph, partition);
  validate_profile(graph, profile);
  if (profile.world_size != partition.world_size)
    fail_input("simulate: the partition has " + std::to_string(partition.world_size) +
               " ranks, the cluster profile " + std::to_string(profile.world_size));
  PlanSimulator sim(graph, profile, partition);
  return sim.predict();
}

}  // namespace edgeflow
