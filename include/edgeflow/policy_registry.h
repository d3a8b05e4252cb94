// The registry of partition policies: what make_partition, --help, the flag
// check, the profiling decision and the whole-plan search know about each
// policy (docs/partition.md, "The policies"). A policy is one file that
// defines its <name>_policy() and one line of the list in policy_registry.cpp.
#pragma once

#include <string>
#include <vector>

#include "edgeflow/cost.h"
#include "edgeflow/ir.h"
#include "edgeflow/partition.h"

namespace edgeflow {

// What a policy is given: the graph, the cluster, the options (seed,
// refinement budget) and the report it may add to (make_partition fills in
// the warnings and the predicted latency).
struct PolicyContext {
  const Graph& graph;
  const ClusterProfile& profile;
  const PartitionerOptions& options;
  PartitionReport& report;
};

// Makes a partition; ranks the profile marks unusable must get no rows.
using PolicyFn = Partition (*)(const PolicyContext&);

struct PolicyInfo {
  std::string name;  // the value of --partitioner
  std::string help;  // one line of --help (short: --help fits 80 columns)
  // False for policies that never read the measured costs: the job then
  // plans without profiling the cluster (on a synthetic or cached profile).
  bool needs_profile = true;
  // 0: not a seed of the whole-plan search (edgeflow). Otherwise the search
  // starts from this policy's plan, reports it as a baseline, and makes the
  // seeds in increasing seed_order (the order breaks ties between seeds and
  // is the order their cuts are tried).
  int seed_order = 0;
  // For a seed: the refinement tries this policy's cuts of each layer as
  // candidates for that layer.
  bool layer_cuts_are_candidates = true;
  PolicyFn make = nullptr;

  // Whether the whole-plan search starts from / compares against this policy.
  bool seeds_search() const { return seed_order > 0; }
};

// Every policy, in the order of --help and of the error for an unknown name.
const std::vector<PolicyInfo>& policies();

// The policy called `name`, or nullptr when there is none.
const PolicyInfo* find_policy(const std::string& name);

// The policy called `name`; throws Error (kBadInput) "--partitioner: unknown
// policy 'NAME' (known: ...)" when there is none.
const PolicyInfo& policy_named(const std::string& name);

}  // namespace edgeflow
