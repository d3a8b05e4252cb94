// Per-layer and per-slice kernel timing (edgeflow_bench_slices), part of the
// single-device benchmark (tests/bench/single.sh):
//
//   --layers   every layer's oneDNN kernel on its whole output, timed inside
//              whole forward passes: where the time of a model goes (op,
//              shapes, GFLOP/s of convs).
//   --slices   every row-sliced layer at slice heights h = 1, 2, 4, ... and
//              H (its output height), the slice taken from the middle of the
//              map so it carries full halos:
//
//                 input rows  [lo ......... hi)    halo rows re-read per slice
//                 output rows     [a .. a+h)
//
//              time per row t(h)/h against the whole layer's t(H)/H. The
//              partitioner's cost model (t = alpha*rows + beta) lives on this.
//
//   edgeflow_bench_slices MODEL.onnx [--threads N] [--repeat R]
//                         [--layers] [--slices] [--json FILE] [--top K]
//                         [--cpu-time]
//
// Prints markdown tables; --json writes one JSON object per layer and slice
// height (JSON Lines) for the plot maker.
#include <algorithm>
#include <ctime>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "edgeflow/error.h"
#include "edgeflow/ir.h"
#include "edgeflow/kernels.h"
#include "edgeflow/onnx_import.h"

namespace edgeflow {
namespace {

// Seconds on the wall clock, or of the process's CPU time (all threads) with
// --cpu-time: steadier on a loaded machine, meaningful at one thread.
bool g_cpu_time = false;
// --reuse: layers share activation buffers (see time_pipeline).
bool g_reuse = false;
double now_s() {
  timespec ts{};
  clock_gettime(g_cpu_time ? CLOCK_PROCESS_CPUTIME_ID : CLOCK_MONOTONIC, &ts);
  return double(ts.tv_sec) + 1e-9 * double(ts.tv_nsec);
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0.0 : v[v.size() / 2];
}

// Multiply-adds x 2 of a conv's output rows `rows` (0 for other ops).
double conv_flops(const Graph& graph, const Node& node, int64_t rows) {
  if (node.op != OpKind::kConv) return 0.0;
  const ConvAttrs& c = std::get<ConvAttrs>(node.attrs);
  const Dims& w = c.weight.shape().dims;  // O, I/g, KH, KW
  const Shape& out = graph.shape_of(node.output);
  return 2.0 * double(w[0]) * double(w[1]) * double(w[2]) * double(w[3]) * double(rows) *
         double(out.width());
}

std::string op_label(const Node& node) {
  std::string s = op_name(node.op);
  if (node.op == OpKind::kConv) {
    const ConvAttrs& c = std::get<ConvAttrs>(node.attrs);
    const Window& w = c.window;
    s += " " + std::to_string(w.kernel_h) + "x" + std::to_string(w.kernel_w);
    if (w.stride_h > 1) s += "/" + std::to_string(w.stride_h);
    if (c.group > 1) s += " g" + std::to_string(c.group);
  }
  return s;
}

// Random row buffers for every input of `node` over the rows `out` needs.
struct SliceInputs {
  std::vector<std::vector<float>> buffers;
  std::vector<const float*> pointers;
};

SliceInputs make_inputs(const Graph& graph, const Node& node, RowRange out, std::mt19937& rng) {
  std::uniform_real_distribution<float> dist(-1.0f, 1.0f);
  SliceInputs in;
  for (size_t i = 0; i < node.inputs.size(); ++i) {
    const RowRange need = required_input_rows(graph, node, static_cast<int>(i), out);
    const Shape& s = graph.shape_of(node.inputs[i]);
    std::vector<float> b(static_cast<size_t>(std::max<int64_t>(1, need.size()) * s.row_elements()));
    for (float& x : b) x = dist(rng);
    in.buffers.push_back(std::move(b));
  }
  for (size_t i = 0; i < node.inputs.size(); ++i) {
    const RowRange need = required_input_rows(graph, node, static_cast<int>(i), out);
    in.pointers.push_back(need.empty() ? nullptr : in.buffers[i].data());
  }
  return in;
}

// Median seconds of each of `ranges` (output rows of `node`), timed in
// interleaved rounds (one run of every range per round, after a warm-up
// round) so that a burst of load on the machine hits them all alike; at
// least `repeat` rounds, more until the rounds took 50 ms.
std::vector<double> time_interleaved(const Graph& graph, const Node& node,
                                     const std::vector<RowRange>& ranges, KernelFactory& factory,
                                     int repeat, std::mt19937& rng) {
  std::vector<std::unique_ptr<Kernel>> kernels;
  std::vector<SliceInputs> inputs;
  std::vector<std::vector<float>> dsts;
  const Shape& os = graph.shape_of(node.output);
  for (RowRange out : ranges) {
    kernels.push_back(factory.make(graph, node, out));
    inputs.push_back(make_inputs(graph, node, out, rng));
    dsts.emplace_back(static_cast<size_t>(out.size() * os.row_elements()));
  }
  std::vector<std::vector<double>> samples(ranges.size());
  double total = 0.0;
  for (int r = 0; r <= repeat || (total < 0.05 && r <= 20 * repeat); ++r) {
    for (size_t k = 0; k < ranges.size(); ++k) {
      const double t0 = now_s();
      kernels[k]->run(inputs[k].pointers, dsts[k].data());
      const double t = now_s() - t0;
      if (r > 0) samples[k].push_back(t), total += t;
    }
  }
  std::vector<double> out;
  for (auto& s : samples) out.push_back(median(s));
  return out;
}

// Rows [a, a + h) in the middle of a map of height H.
RowRange middle_rows(int64_t H, int64_t h) {
  const int64_t a = (H - h) / 2;
  return RowRange{a, a + h};
}

struct Args {
  std::string model;
  int threads = 1;
  int repeat = 5;
  bool layers = false;
  bool slices = false;
  std::string json;
  int top = 25;
};

[[noreturn]] void usage() {
  std::fprintf(stderr,
               "usage: edgeflow_bench_slices MODEL.onnx [--threads N] [--repeat R] [--layers] "
               "[--slices] [--json FILE] [--top K] [--cpu-time]\n");
  std::exit(1);
}

Args parse(int argc, char** argv) {
  Args a;
  if (argc < 2) usage();
  a.model = argv[1];
  for (int i = 2; i < argc; ++i) {
    const std::string f = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) usage();
      return argv[++i];
    };
    if (f == "--threads") a.threads = std::atoi(value().c_str());
    else if (f == "--repeat") a.repeat = std::atoi(value().c_str());
    else if (f == "--layers") a.layers = true;
    else if (f == "--slices") a.slices = true;
    else if (f == "--json") a.json = value();
    else if (f == "--top") a.top = std::atoi(value().c_str());
    else if (f == "--cpu-time") g_cpu_time = true;
    else if (f == "--reuse") g_reuse = true;
    else usage();
  }
  if (!a.layers && !a.slices) a.layers = a.slices = true;
  return a;
}

struct LayerTime {
  int node = 0;
  double seconds = 0.0;
  double flops = 0.0;
};

// Every layer's time inside whole forward passes (the layers run in order on
// real data, as the single-rank executor runs them, so caches hold what they
// would): median per layer over `repeat` passes after one warm-up pass.
std::vector<double> time_pipeline(const Graph& graph, KernelFactory& factory, int repeat,
                                  std::mt19937& rng, std::vector<double>* pass_seconds) {
  std::vector<std::unique_ptr<Kernel>> kernels;
  for (const Node& node : graph.nodes)
    kernels.push_back(factory.make(graph, node, RowRange{0, graph.shape_of(node.output).height()}));
  // Buffers: one per value, or (--reuse) shared by values whose lifetimes
  // do not overlap (a value's buffer is free once its last reader has run).
  std::vector<std::vector<float>> store;
  std::vector<float*> values(graph.values.size(), nullptr);
  if (!g_reuse) {
    store.resize(graph.values.size());
    for (size_t v = 0; v < graph.values.size(); ++v) {
      store[v].resize(static_cast<size_t>(graph.values[v].shape.elements()));
      values[v] = store[v].data();
    }
  } else {
    std::vector<int> last_reader(graph.values.size(), -1);
    for (size_t n = 0; n < graph.nodes.size(); ++n)
      for (ValueId v : graph.nodes[n].inputs) last_reader[v] = static_cast<int>(n);
    for (ValueId v : graph.outputs) last_reader[v] = static_cast<int>(graph.nodes.size());
    std::vector<size_t> buffer_of(graph.values.size(), 0);
    std::vector<size_t> free_list;
    auto take = [&](ValueId v) {
      const size_t need = static_cast<size_t>(graph.values[v].shape.elements());
      // Best fit among free buffers, grown if none is large enough.
      size_t best = free_list.size();
      for (size_t i = 0; i < free_list.size(); ++i) {
        const size_t have = store[free_list[i]].size();
        if (have >= need && (best == free_list.size() || have < store[free_list[best]].size()))
          best = i;
      }
      if (best == free_list.size() && !free_list.empty()) best = 0;  // grow the first
      size_t b;
      if (best == free_list.size()) {
        store.emplace_back();
        b = store.size() - 1;
      } else {
        b = free_list[best];
        free_list.erase(free_list.begin() + static_cast<long>(best));
      }
      if (store[b].size() < need) store[b].resize(need);
      buffer_of[v] = b;
    };
    take(graph.input);
    for (size_t n = 0; n < graph.nodes.size(); ++n) {
      take(graph.nodes[n].output);
      for (ValueId v : graph.nodes[n].inputs)
        if (last_reader[v] == static_cast<int>(n) &&
            std::find(free_list.begin(), free_list.end(), buffer_of[v]) == free_list.end())
          free_list.push_back(buffer_of[v]);
    }
    for (size_t v = 0; v < graph.values.size(); ++v) values[v] = store[buffer_of[v]].data();
  }
  std::uniform_real_distribution<float> dist(-1.0f, 1.0f);
  const size_t input_floats = static_cast<size_t>(graph.values[graph.input].shape.elements());
  for (size_t i = 0; i < input_floats; ++i) values[graph.input][i] = dist(rng);
  std::vector<std::vector<double>> samples(graph.nodes.size());
  std::vector<double> passes;
  std::vector<const float*> inputs;
  for (int r = 0; r <= repeat; ++r) {
    const double p0 = now_s();
    for (size_t n = 0; n < graph.nodes.size(); ++n) {
      const Node& node = graph.nodes[n];
      inputs.clear();
      for (ValueId v : node.inputs) inputs.push_back(values[v]);
      const double t0 = now_s();
      kernels[n]->run(inputs, values[node.output]);
      if (r > 0) samples[n].push_back(now_s() - t0);
    }
    if (r > 0) passes.push_back(now_s() - p0);
  }
  *pass_seconds = passes;
  std::vector<double> out;
  for (auto& s : samples) out.push_back(median(s));
  return out;
}

void report_layers(const Graph& graph, KernelFactory& factory, const Args& args,
                   std::ofstream* json, std::mt19937& rng) {
  std::vector<LayerTime> times;
  double total = 0.0;
  std::vector<double> passes;
  const std::vector<double> seconds =
      time_pipeline(graph, factory, std::max(args.repeat, 10), rng, &passes);
  const double pass = median(passes);
  if (json) {
    *json << "{\"kind\":\"passes\",\"ms\":[";
    for (size_t i = 0; i < passes.size(); ++i) *json << (i ? "," : "") << passes[i] * 1e3;
    *json << "]}\n";
  }
  for (size_t n = 0; n < graph.nodes.size(); ++n) {
    const Node& node = graph.nodes[n];
    const int64_t H = graph.shape_of(node.output).height();
    LayerTime t;
    t.node = static_cast<int>(n);
    t.seconds = seconds[n];
    t.flops = conv_flops(graph, node, H);
    total += t.seconds;
    times.push_back(t);
    if (json)
      *json << "{\"kind\":\"layer\",\"node\":\"" << node.name << "\",\"op\":\"" << op_label(node)
            << "\",\"out\":\"" << graph.shape_of(node.output).str() << "\",\"ms\":"
            << t.seconds * 1e3 << ",\"gflop\":" << t.flops * 1e-9 << "}\n";
  }
  // Totals per op label.
  std::vector<std::pair<std::string, std::pair<double, double>>> by_op;
  for (const LayerTime& t : times) {
    const std::string label = op_label(graph.nodes[t.node]);
    auto it = std::find_if(by_op.begin(), by_op.end(), [&](const auto& p) { return p.first == label; });
    if (it == by_op.end()) by_op.push_back({label, {t.seconds, t.flops}});
    else it->second.first += t.seconds, it->second.second += t.flops;
  }
  std::sort(by_op.begin(), by_op.end(),
            [](const auto& x, const auto& y) { return x.second.first > y.second.first; });
  std::printf("\n### %s: layers in forward passes, %d thread(s), %s: sum of layer medians "
              "%.2f ms, median pass %.2f ms\n\n",
              args.model.c_str(), args.threads, g_cpu_time ? "CPU time" : "wall time",
              total * 1e3, pass * 1e3);
  std::printf("| op | ms | share | GFLOP/s |\n|---|---|---|---|\n");
  for (const auto& [label, v] : by_op)
    std::printf("| %s | %.2f | %.1f%% | %s |\n", label.c_str(), v.first * 1e3,
                100.0 * v.first / total,
                v.second > 0 ? std::to_string(int(v.second / v.first * 1e-9)).c_str() : "");
  std::sort(times.begin(), times.end(),
            [](const LayerTime& x, const LayerTime& y) { return x.seconds > y.seconds; });
  std::printf("\n| layer | op | output | ms | GFLOP/s |\n|---|---|---|---|---|\n");
  for (int i = 0; i < std::min<int>(args.top, static_cast<int>(times.size())); ++i) {
    const LayerTime& t = times[i];
    const Node& node = graph.nodes[t.node];
    std::printf("| %s | %s | %s | %.3f | %s |\n", node.name.c_str(), op_label(node).c_str(),
                graph.shape_of(node.output).str().c_str(), t.seconds * 1e3,
                t.flops > 0 ? std::to_string(int(t.flops / t.seconds * 1e-9)).c_str() : "");
  }
  std::fflush(stdout);
}

void report_slices(const Graph& graph, KernelFactory& factory, const Args& args,
                   std::ofstream* json, std::mt19937& rng) {
  // Slice heights 1, 2, 4, ... below the tallest map; per height, the sum over
  // layers of per-row time (each layer at min(h, H)) against the whole layers'.
  int64_t tallest = 1;
  for (const Node& node : graph.nodes)
    tallest = std::max(tallest, graph.shape_of(node.output).height());
  std::vector<int64_t> heights;
  for (int64_t h = 1; h < tallest; h *= 2) heights.push_back(h);
  std::vector<double> sum_row_s(heights.size(), 0.0);  // sum over layers of t(h')/h'
  double whole_row_s = 0.0;                             // sum over layers of t(H)/H
  std::printf("\n### %s: time per row against slice height, %d thread(s), %s\n\n",
              args.model.c_str(), args.threads, g_cpu_time ? "CPU time" : "wall time");
  std::printf("Per layer: t(h)/h over t(H)/H (1.00 = no loss per row); the last column is "
              "the whole layer.\n\n| layer | op | H |");
  for (int64_t h : heights) std::printf(" h=%lld |", static_cast<long long>(h));
  std::printf(" whole ms |\n|---|---|---|");
  for (size_t i = 0; i < heights.size(); ++i) std::printf("---|");
  std::printf("---|\n");
  for (const Node& node : graph.nodes) {
    if (needs_whole_input(node)) continue;
    const int64_t H = graph.shape_of(node.output).height();
    std::vector<RowRange> ranges{RowRange{0, H}};
    for (int64_t h : heights)
      if (h < H) ranges.push_back(middle_rows(H, h));
    const std::vector<double> t_of = time_interleaved(graph, node, ranges, factory, args.repeat, rng);
    const double whole = t_of[0];
    whole_row_s += whole / H;
    std::printf("| %s | %s | %lld |", node.name.c_str(), op_label(node).c_str(),
                static_cast<long long>(H));
    for (size_t i = 0; i < heights.size(); ++i) {
      const int64_t h = std::min(heights[i], H);
      const double t = h < H ? t_of[1 + i] : whole;
      sum_row_s[i] += t / h;
      if (heights[i] < H || (i > 0 && heights[i - 1] < H))
        std::printf(" %.2f |", (t / h) / (whole / H));
      else
        std::printf(" |");
      if (json && (heights[i] <= H))
        *json << "{\"kind\":\"slice\",\"node\":\"" << node.name << "\",\"op\":\""
              << op_label(node) << "\",\"H\":" << H << ",\"h\":" << h << ",\"ms\":" << t * 1e3
              << ",\"whole_ms\":" << whole * 1e3 << "}\n";
    }
    std::printf(" %.3f |\n", whole * 1e3);
    std::fflush(stdout);
  }
  std::printf("\nAll row-sliced layers, each at slice height min(h, H): sum of per-row times "
              "over the whole layers' (%.3f ms per row of every layer)\n\n| h |",
              whole_row_s * 1e3);
  for (int64_t h : heights) std::printf(" %lld |", static_cast<long long>(h));
  std::printf("\n|---|");
  for (size_t i = 0; i < heights.size(); ++i) std::printf("---|");
  std::printf("\n| per-row time / whole |");
  for (size_t i = 0; i < heights.size(); ++i) std::printf(" %.2f |", sum_row_s[i] / whole_row_s);
  std::printf("\n");
  if (json)
    for (size_t i = 0; i < heights.size(); ++i)
      *json << "{\"kind\":\"slice_total\",\"h\":" << heights[i]
            << ",\"ratio\":" << sum_row_s[i] / whole_row_s << "}\n";
  std::fflush(stdout);
}

int run(int argc, char** argv) {
  const Args args = parse(argc, argv);
  try {
    const Graph graph = import_onnx(args.model, ImportOptions{});
    std::unique_ptr<KernelFactory> factory = make_onednn_factory(args.threads);
    std::mt19937 rng(42);
    std::unique_ptr<std::ofstream> json;
    if (!args.json.empty()) json = std::make_unique<std::ofstream>(args.json);
    if (args.layers) report_layers(graph, *factory, args, json.get(), rng);
    if (args.slices) report_slices(graph, *factory, args, json.get(), rng);
  } catch (const Error& e) {
    std::fprintf(stderr, "edgeflow_bench_slices: error: %s\n", e.what());
    return 1;
  }
  return 0;
}

}  // namespace
}  // namespace edgeflow

int main(int argc, char** argv) { return edgeflow::run(argc, argv); }
