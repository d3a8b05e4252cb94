// Scaling benchmark (edgeflow_scaling_bench): the predicted speedup of the
// default policy, restricted to each set of plan kinds, against the number of
// devices, on synthetic clusters of equal devices beyond the four this
// machine can emulate. Per model, device count, link bandwidth and plan
// kinds it plans with make_partition and prints one JSON object per line:
//
//   latency_ms          the plan's predicted latency (one request alone)
//   speedup             single device latency / latency_ms
//   throughput_per_s    with requests pipelined: 1 / the busier of the
//                       busiest rank's compute and the busiest link's
//                       occupancy per request (the steady-state bound)
//   throughput_speedup  throughput_per_s * single device latency
//   planning_s          wall time of make_partition
//
//   edgeflow_scaling_bench --model FILE.onnx [--model ...] [--devices 2,4,8]
//       [--bandwidths 1e9,1e8] [--kinds rows/rows,halo/...] [--budget S]
//
// Devices: 10 GFLOP/s each, 50 us links (synthetic_profile); --budget is the
// whole-plan search's budget per plan (default 10 s). scaling_plot.py draws
// the curves (./run.sh bench scaling).
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "edgeflow/cost.h"
#include "edgeflow/error.h"
#include "edgeflow/ir_passes.h"
#include "edgeflow/latency_floor.h"
#include "edgeflow/onnx_import.h"
#include "edgeflow/partition.h"
#include "edgeflow/plan_simulator.h"

namespace {

std::vector<std::string> split(const std::string& text, char sep) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= text.size()) {
    const size_t at = text.find(sep, start);
    const size_t end = at == std::string::npos ? text.size() : at;
    if (end > start) out.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

std::string basename_without_onnx(const std::string& path) {
  std::string name = path.substr(path.find_last_of('/') + 1);
  if (name.size() > 5 && name.compare(name.size() - 5, 5, ".onnx") == 0)
    name.resize(name.size() - 5);
  return name;
}

int usage() {
  std::fprintf(stderr,
               "usage: edgeflow_scaling_bench --model FILE.onnx [--model ...] [--devices 2,4,8] "
               "[--bandwidths 1e9,1e8] [--kinds rows/rows,halo/...] [--budget S]\n");
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace edgeflow;
  std::vector<std::string> models;
  std::vector<std::string> devices = split("2,4,8,16,32,64", ',');
  std::vector<std::string> bandwidths = {"1e9", "1e8"};
  std::vector<std::string> kinds = split(
      "rows/rows,halo/rows,fused/rows,features/rows,branches/rows,halo,fused,features,branches",
      '/');
  double budget_s = 10.0;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (i + 1 >= argc) return usage();
    const std::string value = argv[++i];
    if (a == "--model") models.push_back(value);
    else if (a == "--devices") devices = split(value, ',');
    else if (a == "--bandwidths") bandwidths = split(value, ',');
    else if (a == "--kinds") kinds = split(value, '/');
    else if (a == "--budget") budget_s = std::atof(value.c_str());
    else return usage();
  }
  if (models.empty()) return usage();
  try {
    constexpr double kFlopsPerS = 10e9, kLatencyS = 50e-6;
    for (const std::string& path : models) {
      const Graph base = import_onnx(path, {});
      for (const std::string& bw_text : bandwidths) {
        const double bandwidth = std::atof(bw_text.c_str());
        // One device: the whole graph, no links.
        const ClusterProfile one = synthetic_profile(base, {kFlopsPerS}, bandwidth, kLatencyS);
        PartitionerOptions single;
        single.name = "single";
        const double single_s =
            PlanSimulator(base, one, make_partition(base, one, single)).latency();
        for (const std::string& d : devices) {
          const int n = std::atoi(d.c_str());
          if (n < 1) return usage();
          for (const std::string& k : kinds) {
            PartitionerOptions options;
            options.kinds = parse_plan_kinds(k);
            options.refine_budget_s = budget_s;
            // Feature splits rewrite the graph before profiling, as the program does.
            Graph graph = base;
            split_features(graph, n, options.kinds);
            const ClusterProfile profile = synthetic_profile(
                graph, std::vector<double>(n, kFlopsPerS), bandwidth, kLatencyS);
            const auto t0 = std::chrono::steady_clock::now();
            const Partition partition = make_partition(graph, profile, options);
            const double planning_s =
                std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
            PlanSimulator sim(graph, profile, partition);
            const PlanPrediction prediction = sim.predict();
            double busiest = busiest_link_s(profile, prediction.bytes);
            for (double s : sim.rank_busy_s()) busiest = std::max(busiest, s);
            const double throughput = busiest > 0 ? 1.0 / busiest : 0.0;
            std::printf(
                "{\"model\":\"%s\",\"devices\":%d,\"bandwidth_bits_per_s\":%g,"
                "\"kinds\":\"%s\",\"latency_ms\":%.4f,\"single_ms\":%.4f,\"speedup\":%.4f,"
                "\"throughput_per_s\":%.4f,\"throughput_speedup\":%.4f,\"planning_s\":%.3f}\n",
                basename_without_onnx(path).c_str(), n, bandwidth, k.c_str(),
                1e3 * prediction.latency_s, 1e3 * single_s, single_s / prediction.latency_s,
                throughput, throughput * single_s, planning_s);
            std::fflush(stdout);
          }
        }
      }
    }
    return 0;
  } catch (const Error& e) {
    std::fprintf(stderr, "edgeflow_scaling_bench: error: %s\n", e.what());
    return static_cast<int>(e.code());
  }
}
