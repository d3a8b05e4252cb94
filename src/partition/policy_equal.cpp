// The equal policy: every layer's rows split evenly over the usable ranks.
// It reads no costs, so the job need not profile the cluster for it.
#include "partition/policy_helpers.h"
#include "edgeflow/policy_registry.h"

namespace edgeflow {
namespace {

Partition partition_equal(const PolicyContext& ctx) {
  std::vector<double> weights(ctx.profile.world_size);
  for (int r = 0; r < ctx.profile.world_size; ++r)
    weights[r] = ctx.profile.is_usable(r) ? 1.0 : 0.0;
  return split_layers_by(ctx.graph, ctx.profile,
                         [&](int, int64_t H) { return proportional_cuts(H, weights); });
}

}  // namespace

PolicyInfo equal_policy() {
  PolicyInfo policy;
  policy.name = "equal";
  policy.help = "every layer's rows split evenly over the usable ranks";
  policy.needs_profile = false;
  policy.seed_order = 2;
  policy.make = partition_equal;
  return policy;
}

}  // namespace edgeflow
