// Flag parsing: every flag of docs/user-contract.md this build supports, with values checked
// and errors that name the flag.
#include "cli/options.h"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <sstream>

#include "cli/batch_progress.h"
#include "edgeflow/error.h"
#include "edgeflow/io.h"
#include "edgeflow/policy_registry.h"

namespace edgeflow {
namespace {

long long parse_int(const std::string& flag, const std::string& text, long long lo, long long hi) {
  errno = 0;
  char* end = nullptr;
  const long long v = std::strtoll(text.c_str(), &end, 10);
  if (text.empty() || *end != '\0' || errno != 0 || v < lo || v > hi)
    fail_input(flag + ": expected an integer in [" + std::to_string(lo) + ", " +
               std::to_string(hi) + "], got '" + text + "'");
  return v;
}

double parse_double(const std::string& flag, const std::string& text, double lo, double hi) {
  char* end = nullptr;
  const double v = std::strtod(text.c_str(), &end);
  if (text.empty() || *end != '\0' || !std::isfinite(v) || v < lo || v > hi)
    fail_input(flag + ": expected a number in [" + std::to_string(lo) + ", " +
               std::to_string(hi) + "], got '" + text + "'");
  return v;
}

std::array<float, 3> parse_triple(const std::string& flag, const std::string& text) {
  std::array<float, 3> out{};
  std::stringstream ss(text);
  std::string part;
  int i = 0;
  while (std::getline(ss, part, ',')) {
    if (i == 3) break;
    out[i++] = static_cast<float>(parse_double(flag, part, -1e6, 1e6));
  }
  if (i != 3 || ss.rdbuf()->in_avail() > 0)
    fail_input(flag + ": expected three comma-separated numbers, got '" + text + "'");
  return out;
}

// --partitioner's lines of the help (no final newline): one per registered
// policy, its help at the column of the flags' descriptions.
std::string partitioner_help() {
  constexpr size_t kDescriptionColumn = 25;
  std::string text =
      "  --partitioner NAME     the partition policy (default " + Options().partitioner + "):";
  for (const PolicyInfo& policy : policies()) {
    std::string line = "\n    " + policy.name;
    line.resize(std::max(kDescriptionColumn + 1, line.size() + 1), ' ');
    text += line + policy.help;
  }
  return text;
}

}  // namespace

std::string usage_text() {
  return R"(usage: mpirun [-np N] [--hostfile FILE] edgeflow MODEL.onnx [options]
       edgeflow MODEL.onnx [options]          (a single-rank run)

Runs a CNN cooperatively on the ranks: every layer's output rows are split
over the ranks and feature-map slices flow between them.

inputs:
  -i, --input PATH       image, .npy or .npz (float32 or float64, NCHW or
                         CHW), ONNX TensorProto .pb, directory (recursive,
                         sorted; ONNX test data sets checked against
                         output_0.pb) or .txt list of such paths; default:
                         one deterministic synthetic input
  --input-shape NxCxHxW  resolve dynamic input dims (N must be 1)
  --mean R,G,B           image mean (default 0.485,0.456,0.406)
  --std R,G,B            image std (default 0.229,0.224,0.225)
  --no-normalize         images scaled to [0,1] only
outputs:
  --topk K               classes to print per input (default 5)
  --labels FILE          class names, one per line
  --json FILE            JSON Lines: one record per request (in input order,
                         flushed as written), then a summary record
  --save-output PATH     first output as .npy (a directory for many inputs,
                         mirroring their folders)
  --trace FILE           Chrome trace events of the run (open in Perfetto)
  --plan-dot FILE        the model's DAG as Graphviz DOT, rows per rank on each layer
  --quiet                no per-input lines and no progress
  --progress MODE        auto (a bar on a terminal, else a line every 5 s),
                         bar, lines or none (default auto)
batch jobs (many inputs):
  --ground-truth FILE    CSV of path,label (class index or --labels name) for
                         top-1/top-5 accuracy; without it, an input directory
                         of class-named folders gives the classes (with --labels)
  --resume               skip the inputs already recorded in --json FILE and
                         append to it (a last line cut short is dropped)
  --fail-fast            stop at the first input that cannot be loaded (exit 1);
                         by default it is recorded as an error and the job goes on
  SIGUSR1 (or Ctrl-C on a single rank) stops feeding inputs: the requests in
  flight finish, their records are written, exit 130; --resume continues.
run:
  -n, --repeat N         run each input N times (default 1)
)" + partitioner_help() + R"(
  --seed S               seed of the random partitioner (default 1)
  --plan-kinds LIST      the kinds of plan edgeflow and random may make (default
                         rows,halo,fused,features,branches): rows = one row range
                         per rank per layer; halo = a layer computes and sends
                         the rows other ranks read first; fused = a stack of
                         layers exchanges halos once and recomputes the overlap;
                         features = large fully connected layers split by output
                         features across ranks; channels (not by default) =
                         large convs on small maps split by output channels;
                         branches = a fork/join block's branches placed whole on
                         one rank or split over a few
  --plan-only            set up, profile, print the plan with predicted times, exit
  --profile-cache FILE   reuse the profile in FILE when it fits (model, ranks,
                         hosts, threads), else measure and store it there
  --reprofile            measure even when the cache fits
  --refine-rounds N      after planning on a measured profile, every rank times
                         the plan's own units and the plan is made again with
                         those times, up to N times (default 2; 0: off); the
                         times are kept in --profile-cache
  --inflight K           requests in the cluster at once (default 1)
  --threads N            threads per rank (default: the cores the rank is
                         bound to, else cores / ranks on the host)
  --timeout SECONDS      bound on any wait (default 60)
  --cluster FILE         emulate devices and links (hostfiles/emulated/*.txtpb);
                         one thread per rank
  --verify               also run on rank 0 alone and compare (exit 3 above 1e-5)
  -h, --help             this text
  --version              version, git commit and build type

exit status: 0 ok, 1 bad usage or input, 2 runtime failure, 3 --verify failed,
130 interrupted.
)";
}

Options parse_options(int argc, char** argv) {
  Options o;
  std::vector<std::string> positional;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    std::string value;
    const bool has_inline = arg.rfind("--", 0) == 0 && arg.find('=') != std::string::npos;
    if (has_inline) {
      value = arg.substr(arg.find('=') + 1);
      arg = arg.substr(0, arg.find('='));
    }
    auto next = [&]() -> std::string {
      if (has_inline) return value;
      if (i + 1 >= argc) fail_input(arg + ": needs a value");
      return argv[++i];
    };
    if (arg == "-h" || arg == "--help") o.help = true;
    else if (arg == "--version") o.version = true;
    else if (arg == "-i" || arg == "--input") o.input = next();
    else if (arg == "--input-shape") {
      o.input_shape = parse_shape(next());
    } else if (arg == "--save-output") o.save_output = next();
    else if (arg == "--json") o.json = next();
    else if (arg == "--labels") o.labels = next();
    else if (arg == "--trace") o.trace = next();
    else if (arg == "--plan-dot") o.plan_dot = next();
    else if (arg == "--profile-cache") o.profile_cache = next();
    else if (arg == "--reprofile") o.reprofile = true;
    else if (arg == "--refine-rounds") o.refine_rounds = int(parse_int(arg, next(), 0, 10));
    else if (arg == "--plan-only") o.plan_only = true;
    else if (arg == "--cluster") o.cluster = next();
    else if (arg == "-n" || arg == "--repeat") o.repeat = int(parse_int(arg, next(), 1, 1000000));
    else if (arg == "--topk") o.topk = int(parse_int(arg, next(), 0, 1000000));
    else if (arg == "--threads") o.threads = int(parse_int(arg, next(), 1, 1024));
    else if (arg == "--inflight") o.inflight = int(parse_int(arg, next(), 1, 1024));
    else if (arg == "--timeout") o.timeout_s = parse_double(arg, next(), 0.001, 1e6);
    else if (arg == "--verify") o.verify = true;
    else if (arg == "--quiet") o.quiet = true;
    else if (arg == "--ground-truth") o.ground_truth = next();
    else if (arg == "--resume") o.resume = true;
    else if (arg == "--fail-fast") o.fail_fast = true;
    else if (arg == "--progress") {
      o.progress = next();
      ProgressMode mode;
      if (!parse_progress_mode(o.progress, &mode))
        fail_input("--progress: expected auto, bar, lines or none, got '" + o.progress + "'");
    } else if (arg == "--partitioner") o.partitioner = next();
    else if (arg == "--seed") o.seed = uint64_t(parse_int(arg, next(), 0, INT64_MAX));
    else if (arg == "--plan-kinds") o.plan_kinds = parse_plan_kinds(next());
    else if (arg == "--mean") o.mean = parse_triple(arg, next());
    else if (arg == "--std") {
      o.std = parse_triple(arg, next());
      for (float s : o.std)
        if (s == 0.0f) fail_input("--std: values must be non-zero");
    } else if (arg == "--no-normalize") o.normalize = false;
    else if (arg.size() > 1 && arg[0] == '-') fail_input("unknown option '" + arg + "' (see --help)");
    else positional.push_back(arg);
    if (has_inline && (arg == "--verify" || arg == "--quiet" || arg == "--no-normalize" ||
                       arg == "--help" || arg == "--version" || arg == "--reprofile" ||
                       arg == "--plan-only" ||
                       arg == "--resume" || arg == "--fail-fast"))
      fail_input(arg + ": takes no value");
  }
  if (o.help || o.version) return o;
  policy_named(o.partitioner);  // throws for an unknown policy
  if (positional.empty()) fail_input("no model given (usage: edgeflow MODEL.onnx [options])");
  if (positional.size() > 1) fail_input("unexpected argument '" + positional[1] + "'");
  o.model = positional[0];
  if (o.resume && o.json.empty())
    fail_input("--resume: needs --json FILE (the records of the job to resume)");
  return o;
}

}  // namespace edgeflow
