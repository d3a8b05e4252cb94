// --plan-kinds: which kinds of plan the policies may make (edgeflow/partition.h).
#include <sstream>

#include "edgeflow/error.h"
#include "edgeflow/partition.h"

namespace edgeflow {

std::string plan_kind_names() { return "rows, halo"; }

PlanKinds parse_plan_kinds(const std::string& list) {
  PlanKinds kinds;
  kinds.halo_first = false;
  bool rows = false;
  std::stringstream items(list);
  std::string kind;
  while (std::getline(items, kind, ',')) {
    if (kind == "rows") rows = true;
    else if (kind == "halo") kinds.halo_first = true;
    else
      fail_input("--plan-kinds: unknown kind '" + kind + "' (known: " + plan_kind_names() + ")");
  }
  if (!rows)
    fail_input("--plan-kinds: '" + list + "' lacks 'rows', which every plan is made of (known: " +
               plan_kind_names() + ")");
  return kinds;
}

}  // namespace edgeflow
