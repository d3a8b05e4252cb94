// split_features (edgeflow/partition.h): the feature splits of the "features"
// and "channels" plan kinds, applied to the graph before profiling.
#include <algorithm>

#include "edgeflow/ir_passes.h"
#include "edgeflow/partition.h"

namespace edgeflow {

int split_features(Graph& graph, int ranks, const PlanKinds& kinds) {
  if (ranks < 2) return 0;
  int split = 0;
  if (kinds.features) split += shard_gemms(graph, ranks, kMinShardWeights);
  if (kinds.channels)
    split += shard_convs(graph, std::min(ranks, kMaxConvShards), kMinConvShardWeights,
                         kMinRowsPerConvShard);
  return split;
}

}  // namespace edgeflow
