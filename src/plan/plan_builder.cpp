// Builds execution units, input requirements and forwarding tables from a
// partition. Rows of a value flow from the rank that computes them to every
// other rank that reads them, one message per (value, source rank, needed run
// of rows on the destination):
//
//   rank s computes  [=========)              value v
//   rank d reads          [=======)   [===)   two runs: two edges s -> d
//
// The graph input is "computed" by rank 0 (it holds the request); rank 0 reads
// every row of the graph outputs (it collects the result).
#include <algorithm>
#include <map>

#include "edgeflow/error.h"
#include "edgeflow/plan.h"

namespace edgeflow {
namespace {

RowRange intersect(RowRange a, RowRange b) {
  return RowRange{std::max(a.begin, b.begin), std::min(a.end, b.end)};
}

// Merges overlapping or touching ranges into sorted disjoint runs.
std::vector<RowRange> merge_runs(std::vector<RowRange> ranges) {
  std::sort(ranges.begin(), ranges.end(),
            [](RowRange a, RowRange b) { return a.begin < b.begin; });
  std::vector<RowRange> runs;
  for (RowRange r : ranges) {
    if (r.empty()) continue;
    if (!runs.empty() && r.begin <= runs.back().end)
      runs.back().end = std::max(runs.back().end, r.end);
    else
      runs.push_back(r);
  }
  return runs;
}

RowRange hull(const std::vector<RowRange>& ranges) {
  RowRange h{0, 0};
  bool first = true;
  for (RowRange r : ranges) {
    if (r.empty()) continue;
    if (first) h = r, first = false;
    else h = RowRange{std::min(h.begin, r.begin), std::max(h.end, r.end)};
  }
  return h;
}

void set_rows(planpb::Transfer* t, RowRange r) {
  t->set_row_begin(r.begin);
  t->set_row_end(r.end);
}

struct Edge {
  int id;
  ValueId value;
  int src, dst;
  RowRange rows;
};

class PlanBuilder {
 public:
  PlanBuilder(const Graph& graph, const Partition& partition)
      : graph_(graph), part_(partition), world_(partition.world_size) {}

  std::vector<planpb::RankPlan> build() {
    collect_needs();
    make_edges();
    std::vector<planpb::RankPlan> plans(world_);
    for (int rank = 0; rank < world_; ++rank) fill_rank(rank, &plans[rank]);
    return plans;
  }

 private:
  // Rows of value v that `rank` computes (the graph input lives on rank 0).
  RowRange produced(ValueId v, int rank) const {
    const int producer = graph_.values.at(v).producer;
    if (producer < 0) return rank == 0 ? RowRange{0, graph_.shape_of(v).height()} : RowRange{};
    return part_.rows(producer, rank);
  }

  void collect_needs() {
    needs_.assign(graph_.values.size(), std::vector<std::vector<RowRange>>(world_));
    for (size_t n = 0; n < graph_.nodes.size(); ++n) {
      const Node& node = graph_.nodes[n];
      for (int rank = 0; rank < world_; ++rank) {
        const RowRange out = part_.rows(static_cast<int>(n), rank);
        if (out.empty()) continue;
        for (size_t i = 0; i < node.inputs.size(); ++i)
          needs_[node.inputs[i]][rank].push_back(
              required_input_rows(graph_, node, static_cast<int>(i), out));
      }
    }
    for (ValueId v : graph_.outputs)
      needs_[v][0].push_back(RowRange{0, graph_.shape_of(v).height()});
  }

  void make_edges() {
    for (ValueId v = 0; v < static_cast<ValueId>(graph_.values.size()); ++v)
      for (int dst = 0; dst < world_; ++dst)
        for (RowRange run : merge_runs(needs_[v][dst]))
          for (int src = 0; src < world_; ++src) {
            if (src == dst) continue;
            const RowRange rows = intersect(run, produced(v, src));
            if (rows.empty()) continue;
            edges_.push_back(Edge{static_cast<int>(edges_.size()), v, src, dst, rows});
          }
  }

  void fill_rank(int rank, planpb::RankPlan* plan) const {
    plan->set_rank(rank);
    plan->set_world_size(world_);
    plan->set_num_edges(static_cast<int>(edges_.size()));

    for (ValueId v = 0; v < static_cast<ValueId>(graph_.values.size()); ++v) {
      std::vector<RowRange> held = needs_[v][rank];
      held.push_back(produced(v, rank));
      const RowRange h = hull(held);
      if (h.empty()) continue;
      planpb::Buffer* b = plan->add_buffers();
      b->set_value(v);
      b->set_row_begin(h.begin);
      b->set_row_end(h.end);
    }

    for (const Edge& e : edges_) {
      planpb::Transfer* t = nullptr;
      if (e.dst == rank) {
        t = plan->add_recvs();
        t->set_peer(e.src);
      } else if (e.src == rank && graph_.values[e.value].producer < 0) {
        t = plan->add_input_sends();
        t->set_peer(e.dst);
      } else {
        continue;
      }
      t->set_edge(e.id);
      t->set_value(e.value);
      set_rows(t, e.rows);
    }

    for (size_t n = 0; n < graph_.nodes.size(); ++n) {
      const Node& node = graph_.nodes[n];
      const RowRange out = part_.rows(static_cast<int>(n), rank);
      if (out.empty()) continue;
      planpb::Unit* u = plan->add_units();
      u->set_node(static_cast<int>(n));
      u->set_row_begin(out.begin);
      u->set_row_end(out.end);
      for (size_t i = 0; i < node.inputs.size(); ++i) {
        const ValueId v = node.inputs[i];
        const RowRange need = required_input_rows(graph_, node, static_cast<int>(i), out);
        planpb::InputRequirement* req = u->add_inputs();
        req->set_value(v);
        req->set_row_begin(need.begin);
        req->set_row_end(need.end);
        for (const Edge& e : edges_)
          if (e.dst == rank && e.value == v && !intersect(e.rows, need).empty())
            req->add_recv_edges(e.id);
      }
      for (const Edge& e : edges_) {
        if (e.src != rank || e.value != node.output) continue;
        planpb::Transfer* t = u->add_forward();
        t->set_edge(e.id);
        t->set_value(e.value);
        t->set_peer(e.dst);
        set_rows(t, e.rows);
      }
    }
  }

  const Graph& graph_;
  const Partition& part_;
  const int world_;
  std::vector<std::vector<std::vector<RowRange>>> needs_;  // [value][rank]
  std::vector<Edge> edges_;
};

}  // namespace

std::vector<planpb::RankPlan> build_plans(const Graph& graph, const Partition& partition) {
  validate_partition(graph, partition);
  return PlanBuilder(graph, partition).build();
}

std::vector<std::vector<int64_t>> planned_bytes(const Graph& graph,
                                                const std::vector<planpb::RankPlan>& plans) {
  const size_t world = plans.size();
  std::vector<std::vector<int64_t>> bytes(world, std::vector<int64_t>(world, 0));
  for (size_t dst = 0; dst < world; ++dst)
    for (const planpb::Transfer& t : plans[dst].recvs())
      bytes.at(t.peer()).at(dst) +=
          (t.row_end() - t.row_begin()) * graph.shape_of(t.value()).row_elements() * 4;
  return bytes;
}

}  // namespace edgeflow
