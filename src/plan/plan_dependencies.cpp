// Which of a rank's units each unit waits for, and the check that every row
// it reads is provided (edgeflow/plan.h, local_dependencies).
#include <algorithm>
#include <map>

#include "edgeflow/error.h"
#include "edgeflow/flow.h"
#include "edgeflow/plan.h"

namespace edgeflow {
namespace {

[[noreturn]] void bad(const std::string& what) { fail_input("plan: " + what); }

std::string rows_str(RowRange r) {
  return "[" + std::to_string(r.begin) + ", " + std::to_string(r.end) + ")";
}

RowRange unit_rows(const planpb::Unit& u) { return RowRange{u.row_begin(), u.row_end()}; }

}  // namespace

std::vector<std::vector<int>> local_dependencies(const planpb::RankPlan& plan, const Graph& graph) {
  const int units = plan.units_size();
  std::map<int, std::vector<int>> units_of_node;
  for (int u = 0; u < units; ++u) {
    const planpb::Unit& unit = plan.units(u);
    std::vector<int>& same = units_of_node[unit.node()];
    for (int w : same)
      if (!intersect(unit_rows(plan.units(w)), unit_rows(unit)).empty())
        bad("units of '" + graph.nodes.at(unit.node()).name + "' both compute rows " +
            rows_str(intersect(unit_rows(plan.units(w)), unit_rows(unit))));
    same.push_back(u);
  }
  std::map<int, const planpb::Transfer*> recv_of_edge;
  for (const planpb::Transfer& t : plan.recvs()) recv_of_edge[t.edge()] = &t;

  std::vector<std::vector<int>> deps(units);
  std::vector<RowRange> provided;
  for (int u = 0; u < units; ++u) {
    const planpb::Unit& unit = plan.units(u);
    const std::string where = "unit '" + graph.nodes.at(unit.node()).name + "' rows " +
                              rows_str(unit_rows(unit));
    for (const planpb::InputRequirement& req : unit.inputs()) {
      const RowRange need{req.row_begin(), req.row_end()};
      if (need.empty()) continue;
      const ValueId v = req.value();
      const std::string value = "'" + graph.values.at(v).name + "'";
      provided.clear();
      for (int e : req.recv_edges()) {
        auto it = recv_of_edge.find(e);
        if (it == recv_of_edge.end() || it->second->value() != v)
          bad(where + " waits for edge " + std::to_string(e) +
              ", which the rank never receives as rows of " + value);
        provided.push_back(RowRange{it->second->row_begin(), it->second->row_end()});
      }
      const int producer = graph.values[v].producer;
      if (producer < 0 && plan.rank() == 0) provided.push_back(need);
      auto local = units_of_node.find(producer);
      if (producer >= 0 && local != units_of_node.end())
        for (int w : local->second)
          if (!intersect(unit_rows(plan.units(w)), need).empty()) {
            deps[u].push_back(w);
            provided.push_back(unit_rows(plan.units(w)));
          }
      merge_runs(&provided);
      provided.push_back(RowRange{need.end, need.end + 1});  // a sentinel after the need
      int64_t covered = need.begin;
      for (RowRange r : provided) {
        if (covered >= need.end) break;
        if (r.begin > covered)
          bad(where + " reads rows " + rows_str(RowRange{covered, std::min(r.begin, need.end)}) +
              " of " + value + " that no unit of the rank computes and no receive brings");
        covered = std::max(covered, r.end);
      }
    }
  }
  return deps;
}

}  // namespace edgeflow
