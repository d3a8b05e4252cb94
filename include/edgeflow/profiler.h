// The profiler (docs/cost-model.md): before any plan exists, every rank times
// the real kernels of every layer at a few row counts and fits
// t = alpha * rows + beta; every pair of ranks ping-pongs at two message sizes
// to fit latency and bandwidth. Ranks that share a host take turns so they do
// not disturb each other. Rank 0 gathers the result into a ClusterProfile.
#pragma once

#include <string>
#include <vector>

#include "edgeflow/cost.h"
#include "edgeflow/kernels.h"
#include "edgeflow/transport.h"

namespace edgeflow {

struct ProfileOptions {
  int repeats = 3;  // timed runs per sample (after one warm-up); the median counts
  std::vector<int64_t> message_bytes{4 << 10, 1 << 20};
  int message_probes = 32;  // small messages sent back to back to time a send's CPU cost
};

// How well the measurements fit the model, for the user.
struct ProfileReport {
  double seconds = 0;            // time spent profiling
  double worst_fit_error = 0;    // max relative residual of the compute fits
  std::string worst_fit_layer;   // where it occurred
  int worst_fit_rank = 0;
};

// Times every layer on this rank: one ComputeCost per node (collective when
// `transport` is set: hosts' ranks take turns). `fit_error[n]` gets the
// largest relative residual of layer n's fit.
std::vector<ComputeCost> profile_compute(const Graph& graph, KernelFactory& kernels,
                                         Transport* transport, const ProfileOptions& options,
                                         std::vector<double>* fit_error);

// Every rank (collective): times the slices rank 0 asks for (its `request`;
// the others' is ignored), as profile_compute times its samples, ranks of a
// host in turns. Rank 0 adds what every usable rank measured to `profile`, a
// sample per slice, and refits the lines. A rank whose kernels fail to time is left as it was, with a
// warning. Returns how many slices each rank timed (0: the request was empty).
int profile_slices(const Graph& graph, KernelFactory& kernels, Transport* transport,
                   const ProfileOptions& options, const SliceRequest& request,
                   ClusterProfile* profile);

// What profile_links measured on one rank.
struct LinkProfile {
  std::vector<LinkCost> links;  // to every destination (its own entry unused)
  double message_cpu_s = 0.0;   // CPU time per message sent (median over peers)
};

// Ping-pongs with every other rank, then sends each a burst of small
// messages and receives one (collective).
LinkProfile profile_links(Transport& transport, const ProfileOptions& options);

// Every rank: measures compute and links; rank 0 returns the whole profile
// (other ranks an empty one) and fills `report`.
ClusterProfile measure_cluster(const Graph& graph, KernelFactory& kernels, Transport* transport,
                               const ProfileOptions& options, ProfileReport* report);

// The cache key of a profile: model, world size, host names, threads and
// emulation settings, digested.
std::string profile_key(const Graph& graph, const std::vector<std::string>& hosts, int threads,
                        const std::string& emulation);

// Reads a cached profile; nullopt (with a warning on stderr, "ignoring it") when the file is
// missing, corrupt or was measured under another key.
std::optional<ClusterProfile> load_profile(const std::string& path, const std::string& key,
                                           const Graph& graph);
void save_profile(const std::string& path, const std::string& key, const Graph& graph,
                  const ClusterProfile& profile);

}  // namespace edgeflow
