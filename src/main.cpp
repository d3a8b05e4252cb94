// edgeflow: cooperative CNN inference on the ranks of an MPI job.
//
// Phases: 1 flags -> 2 transport -> 3 set-up (rank 0 imports the model,
// partitions it and scatters the plans) -> 4 kernels on every rank ->
// 5 inference (rank 0 feeds and collects) -> 6 report and --verify.
#include <sched.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <thread>

#include "cli/batch_job.h"
#include "cli/batch_signals.h"
#include "cli/build_id.h"
#include "cli/model_input.h"
#include "cli/options.h"
#include "cli/rank_reports.h"
#include "cli/report.h"
#include "cli/setup.h"
#include "edgeflow/emulation.h"
#include "edgeflow/error.h"
#include "edgeflow/io.h"
#include "edgeflow/latency_floor.h"
#include "edgeflow/onnx_import.h"
#include "edgeflow/partition.h"
#include "edgeflow/plan.h"
#include "edgeflow/plan_report.h"
#include "edgeflow/runtime.h"
#include "edgeflow/trace.h"
#include "edgeflow/transport.h"

namespace edgeflow {
namespace {

int env_int(const char* name, int fallback) {
  const char* v = std::getenv(name);
  return v ? std::atoi(v) : fallback;
}

// The cores this process may run on: those of its CPU affinity mask when the
// launcher bound it to some (mpirun --bind-to core, taskset, a cgroup's
// cpuset), each rank then using its own; otherwise the host's cores shared by
// the ranks on it.
int default_threads() {
  const int cores = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  cpu_set_t mask;
  if (sched_getaffinity(0, sizeof mask, &mask) == 0 && CPU_COUNT(&mask) < cores)
    return std::max(1, CPU_COUNT(&mask));
  const int local_ranks = std::max(1, env_int("OMPI_COMM_WORLD_LOCAL_SIZE", 1));
  return std::max(1, cores / local_ranks);
}

// A deterministic synthetic input: a smooth pattern, the same on every run.
Tensor synthetic_input(const Shape& shape) {
  std::vector<float> nchw(static_cast<size_t>(shape.elements()));
  for (size_t i = 0; i < nchw.size(); ++i)
    nchw[i] = static_cast<float>(std::sin(0.001 * double(i) * (1 + i % 7)));
  return Tensor(shape, nchw_to_storage(shape, nchw));
}

// --plan-only on rank 0: the plan, layer by layer, with predicted times.
void print_plan(const Session& s, const Options& options) {
  const PlanPrediction prediction = simulate_plan(s.graph, s.partition, s.profile);
  std::printf("plan: %s, %d rank(s), %s profile\n", options.partitioner.c_str(),
              s.partition.world_size, s.measured ? "measured" : "synthetic");
  std::fputs(plan_table(s.graph, s.partition, prediction).c_str(), stdout);
  std::fflush(stdout);
  if (!options.json.empty()) {
    JsonLinesWriter json(options.json);
    JsonObject rec = plan_json_object(s.graph, s.partition, prediction);
    rec.add_bool("plan", true).add_string("partitioner", options.partitioner);
    json.write(rec);
  }
}

// Phase 5 on rank 0: every input (`repeat` times) through the cluster as a
// batch job (cli/batch_job.h): loaded ahead on a thread, pipelined, written
// in input order.
BatchOutcome feed_and_collect(Executor& executor, const Session& s, const Options& options,
                              Reporter& reporter) {
  const Preprocess pp{options.mean, options.std, options.normalize};
  const Shape shape = s.graph.input_shape();
  const size_t count = s.inputs.empty() ? 1 : s.inputs.size();
  return run_batch(
      executor, count,
      [&s, pp, shape](size_t i) {
        return s.inputs.empty() ? synthetic_input(shape) : load_model_input(s.inputs[i], shape, pp);
      },
      options, reporter);
}

// --verify: every input run this time, again on rank 0 alone; the largest error.
double verify_against_single(const Session& s, const Options& options, KernelFactory& kernels,
                             const std::vector<std::vector<Tensor>>& outputs) {
  const Preprocess pp{options.mean, options.std, options.normalize};
  double worst = 0.0;
  for (size_t i = 0; i < outputs.size(); ++i) {
    if (outputs[i].empty()) continue;  // failed to load, resumed or not reached
    const Tensor input = s.inputs.empty() ? synthetic_input(s.graph.input_shape())
                                          : load_model_input(s.inputs[i], s.graph.input_shape(), pp);
    const std::vector<Tensor> ref = run_single(s.graph, kernels, input);
    worst = std::max(worst, relative_max_error(outputs[i][0].values(), ref[0].values()));
  }
  return worst;
}

// The names the report gives the inputs.
std::vector<std::string> input_names(const Session& s) {
  return s.inputs.empty() ? std::vector<std::string>{"synthetic"} : s.inputs;
}

int64_t total_bytes(const std::vector<std::vector<int64_t>>& per_link) {
  int64_t total = 0;
  for (const auto& row : per_link)
    for (int64_t b : row) total += b;
  return total;
}

// The exit status of a finished job (docs/user-contract.md), with rank 0's one line on
// stderr when it is not 0.
int batch_exit_status(const Options& options, const RunSummary& summary,
                      const BatchOutcome& outcome, const Reporter& reporter) {
  if (options.verify && !(summary.verify_error <= 1e-5)) {
    std::fprintf(stderr, "edgeflow: error: --verify: difference %.3g above the bound 1e-5\n",
                 summary.verify_error);
    return static_cast<int>(ExitCode::kVerify);
  }
  if (reporter.stored_outputs_compared() > 0 &&
      !(reporter.stored_output_error() <= kStoredOutputBound)) {
    std::fprintf(stderr,
                 "edgeflow: error: an output differs from the one stored beside its input: "
                 "%.3g above the bound %g (see the per-input lines)\n",
                 reporter.stored_output_error(), kStoredOutputBound);
    return static_cast<int>(ExitCode::kVerify);
  }
  if (!outcome.fail_fast_error.empty()) {
    std::fprintf(stderr, "edgeflow: error: %s (--fail-fast: stopped at the first bad input)\n",
                 outcome.fail_fast_error.c_str());
    return static_cast<int>(ExitCode::kBadInput);
  }
  if (!outcome.stopped_by.empty()) {
    const std::string resume =
        options.json.empty() ? "" : "; add --resume to continue " + options.json;
    std::fprintf(stderr,
                 "edgeflow: interrupted by %s: the requests in flight finished and every "
                 "finished record is written%s\n",
                 outcome.stopped_by.c_str(), resume.c_str());
    return static_cast<int>(ExitCode::kInterrupted);
  }
  if (reporter.errors_this_run() > 0 && reporter.ok_total() == 0) {
    std::fprintf(stderr, "edgeflow: error: no input could be loaded (%lld failed); the first: %s\n",
                 static_cast<long long>(reporter.errors()), reporter.first_error().c_str());
    return static_cast<int>(ExitCode::kBadInput);
  }
  return 0;
}

int run(int argc, char** argv) {
  const int env_rank = env_int("OMPI_COMM_WORLD_RANK", 0);
  install_stop_signals();
  // Phase 1: flags (every rank parses the same argv; rank 0 speaks).
  Options options;
  try {
    options = parse_options(argc, argv);
  } catch (const Error& e) {
    if (env_rank == 0) std::fprintf(stderr, "edgeflow: error: %s\n", e.what());
    // Other ranks leave a moment later, so that rank 0's line is out before
    // mpirun's banner about ranks that exited non-zero.
    else std::this_thread::sleep_for(std::chrono::milliseconds(500));
    return static_cast<int>(e.code());
  }
  if (options.help) {
    if (env_rank == 0) std::fputs(usage_text().c_str(), stdout);
    return 0;
  }
  if (options.version) {
    if (env_rank == 0) std::printf("edgeflow %s\n", build_description().c_str());
    return 0;
  }

  // Phase 2: transport (and the emulated cluster's links, with --cluster).
  std::unique_ptr<Transport> transport;
  if (launched_by_mpirun()) transport = make_mpi_transport(&argc, &argv);
  const int rank = transport ? transport->rank() : 0;
  const int world = transport ? transport->world_size() : 1;
  std::vector<EmulatedDevice> devices;
  if (!options.cluster.empty()) {
    try {
      devices = read_cluster_file(options.cluster, world);  // every rank reads the same file
    } catch (const Error& e) {
      if (rank == 0) std::fprintf(stderr, "edgeflow: error: %s\n", e.what());
      else std::this_thread::sleep_for(std::chrono::milliseconds(500));
      return static_cast<int>(e.code());
    }
    if (transport) transport = emulate_links(std::move(transport), devices);
  }
  RuntimeOptions runtime{options.inflight, options.timeout_s, !options.trace.empty()};

  bool running = false;  // past set-up: a failure now must end every rank
  try {
    // Phase 3: set-up (model, profile, plans).
    const int threads =
        !devices.empty() ? 1 : options.threads > 0 ? options.threads : default_threads();
    std::unique_ptr<KernelFactory> kernels = make_onednn_factory(threads);
    if (!devices.empty())
      kernels = emulate_compute(std::move(kernels), devices[rank].speed,
                                kernel_times_path(options.profile_cache));
    std::unique_ptr<Reporter> reporter;  // rank 0: opened before profiling
    const RootFileCheck open_outputs = [&](const Session& s) {
      if (options.plan_only) return;
      reporter = std::make_unique<Reporter>(options, input_names(s), 0);
      reporter->check_label_count(s.graph.shape_of(s.graph.outputs.at(0)).elements());
      if (s.inputs.size() == 1)  // one input: a bad one ends the job now
        load_model_input(s.inputs[0], s.graph.input_shape(),
                   Preprocess{options.mean, options.std, options.normalize});
    };
    Session setup =
        set_up(options, transport.get(), *kernels, threads, options.plan_only, open_outputs);
    if (rank == 0 && !options.plan_dot.empty())
      write_plan_dot(options.plan_dot, setup.graph, setup.partition);
    if (options.plan_only) {
      if (rank == 0) print_plan(setup, options);
      return 0;
    }

    // Phase 4: kernels on every rank; all confirm before the first request.
    std::unique_ptr<Executor> executor;
    std::string setup_error;
    ExitCode setup_code = ExitCode::kOk;
    try {
      executor = std::make_unique<Executor>(setup.plan, setup.graph, *kernels, transport.get(),
                                            runtime);
    } catch (const Error& e) {
      if (!transport) throw;
      setup_error = e.what();
      setup_code = e.code();
    }
    if (transport) confirm_ready(*transport, setup_error, setup_code);
    running = true;

    // Phase 5: inference.
    if (rank != 0) {
      executor->run_worker();
    }
    BatchOutcome outcome;
    double wall_s = 0;
    if (rank == 0) {
      reporter->set_bytes_per_request(total_bytes(planned_bytes(setup.graph, setup.plans)));
      const auto t0 = std::chrono::steady_clock::now();
      outcome = feed_and_collect(*executor, setup, options, *reporter);
      wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    }

    // Phase 6: statistics from every rank, report, verify.
    RankReports reports = gather_rank_reports(setup.graph, executor->stats(), transport.get(),
                                              world, !options.trace.empty());
    if (rank != 0) return 0;
    if (!options.trace.empty()) write_chrome_trace(options.trace, reports.traces);
    RunSummary& summary = reports.summary;
    summary.hosts = setup.hosts;
    summary.threads = threads;
    summary.wall_s = wall_s;
    summary.requests_run = outcome.requests_run;
    summary.starved_s = outcome.starved_s;
    summary.stopped_by = outcome.stopped_by;
    summary.planned_bytes_per_request = planned_bytes(setup.graph, setup.plans);
    if (setup.measured) {
      const PlanPrediction prediction = simulate_plan(setup.graph, setup.partition, setup.profile);
      summary.predicted_ms = 1e3 * prediction.latency_s;
      summary.compute_floor_ms = 1e3 * latency_floor(setup.graph, setup.profile).compute_s();
      summary.link_floor_ms = 1e3 * busiest_link_s(setup.profile, prediction.bytes);
    }
    if (options.verify)
      summary.verify_error = verify_against_single(setup, options, *kernels, outcome.first_outputs);
    reporter->finish(summary);
    return batch_exit_status(options, summary, outcome, *reporter);
  } catch (const QuietExit& q) {
    return static_cast<int>(q.code);
  } catch (const Error& e) {
    if (rank == 0) {
      std::fprintf(stderr, "edgeflow: error: %s\n", e.what());
      std::fflush(stderr);
      if (transport && running) transport->abort(static_cast<int>(e.code()));
      return static_cast<int>(e.code());
    }
    // A worker: tell rank 0, which reports it and ends the job. Rank 0 does
    // so at its own timeout plus up to 2 s collecting the workers' reports
    // (explain_stall), and its last progress may come a while after this
    // worker's (under load, seconds): only if it has not ended the job well
    // after that does this worker end itself.
    report_failure_to_root(*transport, e, options.timeout_s);
    constexpr double kRootGraceSeconds = 5.0;
    std::this_thread::sleep_for(
        std::chrono::duration<double>(std::min(options.timeout_s, 10.0) + kRootGraceSeconds));
    std::fprintf(stderr, "edgeflow: error: %s (rank 0 did not end the job)\n",
                 attributed_to_rank(rank, e.what()).c_str());
    std::_Exit(static_cast<int>(e.code()));
  }
}

}  // namespace
}  // namespace edgeflow

int main(int argc, char** argv) { return edgeflow::run(argc, argv); }
