// Planning-time benchmark (edgeflow_plan_bench): how long make_partition
// takes for a model on synthetic clusters of several sizes, per policy, with
// the predicted latency of the plan it makes. Prints a markdown table of wall
// and CPU time (planning is single-threaded: on a busy machine the CPU time
// is the fairer number); the default policy's targets on this machine are
// <= 1 s at 4 ranks, <= 5 s at 16 and <= 60 s at 64 (wall time).
//
//   edgeflow_plan_bench [--model FILE.onnx] [--ranks 4,16,64]
//                       [--clusters homogeneous,mixed,slow]
//                       [--policies edgeflow,lp,exact] [--check]
//
// --check exits with status 1 when the default policy misses a target.
// Default model: $EDGEFLOW_ZOO_DIR/densenet121.onnx, else
// models/zoo/densenet121.onnx under the current directory.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <string>
#include <vector>

#include "edgeflow/cost.h"
#include "edgeflow/error.h"
#include "edgeflow/onnx_import.h"
#include "edgeflow/partition.h"

namespace {

std::vector<std::string> split(const std::string& text) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= text.size()) {
    const size_t comma = text.find(',', start);
    const size_t end = comma == std::string::npos ? text.size() : comma;
    if (end > start) out.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

// The default policy's planning-time target at `ranks`, in seconds.
double target_s(int ranks) { return ranks <= 4 ? 1.0 : ranks <= 16 ? 5.0 : 60.0; }

int usage() {
  std::fprintf(stderr,
               "usage: edgeflow_plan_bench [--model FILE.onnx] [--ranks 4,16,64] "
               "[--clusters homogeneous,...] [--policies edgeflow,lp,exact] [--check]\n");
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace edgeflow;
  const char* zoo = std::getenv("EDGEFLOW_ZOO_DIR");
  std::string model = std::string(zoo ? zoo : "models/zoo") + "/densenet121.onnx";
  std::vector<std::string> ranks = {"4", "16", "64"}, clusters = {"homogeneous"},
                           policies = {"edgeflow", "lp", "exact"};
  bool check = false;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    const bool has_value = i + 1 < argc;
    if (a == "--model" && has_value)
      model = argv[++i];
    else if (a == "--ranks" && has_value)
      ranks = split(argv[++i]);
    else if (a == "--clusters" && has_value)
      clusters = split(argv[++i]);
    else if (a == "--policies" && has_value)
      policies = split(argv[++i]);
    else if (a == "--check")
      check = true;
    else
      return usage();
  }
  try {
    const Graph graph = import_onnx(model, {});
    std::printf("Planning time of %s (%zu layers) on synthetic clusters\n\n", model.c_str(),
                graph.nodes.size());
    std::printf(
        "| cluster | ranks | policy | planning time (s) | cpu (s) | predicted latency (ms) | "
        "target |\n|---|---|---|---|---|---|---|\n");
    bool missed = false;
    for (const std::string& cluster : clusters)
      for (const std::string& r : ranks) {
        const int n = std::atoi(r.c_str());
        if (n < 1) return usage();
        const ClusterProfile profile = synthetic_profile(graph, synthetic_cluster(cluster, n));
        for (const std::string& policy : policies) {
          PartitionerOptions options;
          options.name = policy;
          PartitionReport report;
          const auto t0 = std::chrono::steady_clock::now();
          const std::clock_t c0 = std::clock();
          make_partition(graph, profile, options, &report);
          const double cpu = static_cast<double>(std::clock() - c0) / CLOCKS_PER_SEC;
          const double s =
              std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
          std::string target = "-";
          if (policy == "edgeflow") {
            const bool ok = s <= target_s(n);
            missed |= !ok;
            char buf[64];
            std::snprintf(buf, sizeof buf, "<= %g s: %s", target_s(n), ok ? "met" : "MISSED");
            target = buf;
          }
          std::printf("| %s | %d | %s | %.3f | %.3f | %.3f | %s |\n", cluster.c_str(), n,
                      policy.c_str(), s, cpu, 1e3 * report.predicted_latency_s, target.c_str());
          std::fflush(stdout);
        }
      }
    return check && missed ? 1 : 0;
  } catch (const Error& e) {
    std::fprintf(stderr, "edgeflow_plan_bench: error: %s\n", e.what());
    return static_cast<int>(e.code());
  }
}
