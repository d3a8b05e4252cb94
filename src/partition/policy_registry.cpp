// The list of partition policies, and lookups by name. The list is explicit
// (not self-registering static objects) because edgeflow_core is a static
// library: the linker drops object files nothing refers to, and their
// registrars with them.
#include "edgeflow/policy_registry.h"

#include "edgeflow/error.h"

namespace edgeflow {

// Each policy's registration, defined in its own file.
PolicyInfo edgeflow_policy();      // whole_plan.cpp
PolicyInfo lp_policy();            // policy_lp.cpp
PolicyInfo exact_policy();         // policy_exact.cpp
PolicyInfo single_policy();        // policy_single.cpp
PolicyInfo equal_policy();         // policy_equal.cpp
PolicyInfo proportional_policy();  // policy_proportional.cpp
PolicyInfo layerwise_policy();     // policy_layerwise.cpp
PolicyInfo random_policy();        // policy_random.cpp

const std::vector<PolicyInfo>& policies() {
  // One line per policy, in the order of --help and of errors.
  static const std::vector<PolicyInfo> registry = {
      edgeflow_policy(),
      lp_policy(),
      exact_policy(),
      single_policy(),
      equal_policy(),
      proportional_policy(),
      layerwise_policy(),
      random_policy(),
  };
  return registry;
}

const PolicyInfo* find_policy(const std::string& name) {
  for (const PolicyInfo& policy : policies())
    if (policy.name == name) return &policy;
  return nullptr;
}

const PolicyInfo& policy_named(const std::string& name) {
  if (const PolicyInfo* policy = find_policy(name)) return *policy;
  std::string known;
  for (const PolicyInfo& policy : policies()) known += (known.empty() ? "" : ", ") + policy.name;
  fail_input("--partitioner: unknown policy '" + name + "' (known: " + known + ")");
}

std::vector<std::string> partitioner_names() {
  std::vector<std::string> names;
  for (const PolicyInfo& policy : policies()) names.push_back(policy.name);
  return names;
}

}  // namespace edgeflow
