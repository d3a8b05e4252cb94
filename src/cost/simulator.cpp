// The plan simulator: an event simulation of one request through the
// schedule's units (edgeflow/schedule.h) and the flow module's messages, by
// the runtime's rule (see simulate_plan in edgeflow/cost.h).
//
//   time t: units finishing at t post their messages -> each takes its
//           sender's uplink and receiver's downlink in (time, edge) order,
//           so its arrival is known -> messages arriving at t complete their
//           readers' inputs -> every free rank starts the first unit of its
//           list whose inputs are all there
#include <algorithm>
#include <functional>
#include <limits>
#include <queue>

#include "edgeflow/error.h"
#include "edgeflow/plan_simulator.h"

namespace edgeflow {
namespace {

constexpr double kNever = std::numeric_limits<double>::infinity();

// An event: a message arriving (unit < 0) or a unit finishing.
struct Event {
  double t;
  int unit;
  int edge;
  bool operator>(const Event& o) const {
    if (t != o.t) return t > o.t;
    if (unit != o.unit) return unit > o.unit;
    return edge > o.edge;
  }
};

}  // namespace

PlanSimulator::PlanSimulator(const Graph& graph, const ClusterProfile& profile, Partition partition)
    : graph_(graph), profile_(profile), flows_(graph, std::move(partition)),
      world_(flows_.world_size()) {
  EF_ASSERT(profile_.world_size == world_);
  const int nodes = static_cast<int>(graph_.nodes.size());
  readers_.resize(graph_.values.size());
  for (int n = 0; n < nodes; ++n)
    for (ValueId v : graph_.nodes[n].inputs)
      if (readers_[v].empty() || readers_[v].back() != n) readers_[v].push_back(n);
  layer_units_.assign(nodes, std::vector<std::vector<LayerUnit>>(world_));
  stale_.assign(nodes, 1);
}

void PlanSimulator::mark_readers_and_writer(ValueId v) {
  if (const int producer = graph_.values[v].producer; producer >= 0) stale_[producer] = 1;
  for (int reader : readers_[v]) stale_[reader] = 1;
}

void PlanSimulator::set_cuts(int node, const std::vector<int64_t>& cuts) {
  flows_.set_cuts(node, cuts);
  for (ValueId v : flows_.rebuilt()) mark_readers_and_writer(v);
}

void PlanSimulator::set_fused(int node, bool on) {
  flows_.set_fused(node, on);
  for (ValueId v : flows_.rebuilt()) mark_readers_and_writer(v);
}

void PlanSimulator::set_halo_first(int node, bool on) {
  flows_.set_halo_first(node, on);
  // Its units change, and so do the local units its readers wait for.
  mark_readers_and_writer(graph_.nodes[node].output);
}

double PlanSimulator::busy_s() const {
  double sum = 0.0;
  for (double s : rank_busy_s_) sum += s;
  return sum;
}

PlanPrediction PlanSimulator::predict() {
  PlanPrediction p;
  p.latency_s = run(&p);
  return p;
}

// A layer's units on every rank and their links: the messages each reads
// and sends, and the local units (of layers before it, already rebuilt) whose
// rows it reads.
void PlanSimulator::rebuild_layer(int node) {
  const Node& layer = graph_.nodes[node];
  std::vector<ScheduledUnit> units;
  for (int rank = 0; rank < world_; ++rank) {
    units.clear();
    append_node_units(flows_, node, rank, &units);
    std::vector<LayerUnit>& out = layer_units_[node][rank];
    out.resize(units.size());
    for (size_t j = 0; j < units.size(); ++j) {
      LayerUnit& lu = out[j];
      lu.unit = units[j];
      lu.waits.clear();
      lu.after.clear();
      lu.sends.clear();
      for (size_t i = 0; i < layer.inputs.size(); ++i) {
        const ValueId v = layer.inputs[i];
        const Region need = unit_input_region(flows_, lu.unit, rank, static_cast<int>(i));
        if (need.empty()) continue;
        flows_.for_each_message_into(v, rank, need, [&](int k) { lu.waits.emplace_back(v, k); });
        const int producer = graph_.values[v].producer;
        if (producer < 0) continue;
        const std::vector<LayerUnit>& before = layer_units_[producer][rank];
        for (size_t w = 0; w < before.size(); ++w)
          if (!intersect(before[w].unit.rows, need.rows).empty())
            lu.after.emplace_back(producer, static_cast<int>(w));
      }
      for_each_message_sent(flows_, lu.unit, rank, [&](int k) { lu.sends.push_back(k); });
    }
  }
}

// Numbers the units rank by rank (each rank's in list order, layer by
// layer), rebuilding the stale layers first, and links them by number.
void PlanSimulator::build_units() {
  const int n = world_;
  const int nodes = static_cast<int>(graph_.nodes.size());
  for (int node = 0; node < nodes; ++node)  // producers before their readers
    if (stale_[node]) rebuild_layer(node), stale_[node] = 0;
  unit_.clear();
  unit_links_.clear();
  unit_rank_.clear();
  rank_first_.assign(n + 1, 0);
  node_units_.assign(2 * nodes * n, 0);
  for (int r = 0; r < n; ++r) {
    rank_first_[r] = static_cast<int>(unit_.size());
    for (int node = 0; node < nodes; ++node) {
      int* range = &node_units_[2 * (node * n + r)];
      range[0] = static_cast<int>(unit_.size());
      for (const LayerUnit& lu : layer_units_[node][r]) {
        unit_.push_back(lu.unit);
        unit_links_.push_back(&lu);
      }
      range[1] = static_cast<int>(unit_.size());
    }
    unit_rank_.resize(unit_.size(), r);
  }
  rank_first_[n] = static_cast<int>(unit_.size());
  const size_t units = unit_.size();
  missing_.assign(units, 0);
  if (dependents_.size() < units) dependents_.resize(units), sent_.resize(units);
  for (size_t u = 0; u < units; ++u) dependents_[u].clear(), sent_[u].clear();
  if (waiters_.size() < message_.size()) waiters_.resize(message_.size());
  for (size_t id = 0; id < message_.size(); ++id) waiters_[id].clear();

  for (int u = 0; u < static_cast<int>(units); ++u) {
    const LayerUnit& lu = *unit_links_[u];
    const int rank = unit_rank_[u];
    for (const auto& [v, k] : lu.waits) waiters_[offset_[v] + k].push_back(u);
    for (const auto& [producer, j] : lu.after)
      dependents_[node_units_[2 * (producer * n + rank)] + j].push_back(u);
    missing_[u] = static_cast<int>(lu.waits.size() + lu.after.size());
    const int out = offset_[graph_.nodes[lu.unit.node].output];
    for (int k : lu.sends) sent_[u].push_back(out + k);
  }
}

double PlanSimulator::run(PlanPrediction* detail) {
  const int n = world_;
  const size_t values = graph_.values.size();
  flows_.first_id(&offset_);
  const int num_edges = offset_[values];
  message_.resize(num_edges);
  for (size_t v = 0; v < values; ++v) {
    const std::vector<Message>& messages = flows_.messages(static_cast<ValueId>(v));
    for (size_t k = 0; k < messages.size(); ++k) message_[offset_[v] + k] = &messages[k];
  }
  arrival_.assign(num_edges, kNever);
  build_units();

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

  rank_busy_s_.assign(n, 0.0);
  std::priority_queue<Event, std::vector<Event>, std::greater<Event>> events;
  std::vector<double> up_free(n, 0.0), down_free(n, 0.0), free_at(n, 0.0);
  std::vector<char> busy(n, 0);
  // Per rank: its units whose inputs are all there, a min-heap by list position.
  std::vector<std::vector<int>> ready(n);
  // Ranks that may start a unit now (one got free or got a ready unit).
  std::vector<int> woken;
  std::vector<char> is_woken(n, 0);
  const auto wake = [&](int r) {
    if (!is_woken[r]) is_woken[r] = 1, woken.push_back(r);
  };
  const auto push_ready = [&](int u) {
    std::vector<int>& heap = ready[unit_rank_[u]];
    heap.push_back(u);
    std::push_heap(heap.begin(), heap.end(), std::greater<int>());
    wake(unit_rank_[u]);
  };
  for (int u = 0; u < static_cast<int>(unit_.size()); ++u)
    if (missing_[u] == 0) push_ready(u);
  const bool queues = profile_.link_queues;
  std::vector<int> posting;  // messages posted at the current time
  int done = 0;

  // Messages posted at t take their sender's uplink, then their receiver's
  // downlink, each as soon as it is free, in edge order.
  const auto send_posted = [&](double t) {
    std::sort(posting.begin(), posting.end());
    for (int id : posting) {
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
      arrival_[id] = start + occupancy + link.latency_s;
      events.push(Event{arrival_[id], -1, id});
    }
    posting.clear();
  };
  const auto complete_input = [&](int u) {
    if (--missing_[u] == 0) push_ready(u);
  };
  const auto start_ready = [&](double t) {
    for (int r : woken) {
      is_woken[r] = 0;
      if (busy[r] || ready[r].empty()) continue;
      std::pop_heap(ready[r].begin(), ready[r].end(), std::greater<int>());
      const int u = ready[r].back();
      ready[r].pop_back();
      const ScheduledUnit& unit = unit_[u];
      busy[r] = 1;
      const double seconds = profile_.compute[unit.node][r].seconds(unit.rows) +
                             profile_.message_cpu(r) * static_cast<double>(sent_[u].size());
      rank_busy_s_[r] += seconds;
      free_at[r] = t + seconds;
      events.push(Event{free_at[r], u, -1});
      if (detail) {
        double& start = detail->start_s[unit.node][r];
        if (detail->finish_s[unit.node][r] == 0.0 || t < start) start = t;
        detail->finish_s[unit.node][r] = std::max(detail->finish_s[unit.node][r], free_at[r]);
      }
    }
    woken.clear();
  };

  for (int k : flows_.messages_from(graph_.input, 0)) posting.push_back(offset_[graph_.input] + k);
  send_posted(0.0);
  start_ready(0.0);
  while (!events.empty()) {
    const double t = events.top().t;
    // Everything that happens at t: finishing units post their messages
    // (together, in edge order), arrivals complete inputs.
    while (!events.empty() && events.top().t <= t) {
      while (!events.empty() && events.top().t <= t && events.top().unit >= 0) {
        const int u = events.top().unit;
        events.pop();
        busy[unit_rank_[u]] = 0;
        wake(unit_rank_[u]);
        ++done;
        for (int d : dependents_[u]) complete_input(d);
        posting.insert(posting.end(), sent_[u].begin(), sent_[u].end());
      }
      send_posted(t);
      while (!events.empty() && events.top().t <= t && events.top().unit < 0) {
        for (int u : waiters_[events.top().edge]) complete_input(u);
        events.pop();
      }
    }
    start_ready(t);
  }

  EF_ASSERT(done == static_cast<int>(unit_.size()));
  double latency = free_at[0];
  for (int id = 0; id < num_edges; ++id) {
    EF_ASSERT(arrival_[id] < kNever);
    if (message_[id]->dst == 0) latency = std::max(latency, arrival_[id]);
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
