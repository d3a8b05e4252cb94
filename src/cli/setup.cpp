// Set-up messages carry a status byte first: 0 = what follows is valid,
// kStop = the job is complete, anything else = the exit status of a failure
// that rank 0 has reported.
#include "cli/setup.h"

#include <chrono>
#include <cstdio>
#include <fstream>
#include <sstream>

#include "cli/build_id.h"
#include "edgeflow/io.h"
#include "edgeflow/ir_passes.h"
#include "edgeflow/onnx_import.h"
#include "edgeflow/plan.h"
#include "edgeflow/policy_registry.h"

namespace edgeflow {
namespace {

constexpr char kOkStatus = 0;
constexpr char kStop = static_cast<char>(255);

[[noreturn]] void quit_on_status(char status) {
  if (status == kStop) throw QuietExit{ExitCode::kOk};
  throw QuietExit{static_cast<ExitCode>(static_cast<unsigned char>(status))};
}

// Runs one rank's part of a step, then agrees with every rank on the
// outcome (confirm_ready): no rank enters the next collective alone.
template <typename Work>
void run_step(Transport* transport, const Work& work) {
  if (!transport) return work();
  std::string error;
  ExitCode code = ExitCode::kOk;
  try {
    work();
  } catch (const Error& e) {
    error = e.what();
    code = e.code();
  }
  confirm_ready(*transport, error, code);
}

// Step 1, after rank 0 imported the model: the model (and whether to
// profile) to every rank.
void share_model(Transport& transport, Session& s, bool* profile_now) {
  std::string message;
  if (transport.rank() == 0) {
    planpb::Graph wire;
    encode_graph(s.graph, true, &wire);
    message = std::string(1, *profile_now ? 1 : 0) + wire.SerializeAsString();
  }
  transport.broadcast(&message, 0);
  run_step(&transport, [&] {
    if (transport.rank() == 0) return;
    planpb::Graph wire;
    if (message.empty() || !wire.ParseFromArray(message.data() + 1, int(message.size() - 1)))
      fail_input("set-up: the model from rank 0 does not parse");
    *profile_now = message[0] != 0;
    s.graph = decode_graph(wire);
    validate_graph(s.graph);
  });
}

// Step 3: rank 0 sends every worker its plan (or a status instead).
void scatter_plans(Transport& transport, const std::vector<planpb::RankPlan>* plans,
                   char status, double timeout_s) {
  for (int peer = 1; peer < transport.world_size(); ++peer) {
    std::string bytes(1, status);
    if (plans) bytes += (*plans)[peer].SerializeAsString();
    transport.send_bytes(bytes, peer, kTagSetup, timeout_s);
  }
}

planpb::RankPlan receive_plan(Transport& transport, const Graph& graph, double timeout_s) {
  const std::string bytes = transport.recv_bytes(0, kTagSetup, timeout_s);
  if (bytes.empty()) fail_runtime("set-up: empty plan message from rank 0");
  if (bytes[0] != kOkStatus) quit_on_status(bytes[0]);
  planpb::RankPlan plan;
  if (!plan.ParseFromArray(bytes.data() + 1, static_cast<int>(bytes.size() - 1)))
    fail_input("plan: the message from rank 0 does not parse");
  if (plan.rank() != transport.rank() || plan.world_size() != transport.world_size())
    fail_input("plan: addressed to rank " + std::to_string(plan.rank()) + " of " +
               std::to_string(plan.world_size()));
  validate_plan(plan, graph);
  return plan;
}

// The emulated cluster as part of the profile's cache key: its file's text.
std::string emulation_key(const std::string& cluster_file) {
  if (cluster_file.empty()) return "none";
  std::ifstream in(cluster_file);
  std::stringstream text;
  text << in.rdbuf();
  std::string key = text.str();
  for (char& c : key)
    if (c == '\n' || c == ';') c = ' ';
  return key;
}

// Rank 0, step 1: the model, the inputs and whether profiling is needed.
bool prepare_root(const Options& options, Session& s, const std::vector<std::string>& hosts,
                  int threads, std::string* cache_key) {
  if (!options.input.empty()) s.inputs = expand_inputs(options.input);
  ImportOptions import;
  import.input_shape = options.input_shape;
  s.graph = import_onnx(options.model, import);
  split_features(s.graph, static_cast<int>(hosts.size()), options.plan_kinds);
  // A fitting cache is read even by policies that need no profile: their
  // plans are then predicted on the measured cluster, comparable with others.
  *cache_key = profile_key(s.graph, hosts, threads, emulation_key(options.cluster));
  if (!options.profile_cache.empty() && !options.reprofile)
    if (auto cached = load_profile(options.profile_cache, *cache_key, s.graph)) {
      s.profile = *cached;
      s.measured = true;
      return false;
    }
  // One rank: nothing to split.
  return policy_named(options.partitioner).needs_profile && hosts.size() > 1;
}

PartitionerOptions partitioner_options(const Options& options) {
  PartitionerOptions policy;
  policy.name = options.partitioner;
  policy.seed = options.seed;
  policy.kinds = options.plan_kinds;
  return policy;
}

// Step 3, every rank: up to --refine-rounds times, every rank times the
// units of rank 0's partition the profile has not measured (with a synthetic
// profile: none), and rank 0 plans again with them. Policies that need no
// profile make the same plan again, but their prediction is exact too, and
// under --cluster every unit's emulated time is settled here, one rank of a
// host at a time, not in the first request with every rank computing at once
// (where ranks sharing a core's pipelines measure each other).
void refine_partition(const Options& options, Transport* transport, KernelFactory& kernels,
                      const std::string& cache_key, Session& s, PartitionReport* report) {
  const bool root = !transport || transport->rank() == 0;
  const auto t0 = std::chrono::steady_clock::now();
  const Partition first = s.partition;
  const double first_fitted_s = root ? simulate_plan(s.graph, first, s.profile).latency_s : 0.0;
  int timed = 0;
  // Round k times the units of plan k, then makes plan k + 1; the last plan's
  // new units are timed too, so that what it predicts is what they take.
  for (int round = 0;; ++round) {
    SliceRequest request;
    if (root && s.measured) request = unsampled_units(s.graph, s.partition, s.profile);
    const int slices = profile_slices(s.graph, kernels, transport, ProfileOptions{}, request,
                                      root ? &s.profile : nullptr);
    timed += slices;
    if (slices == 0 || round == options.refine_rounds) break;
    run_step(transport, [&] {
      if (!root) return;
      *report = PartitionReport{};
      s.partition = make_partition(s.graph, s.profile, partitioner_options(options), report);
    });
  }
  if (!root || timed == 0) return;
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::printf("edgeflow: timed %d units of the plan on every rank in %.1f s: the first plan "
              "predicts %.2f ms on the fitted costs and %.2f ms on its units' times; "
              "planned again: %.2f ms\n",
              timed, seconds, 1e3 * first_fitted_s,
              1e3 * simulate_plan(s.graph, first, s.profile).latency_s,
              1e3 * simulate_plan(s.graph, s.partition, s.profile).latency_s);
  if (!options.profile_cache.empty())
    save_profile(options.profile_cache, cache_key, s.graph, s.profile);
}

}  // namespace

Session set_up(const Options& options, Transport* transport, KernelFactory& kernels, int threads,
               bool stop_after_plan, const RootFileCheck& check_files) {
  Session s;
  const int rank = transport ? transport->rank() : 0;
  const int world = transport ? transport->world_size() : 1;
  std::vector<std::string> hosts{transport ? transport->host_name() : std::string("localhost")};
  std::vector<std::string> builds{build_description()};
  if (transport) {
    hosts = transport->gather(hosts[0], 0);
    builds = transport->gather(builds[0], 0);
  }

  // Step 1: the same build everywhere, and the model.
  bool profile_now = false;
  std::string cache_key;
  s.hosts = hosts;
  run_step(transport, [&] {
    if (rank != 0) return;
    check_same_build(builds, hosts);
    profile_now = prepare_root(options, s, hosts, threads, &cache_key);
    if (check_files) check_files(s);
  });
  if (transport) share_model(*transport, s, &profile_now);

  // Step 2: the profile.
  if (profile_now) {
    ProfileOptions popts;
    ClusterProfile measured = measure_cluster(s.graph, kernels, transport, popts, &s.profile_report);
    if (rank == 0) {
      s.profile = std::move(measured);
      s.measured = true;
      std::printf("edgeflow: profiled %d rank(s) in %.1f s (worst compute fit: %.0f%% on "
                  "layer '%s', rank %d)\n",
                  world, s.profile_report.seconds, 100 * s.profile_report.worst_fit_error,
                  s.profile_report.worst_fit_layer.c_str(), s.profile_report.worst_fit_rank);
      if (!options.profile_cache.empty())
        save_profile(options.profile_cache, cache_key, s.graph, s.profile);
    }
  }

  // Step 3: the partition, made again with the times of its own units.
  PartitionReport report;
  run_step(transport, [&] {
    if (rank != 0) return;
    if (!s.measured)
      s.profile = synthetic_profile(s.graph, std::vector<double>(world, 20e9), 1e9, 100e-6);
    s.partition = make_partition(s.graph, s.profile, partitioner_options(options), &report);
  });
  if (world > 1 && options.refine_rounds > 0)
    refine_partition(options, transport, kernels, cache_key, s, &report);

  // Step 4: the plans.
  if (rank == 0) {
    for (const std::string& warning : report.warnings)
      std::fprintf(stderr, "edgeflow: warning: %s\n", warning.c_str());
    // What was measured and planned is news, not a warning: stdout, so
    // that stderr holds only warnings and errors (an error line first).
    if (!report.summary.empty()) std::printf("%s\n", report.summary.c_str());
    std::fflush(stdout);
    try {
      s.plans = build_plans(s.graph, s.partition);
      s.plan = s.plans[0];
    } catch (const Error& e) {
      if (transport)
        scatter_plans(*transport, nullptr, static_cast<char>(e.code()), options.timeout_s);
      throw;
    }
    if (transport)
      scatter_plans(*transport, stop_after_plan ? nullptr : &s.plans,
                    stop_after_plan ? kStop : kOkStatus, options.timeout_s);
  } else {
    s.plan = receive_plan(*transport, s.graph, options.timeout_s);
  }
  return s;
}

void confirm_ready(Transport& transport, const std::string& own_error, ExitCode own_code) {
  std::string mine;
  if (!own_error.empty()) mine = std::string(1, static_cast<char>(own_code)) + own_error;
  const std::vector<std::string> all = transport.gather(mine, 0);
  std::string verdict(1, kOkStatus);
  if (transport.rank() == 0)
    for (size_t r = 0; r < all.size(); ++r)
      if (!all[r].empty()) {
        verdict = all[r];
        if (r > 0) verdict.insert(1, "rank " + std::to_string(r) + ": ");
        break;
      }
  transport.broadcast(&verdict, 0);
  if (verdict[0] == kOkStatus) return;
  const auto code = static_cast<ExitCode>(static_cast<unsigned char>(verdict[0]));
  if (transport.rank() == 0) throw Error(code, verdict.substr(1));
  throw QuietExit{code};
}

}  // namespace edgeflow
