// Test helpers for the partitioner: random adversarial single-layer problems
// (a conv, pool or add whose inputs are already partitioned at random, on a
// random heterogeneous cluster), a brute-force min-max DP over cut points,
// and zoo model paths.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "edgeflow/cost.h"
#include "edgeflow/ir.h"
#include "partition/layer_problem.h"

namespace edgeflow::test {

// Where the zoo models are: $EDGEFLOW_ZOO_DIR, else models/zoo in the source tree.
inline std::string zoo_path(const std::string& model) {
  const char* dir = std::getenv("EDGEFLOW_ZOO_DIR");
  const std::string base =
      dir ? std::string(dir) : std::string(EDGEFLOW_SOURCE_DIR) + "/models/zoo";
  const std::string path = base + "/" + model + ".onnx";
  if (!std::filesystem::exists(path))
    ADD_FAILURE() << "missing " << path << ": run ./run.sh test, which exports the zoo";
  return path;
}

// One random layer problem; owns what the LayerProblem refers to.
struct RandomLayer {
  Graph graph;
  ClusterProfile profile;
  std::unique_ptr<LayerProblem> problem;
  std::string description;
};

// Window with kernel k, stride s, top/bottom pad p (same on W).
inline Window make_window(int64_t k, int64_t s, int64_t p) {
  Window w;
  w.kernel_h = w.kernel_w = k;
  w.stride_h = w.stride_w = s;
  w.pad_top = w.pad_bottom = w.pad_left = w.pad_right = p;
  return w;
}

// A layer on 2-8 devices whose speeds span 8x, links of 10-1000 Mbit/s,
// kernels 1-7, strides 1-2, random input partitions (empty ranks included),
// input ready times and rank free times.
inline RandomLayer random_layer(std::mt19937_64& rng) {
  auto uniform = [&](double a, double b) {
    return std::uniform_real_distribution<double>(a, b)(rng);
  };
  auto pick = [&](int64_t a, int64_t b) {
    return std::uniform_int_distribution<int64_t>(a, b)(rng);
  };
  RandomLayer r;
  const int n = static_cast<int>(pick(2, 8));
  const int64_t h_in = pick(4, 120), c_in = pick(8, 256), c_out = pick(8, 256);
  Graph& g = r.graph;
  g.values.push_back(Value{"x", Shape({1, c_in, h_in, h_in}), -1});
  g.input = 0;
  Node node;
  node.name = "layer";
  std::ostringstream d;
  const double kind = uniform(0, 1);
  int64_t h_out = h_in;
  if (kind < 0.7) {
    const int64_t k = pick(1, 7), s = pick(1, 2), p = pick(0, k - 1);
    h_out = (h_in + 2 * p - k) / s + 1;
    ConvAttrs a;
    a.window = make_window(k, s, p);
    a.weight = Tensor(Shape({c_out, c_in, k, k}), RowRange{0, 0});
    node.op = OpKind::kConv;
    node.attrs = a;
    d << "conv k" << k << " s" << s << " p" << p;
  } else if (kind < 0.85) {
    const int64_t k = pick(2, 3), s = 2, p = k == 3 ? 1 : 0;
    h_out = (h_in + 2 * p - k) / s + 1;
    PoolAttrs a;
    a.window = make_window(k, s, p);
    node.op = OpKind::kPool;
    node.attrs = a;
    d << "pool k" << k << " s" << s;
  } else {
    g.values.push_back(Value{"y", Shape({1, c_in, h_in, h_in}), -1});
    node.op = OpKind::kBinary;
    node.attrs = BinaryAttrs{};
    node.inputs.push_back(1);
    d << "add";
  }
  node.inputs.insert(node.inputs.begin(), 0);
  const int64_t channels = node.op == OpKind::kConv ? c_out : c_in;
  node.output = static_cast<ValueId>(g.values.size());
  g.values.push_back(Value{"out", Shape({1, channels, h_out, h_in}), 0});
  g.nodes.push_back(node);
  g.outputs = {node.output};

  std::vector<DeviceSpec> devices(n);
  for (DeviceSpec& dev : devices) {
    dev.flops_per_s = 1e9 * std::pow(8.0, uniform(0, 1));
    dev.bandwidth_bits_per_s = 1e6 * std::pow(10.0, uniform(1, 3));
    dev.latency_s = uniform(25e-6, 500e-6);
  }
  const int slow = static_cast<int>(pick(0, n - 1));
  const int fast = (slow + static_cast<int>(pick(1, n - 1))) % n;
  devices[slow].flops_per_s = 1e9;
  devices[fast].flops_per_s = 8e9;
  r.profile = synthetic_profile(g, devices, uniform(0, 200e-6));
  d << ", H " << h_in << "->" << h_out << ", " << n << " ranks";

  // Typical scale of the layer: its time on an average device.
  const double scale = layer_flops(g, g.nodes[0]) / 3e9;
  std::vector<LayerInput> inputs;
  for (size_t i = 0; i < node.inputs.size(); ++i) {
    LayerInput in;
    in.input_index = static_cast<int>(i);
    in.map = affine_row_map(g, g.nodes[0], static_cast<int>(i));
    in.row_bytes = g.shape_of(node.inputs[i]).row_elements() * 4;
    if (uniform(0, 1) < 0.2) {
      in.cuts = single_rank_cuts(h_in, n, static_cast<int>(pick(0, n - 1)));
    } else {
      in.cuts.assign(n + 1, 0);
      for (int j = 1; j < n; ++j) in.cuts[j] = pick(0, h_in);
      in.cuts[n] = h_in;
      std::sort(in.cuts.begin(), in.cuts.end());
    }
    in.ready_s.resize(n);
    for (double& t : in.ready_s) t = uniform(0, scale);
    inputs.push_back(std::move(in));
  }
  std::vector<double> free_s(n);
  for (double& t : free_s) t = uniform(0, scale);
  r.problem = std::make_unique<LayerProblem>(r.graph, 0, r.profile, std::move(inputs), free_s);
  r.description = d.str();
  return r;
}

// The layer's optimum by an O(n H^2) min-max DP over cut points (no
// monotonicity assumed): the oracle of the exact search.
inline double brute_force_cost(const LayerProblem& p) {
  const int n = p.world();
  const int64_t H = p.rows();
  std::vector<double> best(H + 1, kInfeasible), next(H + 1);
  best[0] = 0.0;
  for (int i = 0; i < n; ++i) {
    for (int64_t x = 0; x <= H; ++x) {
      double v = best[x];  // rank i takes no rows
      for (int64_t y = 0; y < x; ++y)
        if (best[y] < kInfeasible) v = std::min(v, std::max(best[y], p.objective(i, y, x)));
      next[x] = v;
    }
    best.swap(next);
  }
  return best[H];
}

// The input rows an exact affine row map gives for output rows `out`.
inline RowRange affine_rows(const AffineRowMap& m, RowRange out) {
  const int64_t lo =
      std::clamp<int64_t>(static_cast<int64_t>(m.scale * out.begin + m.lo_offset), 0, m.in_height);
  const int64_t hi =
      std::clamp<int64_t>(static_cast<int64_t>(m.scale * out.end + m.hi_offset), lo, m.in_height);
  return RowRange{lo, hi};
}

// Mean and quantile of a sample.
inline double mean_of(const std::vector<double>& v) {
  double s = 0;
  for (double x : v) s += x;
  return v.empty() ? 0 : s / v.size();
}
inline double quantile_of(std::vector<double> v, double q) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<size_t>(std::ceil(q * v.size())) - 1)];
}

}  // namespace edgeflow::test
