// Checks a received plan against its own graph before a worker acts on it:
// every index in range, every row range inside its tensor and inside the
// rank's buffers, every unit's requirements equal to what its row map says,
// every row a unit reads provided by a unit of the rank or a receive.
#include <map>

#include "edgeflow/error.h"
#include "edgeflow/plan.h"

namespace edgeflow {
namespace {

[[noreturn]] void bad(const std::string& what) { fail_input("plan: " + what); }

RowRange rows_of(int64_t b, int64_t e) { return RowRange{b, e}; }

bool inside(RowRange inner, RowRange outer) {
  return inner.begin >= outer.begin && inner.end <= outer.end && inner.begin <= inner.end;
}

}  // namespace

void validate_plan(const planpb::RankPlan& plan, const Graph& graph) {
  if (plan.world_size() < 1 || plan.rank() < 0 || plan.rank() >= plan.world_size())
    bad("bad rank " + std::to_string(plan.rank()) + " of " + std::to_string(plan.world_size()));
  if (plan.num_edges() < 0) bad("bad edge count");
  const int num_values = static_cast<int>(graph.values.size());

  std::map<int, RowRange> buffers;
  for (const planpb::Buffer& b : plan.buffers()) {
    if (b.value() < 0 || b.value() >= num_values) bad("buffer names no value");
    const RowRange r = rows_of(b.row_begin(), b.row_end());
    if (!inside(r, RowRange{0, graph.shape_of(b.value()).height()}) || r.empty())
      bad("buffer of '" + graph.values[b.value()].name + "' has bad rows");
    if (!buffers.emplace(b.value(), r).second) bad("two buffers for one value");
  }
  auto check_held = [&](int value, RowRange r, const std::string& what) {
    if (value < 0 || value >= num_values) bad(what + " names no value");
    auto it = buffers.find(value);
    if (it == buffers.end() || !inside(r, it->second))
      bad(what + " rows of '" + graph.values[value].name + "' fall outside the rank's buffer");
  };
  auto check_transfer = [&](const planpb::Transfer& t, const std::string& what) {
    if (t.edge() < 0 || t.edge() >= plan.num_edges()) bad(what + " has a bad edge id");
    if (t.peer() < 0 || t.peer() >= plan.world_size() || t.peer() == plan.rank())
      bad(what + " has a bad peer");
    const RowRange r = rows_of(t.row_begin(), t.row_end());
    if (r.empty()) bad(what + " moves no rows");
    check_held(t.value(), r, what);
  };
  for (const auto& t : plan.recvs()) check_transfer(t, "receive");
  for (const auto& t : plan.input_sends()) check_transfer(t, "input send");
  if (plan.input_sends_size() > 0 && plan.rank() != 0) bad("only rank 0 sends the input");

  for (const planpb::Unit& u : plan.units()) {
    if (u.node() < 0 || u.node() >= static_cast<int>(graph.nodes.size()))
      bad("unit names no layer");
    const Node& node = graph.nodes[u.node()];
    const std::string where = "unit '" + node.name + "'";
    const RowRange out = rows_of(u.row_begin(), u.row_end());
    if (out.empty() || !inside(out, RowRange{0, graph.shape_of(node.output).height()}))
      bad(where + " has bad output rows");
    if (needs_whole_input(node) && out != RowRange{0, graph.shape_of(node.output).height()})
      bad(where + " splits a layer that needs its whole input");
    check_held(node.output, out, where + " output");
    if (u.inputs_size() != static_cast<int>(node.inputs.size()))
      bad(where + " has the wrong number of inputs");
    for (int i = 0; i < u.inputs_size(); ++i) {
      const auto& req = u.inputs(i);
      if (req.value() != node.inputs[i]) bad(where + " reads the wrong value");
      const RowRange need = required_input_rows(graph, node, i, out);
      if (rows_of(req.row_begin(), req.row_end()) != need)
        bad(where + " input rows disagree with the layer's row map");
      if (!need.empty()) check_held(req.value(), need, where + " input");
      for (int e : req.recv_edges())
        if (e < 0 || e >= plan.num_edges()) bad(where + " waits for a bad edge id");
    }
    for (const auto& t : u.forward()) {
      check_transfer(t, where + " forward");
      if (t.value() != node.output || !inside(rows_of(t.row_begin(), t.row_end()), out))
        bad(where + " forwards rows it does not compute");
    }
  }
  local_dependencies(plan, graph);
}

}  // namespace edgeflow
