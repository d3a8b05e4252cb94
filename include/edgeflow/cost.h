// The cost model: what each rank and link can do (measured by the profiler,
// or synthetic in tests and planning benchmarks), and the plan simulator
// that predicts when every unit of a partition starts and finishes.
//
//   rank s  [unit of value v]--> message (rows of v s computes that d reads)
//           finish(s)    post: s's uplink, then d's downlink, bytes/B each;
//                              arrives L after its downlink turn
//   rank d                                       [unit reading v] starts when
//                                                d is free and its rows arrived
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "edgeflow/ir.h"
#include "edgeflow/op_descriptor.h"  // layer_flops
#include "edgeflow/partition_cuts.h"

namespace edgeflow {

// t = latency_s + bytes / bytes_per_s for one message from one rank to another.
struct LinkCost {
  double latency_s = 0.0;
  double bytes_per_s = 1e30;
  // Time the message occupies the link (without the latency).
  double occupancy_s(int64_t bytes) const { return static_cast<double>(bytes) / bytes_per_s; }
  double seconds(int64_t bytes) const { return latency_s + occupancy_s(bytes); }
};

// One measured unit of a layer: computing output rows `rows` took `seconds`.
struct RowSample {
  RowRange rows;
  double seconds = 0.0;
};

// Compute time of one layer's units on one rank (zero rows cost nothing).
// Without samples: alpha * rows + beta. With samples (the profile's slices
// and the plan's own units, docs/cost-model.md): a sampled unit costs what it
// took; any other unit of a sampled height the mean of that height's
// samples, of a height between two sampled ones the interpolation, and
// beyond the outermost ones that one plus alpha per row.
class ComputeCost {
 public:
  double alpha_s = 0.0;  // seconds per output row (the least-squares line)
  double beta_s = 0.0;   // fixed cost of running the unit at all

  ComputeCost() = default;
  ComputeCost(double alpha, double beta) : alpha_s(alpha), beta_s(beta) {}
  // The line fitted through `samples` by least squares, kept non-negative
  // (noise that would make either negative gives a line through zero).
  explicit ComputeCost(std::vector<RowSample> samples);

  double seconds(int64_t rows) const {
    if (rows <= 0) return 0.0;
    return heights_.empty() ? alpha_s * static_cast<double>(rows) + beta_s : curve_s(rows);
  }
  double seconds(RowRange rows) const;
  // The least seconds per row at any height: what a lower bound may charge.
  double least_per_row_s() const;
  // The largest relative residual of the line at the samples.
  double fit_error() const;

  const std::vector<RowSample>& samples() const { return samples_; }
  bool has_sample(RowRange rows) const;
  // Adds the unit (replacing a sample of the same rows) and refits.
  void add_sample(RowRange rows, double seconds);

 private:
  struct Height {
    int64_t rows;
    double seconds;
  };
  double curve_s(int64_t rows) const;
  std::vector<RowSample> samples_;  // by rows.begin, then rows.end
  std::vector<Height> heights_;     // per sampled height, ascending: the mean
};

struct ClusterProfile {
  int world_size = 1;
  std::vector<std::vector<ComputeCost>> compute;  // [node][rank]
  std::vector<std::vector<LinkCost>> links;       // [src][dst]; the diagonal is unused
  std::vector<bool> usable;                       // [rank]; false: left out of partitions
  // [rank]: the CPU time the rank spends on each message it sends (posting
  // it and seeing it complete), after the unit that computed its rows;
  // empty: none.
  std::vector<double> message_cpu_s;
  // True: each rank's uplink and downlink carry one message at a time (a
  // switched network); false: every pair of ranks has a link of its own.
  bool link_queues = true;

  // Seconds to move `bytes` from src to dst (0 when src == dst or bytes == 0).
  double transfer_s(int src, int dst, int64_t bytes) const;
  // False for ranks marked unusable (an empty `usable` means all are).
  bool is_usable(int rank) const { return usable.empty() || usable.at(rank); }
  double message_cpu(int rank) const {
    return message_cpu_s.empty() ? 0.0 : message_cpu_s[static_cast<size_t>(rank)];
  }
};

// Checks that `profile` fits `graph` (sizes, finite non-negative costs, at
// least one usable rank); throws Error (kBadInput) naming what is wrong.
void validate_profile(const Graph& graph, const ClusterProfile& profile);

// One synthetic device: its compute speed and its link to the switch. Two
// devices talk at min(bandwidth) with latency_s of both added.
struct DeviceSpec {
  double flops_per_s = 10e9;
  double bandwidth_bits_per_s = 1e9;
  double latency_s = 50e-6;
  bool usable = true;
};

// A profile with compute proportional to each layer's FLOPs at each device's
// speed (plus `beta_s` per unit) and links through one switch.
ClusterProfile synthetic_profile(const Graph& graph, const std::vector<DeviceSpec>& devices,
                                 double beta_s = 20e-6);

// The same with `flops_per_s[rank]` and links of `bandwidth` bit/s and
// `latency_s` between every pair: for tests and planning benchmarks.
ClusterProfile synthetic_profile(const Graph& graph, const std::vector<double>& flops_per_s,
                                 double bandwidth_bits_per_s, double latency_s,
                                 double beta_s = 20e-6);

// Named synthetic clusters of `world_size` devices:
//   homogeneous  equal devices (10 GFLOP/s) on 1 Gbit/s
//   mixed        the first half as above, the rest half as fast on 100 Mbit/s
//   slow         equal devices of 2 GFLOP/s on 10 Mbit/s
// Throws Error (kBadInput) for an unknown name.
std::vector<DeviceSpec> synthetic_cluster(const std::string& name, int world_size);
std::vector<std::string> synthetic_cluster_names();

// Row ranges of each layer's output to time, per node.
using SliceRequest = std::vector<std::vector<RowRange>>;

// The units of `partition` (as the schedule lists them, on every rank) that
// are not yet a sample of their layer's cost on every usable rank: each
// distinct row range once, at most `per_layer` per layer.
SliceRequest unsampled_units(const Graph& graph, const Partition& partition,
                             const ClusterProfile& profile, int per_layer = 16);

// What the simulator predicts for one plan.
struct PlanPrediction {
  double latency_s = 0.0;                     // end to end, one request
  std::vector<std::vector<double>> start_s;   // [node][rank]; 0 for empty units
  std::vector<std::vector<double>> finish_s;  // [node][rank]; 0 for empty units
  std::vector<std::vector<int64_t>> bytes;    // [src][dst] per request
  std::vector<int64_t> value_bytes;           // [value]: its rows sent between ranks
  int64_t messages = 0;                       // per request
};

// Predicts a partition's timeline, as the runtime runs it (src/runtime):
// each rank runs its units in topological order; a unit starts when its rank
// is free and every message carrying rows it reads has arrived (local rows
// are free); messages are the plan's edges (per value, destination and
// merged run of rows it reads, from each rank computing some of them, as
// build_plans numbers them), posted when their unit finishes (the graph
// input: by rank 0 at time 0); a unit keeps its rank busy for its compute
// plus message_cpu_s per message it sends. With profile.link_queues (the emulated
// cluster of docs/emulated-cluster.md) a message takes its sender's uplink as
// soon as it is free, then its receiver's downlink as soon as that is free
// (not before its uplink turn), each for bytes / bandwidth, reserved in the
// order messages are posted (time, then edge), and arrives latency after
// its downlink turn ends; without, it arrives bytes / bandwidth + latency
// after it is posted. The latency is when rank 0 holds every graph output
// row and has run all its units.
PlanPrediction simulate_plan(const Graph& graph, const Partition& partition,
                             const ClusterProfile& profile);

}  // namespace edgeflow
