// Writes the seed corpus of fuzz_plan_decode: for every model given, the set-up
// messages a worker receives (its Graph and its RankPlan) at np = 1, 2 and 3
// under the equal and a random partition, in the fuzzer's framing:
//   [4 bytes: graph length G, little-endian] [G bytes: Graph] [rest: RankPlan]
//   make_plan_seeds OUT_DIR MODEL.onnx...
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include "edgeflow/error.h"
#include "edgeflow/onnx_import.h"
#include "edgeflow/partition.h"
#include "edgeflow/plan.h"

namespace {

using namespace edgeflow;

std::string framed(const std::string& graph, const std::string& plan) {
  const uint32_t n = static_cast<uint32_t>(graph.size());
  std::string out;
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<char>((n >> (8 * i)) & 0xff));
  return out + graph + plan;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: make_plan_seeds OUT_DIR MODEL.onnx...\n");
    return 1;
  }
  const std::filesystem::path out_dir = argv[1];
  std::filesystem::create_directories(out_dir);
  int written = 0;
  for (int a = 2; a < argc; ++a) {
    const std::string stem = std::filesystem::path(argv[a]).stem().string();
    try {
      const Graph graph = import_onnx(argv[a], ImportOptions{});
      planpb::Graph wire;
      encode_graph(graph, true, &wire);
      const std::string graph_bytes = wire.SerializeAsString();
      for (int world : {1, 2, 3}) {
        for (const char* policy : {"equal", "random"}) {
          PartitionerOptions options;
          options.name = policy;
          options.seed = static_cast<uint64_t>(world);
          const Partition p = make_partition(graph, world, options);
          const std::vector<planpb::RankPlan> plans = build_plans(graph, p);
          for (int rank = 0; rank < world; ++rank) {
            const std::string name = stem + ".np" + std::to_string(world) + "." + policy +
                                     ".rank" + std::to_string(rank);
            std::ofstream(out_dir / name, std::ios::binary)
                << framed(graph_bytes, plans[rank].SerializeAsString());
            ++written;
          }
        }
      }
    } catch (const Error& e) {
      std::fprintf(stderr, "make_plan_seeds: skipping %s: %s\n", argv[a], e.what());
    }
  }
  std::printf("make_plan_seeds: %d seeds in %s\n", written, out_dir.c_str());
  return written > 0 ? 0 : 1;
}
