// The partition policies behind make_partition (edgeflow/partition.h), one
// per file: simple_policies.cpp (single, equal, proportional, random),
// progressive_policies.cpp (lp, exact, layerwise), whole_plan.cpp (edgeflow).
// Every policy gives ranks the profile marks unusable no rows; the helpers
// they share are in policy_helpers.h.
#pragma once

#include <cstdint>
#include <vector>

#include "edgeflow/cost.h"
#include "edgeflow/ir.h"
#include "edgeflow/partition.h"

namespace edgeflow {

// The fastest usable rank does everything.
Partition partition_single(const Graph& graph, const ClusterProfile& profile);
// Every layer's rows split evenly over the usable ranks.
Partition partition_equal(const Graph& graph, const ClusterProfile& profile);
// Rows in proportion to each rank's measured speed on the layer; links ignored.
Partition partition_proportional(const Graph& graph, const ClusterProfile& profile);
// Random cut points (zero-row ranks included); for tests.
Partition partition_random(const Graph& graph, const ClusterProfile& profile, uint64_t seed);

// Progressive (layer by layer): each layer whole on the rank where it finishes first.
Partition partition_layerwise(const Graph& graph, const ClusterProfile& profile);
// Progressive: the per-layer LP (lp_solve).
Partition partition_lp(const Graph& graph, const ClusterProfile& profile);
// Progressive: the per-layer integer optimum.
Partition partition_exact(const Graph& graph, const ClusterProfile& profile);

// The default: whole-plan optimisation from the LP's plan and the baselines.
Partition partition_edgeflow(const Graph& graph, const ClusterProfile& profile,
                             const PartitionerOptions& options, PartitionReport* report);

}  // namespace edgeflow
