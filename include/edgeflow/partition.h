// The partition policies behind one interface (make_partition): each makes a
// Partition (edgeflow/partition_cuts.h) of a graph for a cluster profile.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "edgeflow/ir.h"
#include "edgeflow/partition_cuts.h"

namespace edgeflow {

struct ClusterProfile;  // edgeflow/cost.h

// The kinds of plan a policy may make (--plan-kinds). Row splits (one row
// range per rank per layer) are always allowed; the others add to them.
struct PlanKinds {
  bool halo_first = true;  // "halo": Partition::halo_first layers
  // "fused": layers fused into their readers (Partition::fused), so that a
  // stack of them exchanges halos once and recomputes the overlap.
  bool fused = true;
  // "features": large Gemms split by output features into shards that can
  // run on different ranks (shard_gemms in edgeflow/ir_passes.h; applied to
  // the graph before profiling, see kMinShardWeights).
  bool features = true;
  // "channels": large Convs on small maps split the same way by output
  // channels (shard_convs, kMinConvShardWeights). Off by default: on four
  // emulated devices it gained nothing on googlenet and inception_v3, and
  // the search on the sharded resnet50 found a plan 22% slower
  // (docs/partition.md, "Feature splits").
  bool channels = false;
  // "branches": the branches of fork/join blocks (inception towers, residual
  // paths, dense layers) placed whole on one rank or split over a few, as
  // one move of the whole-plan search (docs/partition.md).
  bool branches = true;
};

// A Gemm is split into one shard per rank (features) when its weight holds
// at least this many values: below it, a shard's compute is too short to pay
// for moving its input.
constexpr int64_t kMinShardWeights = 1000000;
// A Conv is split by output channels (features) into one shard per rank, at
// most kMaxConvShards, when its weight holds at least this many values and
// its output has fewer than kMinRowsPerConvShard rows per shard (shard_convs).
constexpr int64_t kMinConvShardWeights = 100000;
constexpr int64_t kMinRowsPerConvShard = 4;
constexpr int kMaxConvShards = 8;

// The rewrite of `graph` for `ranks` ranks that the "features" and
// "channels" kinds make before it is profiled: large Gemms and Convs on small
// maps split into shards by the rules above (shard_gemms, shard_convs).
// Returns the number of layers split.
int split_features(Graph& graph, int ranks, const PlanKinds& kinds);

// Parses --plan-kinds ("rows", "rows,halo,fused,features,branches", ...); throws Error
// (kBadInput) listing the known kinds for an unknown one or a list without
// "rows".
PlanKinds parse_plan_kinds(const std::string& list);
// The known kinds, for --help and errors: "rows, halo, fused, features, branches".
std::string plan_kind_names();

struct PartitionerOptions {
  std::string name = "edgeflow";  // see partitioner_names()
  uint64_t seed = 1;              // random
  PlanKinds kinds{};
  // edgeflow: wall-clock budget of the whole-plan refinement (it stops
  // early when a pass finds nothing better).
  double refine_budget_s = 30.0;
};

// What a policy wants the user to know about its partition.
struct PartitionReport {
  std::vector<std::string> warnings;  // e.g. ranks left out
  double predicted_latency_s = 0.0;   // of the partition, by simulate_plan
  // edgeflow: every baseline's predicted latency, and the best of them.
  std::vector<std::pair<std::string, double>> baselines;
  std::string best_baseline;
  double best_baseline_s = 0.0;
  // edgeflow: one line for the user, e.g. "edgeflow: predicted 299.268 ms,
  // 4.1% below the best baseline (lp, 311.934 ms); 6412 plans simulated in 0.35 s".
  std::string summary;
};

// Makes a partition of `graph` for the cluster `profile` with the named
// policy. Ranks the profile marks unusable get no rows (with a warning in
// `report`, or on stderr without one). Throws Error (kBadInput) for an
// unknown policy or a profile that does not fit the graph; a solver failure
// is an Error naming the layer.
Partition make_partition(const Graph& graph, const ClusterProfile& profile,
                         const PartitionerOptions& options, PartitionReport* report = nullptr);

// The same on `world_size` equal ranks on 1 Gbit/s links (a synthetic
// profile): for policies that need no measurements, and for tests.
Partition make_partition(const Graph& graph, int world_size, const PartitionerOptions& options);

// Names of the policies make_partition knows, for --help and errors.
std::vector<std::string> partitioner_names();

}  // namespace edgeflow
