// --plan-kinds: which kinds of plan the policies may make (edgeflow/partition.h).
#include <algorithm>

#include "edgeflow/error.h"
#include "edgeflow/partition.h"

namespace edgeflow {

std::string plan_kind_names() { return "rows, halo, fused, features, channels, branches"; }

PlanKinds parse_plan_kinds(const std::string& list) {
  PlanKinds kinds;
  kinds.halo_first = false;
  kinds.fused = false;
  kinds.features = false;
  kinds.channels = false;
  kinds.branches = false;
  bool rows = false;
  for (size_t at = 0; at <= list.size();) {
    const size_t comma = std::min(list.find(',', at), list.size());
    const std::string kind = list.substr(at, comma - at);
    at = comma + 1;
    if (kind == "rows") rows = true;
    else if (kind == "halo") kinds.halo_first = true;
    else if (kind == "fused") kinds.fused = true;
    else if (kind == "features") kinds.features = true;
    else if (kind == "channels") kinds.channels = true;
    else if (kind == "branches") kinds.branches = true;
    else
      fail_input("--plan-kinds: unknown kind '" + kind + "' (known: " + plan_kind_names() + ")");
  }
  if (!rows)
    fail_input("--plan-kinds: '" + list + "' lacks 'rows', which every plan is made of (known: " +
               plan_kind_names() + ")");
  return kinds;
}

}  // namespace edgeflow
