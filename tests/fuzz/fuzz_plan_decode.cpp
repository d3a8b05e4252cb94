// libFuzzer target: what a worker does with the two set-up messages from
// rank 0 (src/cli/setup.cpp): parse planpb::Graph, decode_graph,
// validate_graph; parse planpb::RankPlan, validate_plan; then make its
// Executor (a kernel for every unit, the slot buffers). For small graphs it
// also runs the whole graph on one rank, so that what the validators accept
// is known to be safe for the kernels.
//
// Mutations: three in four change one field of the parsed Graph or RankPlan
// (proto_mutator.h), the rest are libFuzzer's byte mutations.
// Input framing (tests/fuzz/make_plan_seeds.cpp writes seeds in it):
//   [4 bytes: graph length G, little-endian] [G bytes: Graph] [rest: RankPlan]
// Any input must end in an edgeflow::Error or a clean run; a crash, a
// sanitizer report, an allocation above -rss_limit_mb or a hang is a bug.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <optional>
#include <string>

#include <google/protobuf/stubs/logging.h>

#include "edgeflow/error.h"
#include "edgeflow/ir_passes.h"
#include "edgeflow/kernels.h"
#include "edgeflow/plan.h"
#include "edgeflow/runtime.h"
#include "edgeflow/transport.h"
#include "proto_mutator.h"

namespace {

using namespace edgeflow;

// Feature maps and weights up to this many floats are run; larger ones are
// only validated (a real worker would allocate them, as rank 0 asked).
constexpr int64_t kRunLimit = int64_t(1) << 16;
constexpr int kMaxWorld = 1024;

// A transport that only answers who it is: the Executor's constructor asks
// for rank, world size and the tag bound, and sends nothing.
class NullTransport : public Transport {
 public:
  NullTransport(int rank, int world) : rank_(rank), world_(world) {}
  int rank() const override { return rank_; }
  int world_size() const override { return world_; }
  int max_tag() const override { return 32767; }  // MPI's guaranteed minimum
  std::string host_name() const override { return "fuzz"; }
  int local_rank() const override { return rank_; }
  int local_size() const override { return world_; }
  Handle isend(const void*, size_t, int, int) override { fail_runtime("fuzz: no sends"); }
  Handle irecv(void*, size_t, int, int) override { fail_runtime("fuzz: no receives"); }
  bool test(Handle) override { return true; }
  void send_bytes(const std::string&, int, int, double) override {}
  std::optional<std::string> try_recv_bytes(int, int, int*) override { return std::nullopt; }
  std::string recv_bytes(int, int, double) override { fail_runtime("fuzz: no receives"); }
  void broadcast(std::string*, int) override {}
  std::vector<std::string> gather(const std::string& mine, int) override { return {mine}; }
  void barrier() override {}
  [[noreturn]] void abort(int code) override { std::_Exit(code); }

 private:
  int rank_, world_;
};

int64_t floats_held(const Graph& g) {
  int64_t n = 0;
  for (const Value& v : g.values) n += v.shape.elements();
  return n + g.weight_bytes() / int64_t(sizeof(float));
}

KernelFactory& kernels() {
  static std::unique_ptr<KernelFactory> factory = make_onednn_factory(1);
  return *factory;
}

// Splits the framing; false when it does not hold.
bool unframe(const uint8_t* data, size_t size, size_t* graph_size) {
  if (size < 4) return false;
  *graph_size = size_t(data[0]) | size_t(data[1]) << 8 | size_t(data[2]) << 16 |
                size_t(data[3]) << 24;
  return *graph_size <= size - 4;
}

}  // namespace

extern "C" size_t LLVMFuzzerMutate(uint8_t* data, size_t size, size_t max_size);

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  google::protobuf::SetLogHandler(nullptr);  // parse warnings are expected here
  return 0;
}

extern "C" size_t LLVMFuzzerCustomMutator(uint8_t* data, size_t size, size_t max_size,
                                          unsigned int seed) {
  size_t graph_size = 0;
  planpb::Graph graph;
  planpb::RankPlan plan;
  if (seed % 4 == 0 || !unframe(data, size, &graph_size) ||
      !graph.ParseFromArray(data + 4, int(graph_size)) ||
      !plan.ParseFromArray(data + 4 + graph_size, int(size - 4 - graph_size)))
    return LLVMFuzzerMutate(data, size, max_size);
  fuzz::ProtoMutator mutator(seed);
  for (unsigned i = 0; i <= seed % 3; ++i)
    mutator.mutate((seed >> 2) % 2 ? static_cast<google::protobuf::Message*>(&graph) : &plan);
  const std::string g = graph.SerializeAsString();
  const std::string p = plan.SerializeAsString();
  if (4 + g.size() + p.size() > max_size) return LLVMFuzzerMutate(data, size, max_size);
  for (int i = 0; i < 4; ++i) data[i] = static_cast<uint8_t>(g.size() >> (8 * i));
  std::memcpy(data + 4, g.data(), g.size());
  std::memcpy(data + 4 + g.size(), p.data(), p.size());
  return 4 + g.size() + p.size();
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  size_t graph_size = 0;
  if (!unframe(data, size, &graph_size)) return 0;
  const char* graph_bytes = reinterpret_cast<const char*>(data + 4);
  const char* plan_bytes = graph_bytes + graph_size;
  const size_t plan_size = size - 4 - graph_size;
  try {
    planpb::Graph wire;
    if (!wire.ParseFromArray(graph_bytes, int(graph_size))) return 0;
    const Graph graph = decode_graph(wire);
    validate_graph(graph);
    const bool small = floats_held(graph) <= kRunLimit;
    if (small) {
      Tensor input(graph.input_shape());
      for (size_t i = 0; i < input.size(); ++i) input.data()[i] = float(i % 13) - 6.0f;
      run_single(graph, kernels(), input);
    }

    planpb::RankPlan plan;
    if (!plan.ParseFromArray(plan_bytes, int(plan_size))) return 0;
    validate_plan(plan, graph);
    // A worker's transport rejects a plan addressed to another rank or world
    // (receive_plan in src/cli/setup.cpp); here any world up to kMaxWorld is.
    if (small && plan.num_edges() <= kRunLimit && plan.world_size() <= kMaxWorld) {
      NullTransport transport(plan.rank(), plan.world_size());
      Executor executor(plan, graph, kernels(), &transport, RuntimeOptions{});
    }
  } catch (const Error&) {
    // A malformed message, reported as a value: what a worker must do.
  }
  return 0;
}
