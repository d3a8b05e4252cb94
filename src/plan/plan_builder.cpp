// Builds execution units, input requirements and forwarding tables from a
// partition: the schedule's units (edgeflow/schedule.h) in its order, and
// every message of the flow module (edgeflow/flow.h) as an edge of the plan,
// received by its destination and forwarded by the unit that computes its
// rows (or, for the graph input, sent by rank 0).
#include "edgeflow/error.h"
#include "edgeflow/flow.h"
#include "edgeflow/plan.h"
#include "edgeflow/schedule.h"

namespace edgeflow {
namespace {

void set_rows(planpb::Transfer* t, RowRange r) {
  t->set_row_begin(r.begin);
  t->set_row_end(r.end);
}

void set_transfer(const Message& m, int id, int peer, planpb::Transfer* t) {
  t->set_edge(id);
  t->set_value(m.value);
  t->set_peer(peer);
  set_rows(t, m.region.rows);
}

class PlanBuilder {
 public:
  PlanBuilder(const Graph& graph, const Partition& partition)
      : graph_(graph), flows_(graph, partition), first_id_(flows_.first_id()) {}

  std::vector<planpb::RankPlan> build() const {
    std::vector<planpb::RankPlan> plans(flows_.world_size());
    for (int rank = 0; rank < flows_.world_size(); ++rank) fill_rank(rank, &plans[rank]);
    return plans;
  }

 private:
  void fill_rank(int rank, planpb::RankPlan* plan) const {
    const int values = static_cast<int>(graph_.values.size());
    plan->set_rank(rank);
    plan->set_world_size(flows_.world_size());
    plan->set_num_edges(first_id_[values]);

    for (ValueId v = 0; v < values; ++v) {
      const Region h = flows_.held(v, rank);
      if (h.empty()) continue;
      planpb::Buffer* b = plan->add_buffers();
      b->set_value(v);
      b->set_row_begin(h.rows.begin);
      b->set_row_end(h.rows.end);
    }

    for (ValueId v = 0; v < values; ++v) {
      const std::vector<Message>& messages = flows_.messages(v);
      for (size_t k = 0; k < messages.size(); ++k) {
        const Message& m = messages[k];
        const int id = first_id_[v] + static_cast<int>(k);
        if (m.dst == rank)
          set_transfer(m, id, m.src, plan->add_recvs());
        else if (m.src == rank && graph_.values[v].producer < 0)
          set_transfer(m, id, m.dst, plan->add_input_sends());
      }
    }

    std::vector<ScheduledUnit> units;
    append_rank_units(flows_, rank, &units);
    for (const ScheduledUnit& unit : units) {
      const Node& node = graph_.nodes[unit.node];
      planpb::Unit* u = plan->add_units();
      u->set_node(unit.node);
      u->set_row_begin(unit.rows.begin);
      u->set_row_end(unit.rows.end);
      for (size_t i = 0; i < node.inputs.size(); ++i) {
        const ValueId v = node.inputs[i];
        const Region need = unit_input_region(flows_, unit, rank, static_cast<int>(i));
        planpb::InputRequirement* req = u->add_inputs();
        req->set_value(v);
        req->set_row_begin(need.rows.begin);
        req->set_row_end(need.rows.end);
        flows_.for_each_message_into(v, rank, need,
                                     [&](int k) { req->add_recv_edges(first_id_[v] + k); });
      }
      const ValueId v = node.output;
      for_each_message_sent(flows_, unit, rank, [&](int k) {
        set_transfer(flows_.messages(v)[k], first_id_[v] + k, flows_.messages(v)[k].dst,
                     u->add_forward());
      });
    }
  }

  const Graph& graph_;
  const FlowTable flows_;
  const std::vector<int> first_id_;
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
    for (const planpb::Transfer& t : plans[dst].recvs()) {
      const Shape& shape = graph.shape_of(t.value());
      bytes.at(t.peer()).at(dst) +=
          region_bytes(shape, rows_region(shape, RowRange{t.row_begin(), t.row_end()}));
    }
  return bytes;
}

}  // namespace edgeflow
