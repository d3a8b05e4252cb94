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

#include "cost/plan_simulator.h"
#include "edgeflow/error.h"

namespace edgeflow {
namespace {

constexpr double kNever = std::numeric_limits<double>::infinity();

RowRange intersect(RowRange a, RowRange b) {
  return RowRange{std::max(a.begin, b.begin), std::min(a.end, b.end)};
}

// Merges overlapping or touching ranges into sorted disjoint runs (as the
// plan builder does).
void merge_runs(std::vector<RowRange>* ranges) {
  std::sort(ranges->begin(), ranges->end(),
            [](RowRange a, RowRange b) { return a.begin < b.begin; });
  size_t out = 0;
  for (RowRange r : *ranges) {
    if (r.empty()) continue;
    if (out > 0 && r.begin <= (*ranges)[out - 1].end)
      (*ranges)[out - 1].end = std::max((*ranges)[out - 1].end, r.end);
    else
      (*ranges)[out++] = r;
  }
  ranges->resize(out);
}

}  // namespace

PlanSimulator::PlanSimulator(const Graph& graph, const ClusterProfile& profile, Partition partition)
    : graph_(graph), profile_(profile), part_(std::move(partition)), world_(part_.world_size) {
  EF_ASSERT(profile_.world_size == world_);
  EF_ASSERT(part_.cuts.size() == graph_.nodes.size());
  const size_t values = graph_.values.size();
  uses_.resize(values);
  for (size_t l = 0; l < graph_.nodes.size(); ++l)
    for (size_t i = 0; i < graph_.nodes[l].inputs.size(); ++i)
      uses_[graph_.nodes[l].inputs[i]].push_back(Use{static_cast<int>(l), static_cast<int>(i)});
  is_output_.assign(values, false);
  for (ValueId v : graph_.outputs) is_output_[v] = true;
  row_bytes_.resize(values);
  for (size_t v = 0; v < values; ++v)
    row_bytes_[v] = graph_.values[v].shape.row_elements() * static_cast<int64_t>(sizeof(float));
  edges_.resize(values);
  dst_begin_.resize(values);
  by_src_.resize(values);
  src_begin_.resize(values);
  for (size_t v = 0; v < values; ++v) rebuild(static_cast<ValueId>(v));
}

RowRange PlanSimulator::produced(ValueId v, int rank) const {
  const int producer = graph_.values[v].producer;
  if (producer < 0) return rank == 0 ? RowRange{0, graph_.shape_of(v).height()} : RowRange{};
  return part_.rows(producer, rank);
}

void PlanSimulator::rebuild(ValueId v) {
  std::vector<PlanEdge>& edges = edges_[v];
  edges.clear();
  std::vector<int>& dst_begin = dst_begin_[v];
  dst_begin.assign(world_ + 1, 0);
  std::vector<RowRange> needs;
  for (int dst = 0; dst < world_; ++dst) {
    dst_begin[dst] = static_cast<int>(edges.size());
    needs.clear();
    for (const Use& u : uses_[v]) {
      const RowRange out = part_.rows(u.node, dst);
      if (!out.empty())
        needs.push_back(required_input_rows(graph_, graph_.nodes[u.node], u.input, out));
    }
    if (is_output_[v] && dst == 0) needs.push_back(RowRange{0, graph_.shape_of(v).height()});
    merge_runs(&needs);
    for (RowRange run : needs)
      for (int src = 0; src < world_; ++src) {
        if (src == dst) continue;
        const RowRange rows = intersect(run, produced(v, src));
        if (rows.empty()) continue;
        edges.push_back(PlanEdge{v, src, dst, rows, rows.size() * row_bytes_[v]});
      }
  }
  dst_begin[world_] = static_cast<int>(edges.size());
  std::vector<int>& src_begin = src_begin_[v];
  src_begin.assign(world_ + 1, 0);
  for (const PlanEdge& e : edges) ++src_begin[e.src + 1];
  for (int r = 0; r < world_; ++r) src_begin[r + 1] += src_begin[r];
  std::vector<int>& by_src = by_src_[v];
  by_src.resize(edges.size());
  std::vector<int> fill(src_begin.begin(), src_begin.end() - 1);
  for (size_t k = 0; k < edges.size(); ++k) by_src[fill[edges[k].src]++] = static_cast<int>(k);
}

void PlanSimulator::set_cuts(int node, const std::vector<int64_t>& cuts) {
  EF_ASSERT(static_cast<int>(cuts.size()) == world_ + 1);
  part_.cuts.at(node) = cuts;
  const Node& n = graph_.nodes[node];
  rebuild(n.output);
  for (size_t i = 0; i < n.inputs.size(); ++i)
    if (std::find(n.inputs.begin(), n.inputs.begin() + i, n.inputs[i]) == n.inputs.begin() + i)
      rebuild(n.inputs[i]);
}

int64_t PlanSimulator::total_bytes() const {
  int64_t bytes = 0;
  for (const auto& edges : edges_)
    for (const PlanEdge& e : edges) bytes += e.bytes;
  return bytes;
}

PlanPrediction PlanSimulator::predict() {
  PlanPrediction p;
  p.latency_s = run(&p);
  return p;
}

double PlanSimulator::run(PlanPrediction* detail) {
  const int n = world_;
  const size_t values = graph_.values.size();
  std::vector<int>& offset = offset_;
  offset.assign(values + 1, 0);
  for (size_t v = 0; v < values; ++v)
    offset[v + 1] = offset[v] + static_cast<int>(edges_[v].size());
  const int num_edges = offset[values];
  edge_.resize(num_edges);
  for (size_t v = 0; v < values; ++v)
    for (size_t k = 0; k < edges_[v].size(); ++k) edge_[offset[v] + k] = &edges_[v][k];
  arrival_.assign(num_edges, kNever);
  std::vector<double>& arrival = arrival_;

  if (detail) {
    detail->start_s.assign(graph_.nodes.size(), std::vector<double>(n, 0.0));
    detail->finish_s.assign(graph_.nodes.size(), std::vector<double>(n, 0.0));
    detail->bytes.assign(n, std::vector<int64_t>(n, 0));
    detail->value_bytes.assign(values, 0);
    detail->messages = num_edges;
    for (const PlanEdge* e : edge_) {
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
    const std::vector<int64_t>& c = part_.cuts[l];
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
    const PlanEdge& e = *edge_[id];
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
    const std::vector<int>& sb = src_begin_[v];
    for (int i = sb[src]; i < sb[src + 1]; ++i) posting.push_back(offset[v] + by_src_[v][i]);
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
      const RowRange out = part_.rows(l, rank);
      if (rs.pending < 0) {
        rs.waits.clear();
        rs.pending = 0;
        const Node& node = graph_.nodes[l];
        for (size_t i = 0; i < node.inputs.size(); ++i) {
          const ValueId v = node.inputs[i];
          const RowRange need = required_input_rows(graph_, node, static_cast<int>(i), out);
          const std::vector<int>& db = dst_begin_[v];
          for (int k = db[rank]; k < db[rank + 1]; ++k) {
            if (intersect(edges_[v][k].rows, need).empty()) continue;
            const int id = offset[v] + k;
            rs.waits.push_back(id);
            if (arrival[id] == kNever && awaited_by_[id] != rank) {
              awaited_by_[id] = rank;
              ++rs.pending;
            }
          }
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
    if (edge_[id]->dst == 0) latency = std::max(latency, arrival[id]);
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
