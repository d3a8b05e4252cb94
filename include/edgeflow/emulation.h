// A heterogeneous edge cluster on one machine (docs/emulated-cluster.md), as two
// decorators that the profiler and the runtime use unchanged:
//  - compute: a kernel whose thread CPU time was c keeps its rank busy for
//    c / speed of wall time (CPU time, so that ranks sharing cores do not
//    count each other's contention);
//  - links: each rank has an uplink and a downlink of its bandwidth and a
//    latency to a switch; a message from i to j occupies i's uplink and j's
//    downlink for bytes / min(B_i, B_j) and arrives L_i + L_j later. The MPI
//    message may arrive sooner; the receiver treats it as absent until then.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "edgeflow/kernels.h"
#include "edgeflow/transport.h"

namespace edgeflow {

struct EmulatedDevice {
  std::string name;
  double speed = 1.0;               // relative to one core of this machine
  double bytes_per_s = 125e6;       // link bandwidth
  double latency_s = 100e-6;        // link latency to the switch
};

// Reads a cluster file (Protobuf text format) for `world_size` ranks; a file
// that does not parse, names another number of devices or has a speed,
// bandwidth or latency out of range is an Error naming the field.
std::vector<EmulatedDevice> read_cluster_file(const std::string& path, int world_size);

// Kernels of `inner` that keep the rank busy for their CPU time / speed: the
// least of their first runs, or, with `kernel_times_path`, the time that file
// holds for the kernel (its first measurement on this host, by any process),
// recorded there when it holds none.
std::unique_ptr<KernelFactory> emulate_compute(std::unique_ptr<KernelFactory> inner, double speed,
                                               const std::string& kernel_times_path = "");
// The kernel-times file of the emulation beside a profile cache.
inline std::string kernel_times_path(const std::string& profile_cache) {
  return profile_cache.empty() ? std::string() : profile_cache + ".kernels";
}

// The busy time of a kernel whose thread CPU time was `cpu_s`, at `speed`.
inline double emulated_busy_s(double cpu_s, double speed) { return cpu_s / speed; }

// Link emulation over `inner`: every nonblocking message carries its
// emulated arrival time; test() is true only once that time has passed.
std::unique_ptr<Transport> emulate_links(std::unique_ptr<Transport> inner,
                                         std::vector<EmulatedDevice> devices);

// The queueing of one direction of a link: a message occupies it for its
// transfer time from the first moment at or after `ready` when it is free
// for that long. Reservations may come out of time order (a receiver learns
// of its messages when it polls, in its own order): a message that became
// ready earlier still takes an idle stretch before one booked ahead of it,
// as it would have on the wire. Returns when the message starts.
//
//   booked   [==B==]            then A, ready before B, 1 unit long:
//   A      [=]                  it fits before B and starts at once
class LinkQueue {
 public:
  double occupy(double ready_s, double duration_s);
  // When the last booked message ends.
  double free_at() const { return busy_.empty() ? 0.0 : busy_.back().second; }

 private:
  // Busy stretches (start, end), sorted and disjoint; only the latest few
  // are kept (a message ready long before them would be a clock gone back).
  static constexpr size_t kKept = 64;
  std::vector<std::pair<double, double>> busy_;
};

}  // namespace edgeflow
