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

// Kernels of `inner` that keep the rank busy for their CPU time / speed.
std::unique_ptr<KernelFactory> emulate_compute(std::unique_ptr<KernelFactory> inner, double speed);

// The busy time of a kernel whose thread CPU time was `cpu_s`, at `speed`.
inline double emulated_busy_s(double cpu_s, double speed) { return cpu_s / speed; }

// Link emulation over `inner`: every nonblocking message carries its
// emulated arrival time; test() is true only once that time has passed.
std::unique_ptr<Transport> emulate_links(std::unique_ptr<Transport> inner,
                                         std::vector<EmulatedDevice> devices);

// The queueing of one direction of a link: a message occupies it from
// max(ready, free) for its transfer time. Returns when the message starts.
class LinkQueue {
 public:
  double occupy(double ready_s, double duration_s) {
    const double start = ready_s > free_s_ ? ready_s : free_s_;
    free_s_ = start + duration_s;
    return start;
  }
  double free_at() const { return free_s_; }

 private:
  double free_s_ = 0.0;
};

}  // namespace edgeflow
