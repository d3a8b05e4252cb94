// Measuring a rank: every layer's kernel timed at a few row counts (the
// middle of the map, so the slice carries full halos; the layers in model
// order, as a request runs them), fitted to t = alpha * rows + beta by least
// squares; links by ping-pong.
#include "edgeflow/profiler.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <random>

#include "edgeflow/error.h"
#include "profile.pb.h"

namespace edgeflow {
namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point t0) {
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0.0 : v[v.size() / 2];
}

// Least-squares line through (rows, seconds), kept non-negative.
ComputeCost fit_line(const std::vector<int64_t>& rows, const std::vector<double>& t,
                     double* fit_error) {
  ComputeCost c;
  const size_t n = rows.size();
  if (n == 1) {
    c.alpha_s = t[0] / rows[0];
  } else {
    double sx = 0, sy = 0, sxx = 0, sxy = 0;
    for (size_t i = 0; i < n; ++i) {
      sx += rows[i], sy += t[i], sxx += double(rows[i]) * rows[i], sxy += rows[i] * t[i];
    }
    const double den = n * sxx - sx * sx;
    c.alpha_s = den > 0 ? (n * sxy - sx * sy) / den : 0.0;
    c.beta_s = (sy - c.alpha_s * sx) / n;
    if (c.alpha_s < 0 || c.beta_s < 0) {  // noise: fall back to a line through 0
      c.alpha_s = std::max(0.0, sxy / sxx);
      c.beta_s = 0.0;
    }
  }
  double worst = 0;
  for (size_t i = 0; i < n; ++i)
    if (t[i] > 0) worst = std::max(worst, std::abs(c.seconds(rows[i]) - t[i]) / t[i]);
  *fit_error = worst;
  return c;
}

// One layer's kernel for one sampled slice, its input pointers and where its
// rows go (into the layer's whole output, which later layers read).
struct TimedSlice {
  int64_t rows = 0;
  std::unique_ptr<Kernel> kernel;
  std::vector<const float*> inputs;
  float* dst = nullptr;
};

TimedSlice prepare_slice(const Graph& graph, const Node& node, RowRange out,
                         KernelFactory& kernels, std::vector<Tensor>& values) {
  TimedSlice slice;
  slice.rows = out.size();
  slice.kernel = kernels.make(graph, node, out);
  for (size_t i = 0; i < node.inputs.size(); ++i) {
    const RowRange need = required_input_rows(graph, node, static_cast<int>(i), out);
    slice.inputs.push_back(values[node.inputs[i]].row(need.begin));
  }
  slice.dst = values[node.output].row(out.begin);
  return slice;
}

// Sample k (0, 1, 2) of a layer of height H: the middle H/8, H/4 or H/2 rows
// (at least one), so the slice carries full halos; the whole map for layers
// that need their whole input.
RowRange sample_slice(const Node& node, int64_t H, int k) {
  if (needs_whole_input(node)) return RowRange{0, H};
  const int64_t rows = std::max<int64_t>(1, H >> (3 - k));
  const int64_t begin = (H - rows) / 2;
  return RowRange{begin, begin + rows};
}

// Times every layer at three slice heights. Each sample runs the layers in
// the model's order, one pass after another, as a request would: a layer's
// weights and input come from wherever the previous layers left the caches,
// not hot from timing the same kernel again (which made weight-heavy layers
// look up to 2x faster than they run). The median pass counts.
std::vector<ComputeCost> profile_layers(const Graph& graph, KernelFactory& kernels,
                                        const ProfileOptions& options,
                                        std::vector<double>* fit_error) {
  std::vector<Tensor> values;
  std::mt19937 rng(5);
  std::uniform_real_distribution<float> u(-1.0f, 1.0f);
  for (const Value& v : graph.values) {
    Tensor t(v.shape);
    for (float& x : t.values()) x = u(rng);
    values.push_back(std::move(t));
  }
  const size_t layers = graph.nodes.size();
  // samples[n]: (rows, median seconds) of layer n, one per distinct height.
  std::vector<std::vector<std::pair<int64_t, double>>> samples(layers);
  for (int k = 0; k < 3; ++k) {
    std::vector<TimedSlice> slices;
    for (const Node& node : graph.nodes)
      slices.push_back(prepare_slice(graph, node,
                                     sample_slice(node, graph.shape_of(node.output).height(), k),
                                     kernels, values));
    std::vector<std::vector<double>> times(layers);
    for (int pass = 0; pass <= options.repeats; ++pass)  // pass 0 warms up
      for (size_t n = 0; n < layers; ++n) {
        const auto t0 = Clock::now();
        slices[n].kernel->run(slices[n].inputs, slices[n].dst);
        if (pass > 0) times[n].push_back(seconds_since(t0));
      }
    for (size_t n = 0; n < layers; ++n) {
      auto& s = samples[n];
      const int64_t rows = slices[n].rows;
      if (std::none_of(s.begin(), s.end(), [&](const auto& p) { return p.first == rows; }))
        s.emplace_back(rows, median(times[n]));
    }
  }
  std::vector<ComputeCost> costs;
  fit_error->assign(layers, 0.0);
  for (size_t n = 0; n < layers; ++n) {
    std::vector<int64_t> rows;
    std::vector<double> t;
    for (const auto& [r, seconds] : samples[n]) rows.push_back(r), t.push_back(seconds);
    costs.push_back(fit_line(rows, t, &(*fit_error)[n]));
  }
  return costs;
}

// Half the median round trip of `bytes` between this rank and `peer`.
double ping_pong(Transport& transport, int peer, bool initiator, size_t bytes, int repeats,
                 double timeout_s) {
  std::string buffer(bytes, '\x5a');
  auto wait = [&](Transport::Handle h) {
    const auto t0 = Clock::now();
    while (!transport.test(h))
      if (seconds_since(t0) > timeout_s)
        fail_runtime("profiling: no answer from rank " + std::to_string(peer) + " in the link test");
  };
  std::vector<double> samples;
  for (int r = 0; r <= repeats; ++r) {
    const auto t0 = Clock::now();
    if (initiator) {
      wait(transport.isend(buffer.data(), bytes, peer, kTagProfile));
      wait(transport.irecv(buffer.data(), bytes, peer, kTagProfile));
    } else {
      wait(transport.irecv(buffer.data(), bytes, peer, kTagProfile));
      wait(transport.isend(buffer.data(), bytes, peer, kTagProfile));
    }
    if (r > 0) samples.push_back(seconds_since(t0) / 2);  // the first is a warm-up
  }
  return median(samples);
}

// A rank whose kernels fail to time reports no costs: the partitioner then
// leaves it out.
std::vector<ComputeCost> profile_rank(const Graph& graph, KernelFactory& kernels,
                                      const ProfileOptions& options,
                                      std::vector<double>* fit_error, int rank) {
  try {
    return profile_layers(graph, kernels, options, fit_error);
  } catch (const Error& e) {
    std::fprintf(stderr, "edgeflow: warning: rank %d: profiling failed: %s\n", rank, e.what());
    fit_error->clear();
    return {};
  }
}

std::string encode_measurement(const std::vector<ComputeCost>& costs,
                               const std::vector<double>& fit_error,
                               const std::vector<LinkCost>& links) {
  profilepb::RankMeasurement m;
  for (const ComputeCost& c : costs) {
    profilepb::Compute* pc = m.add_layers();
    pc->set_alpha_s(c.alpha_s);
    pc->set_beta_s(c.beta_s);
  }
  m.mutable_fit_error()->Add(fit_error.begin(), fit_error.end());
  for (size_t d = 0; d < links.size(); ++d) {
    profilepb::Link* l = m.add_links();
    l->set_dst(static_cast<int32_t>(d));
    l->set_latency_s(links[d].latency_s);
    l->set_bytes_per_s(links[d].bytes_per_s);
  }
  return m.SerializeAsString();
}

}  // namespace

std::vector<ComputeCost> profile_compute(const Graph& graph, KernelFactory& kernels,
                                         Transport* transport, const ProfileOptions& options,
                                         std::vector<double>* fit_error) {
  if (!transport) return profile_layers(graph, kernels, options, fit_error);
  // Ranks of one host take turns: turn k profiles local rank k everywhere.
  std::string turns = std::to_string(transport->local_size());
  const std::vector<std::string> sizes = transport->gather(turns, 0);
  if (transport->rank() == 0) {
    int most = 1;
    for (const std::string& s : sizes) most = std::max(most, std::stoi(s));
    turns = std::to_string(most);
  }
  transport->broadcast(&turns, 0);
  std::vector<ComputeCost> costs;
  for (int turn = 0; turn < std::stoi(turns); ++turn) {
    if (turn == transport->local_rank())
      costs = profile_rank(graph, kernels, options, fit_error, transport->rank());
    transport->barrier();
  }
  return costs;
}

std::vector<LinkCost> profile_links(Transport& transport, const ProfileOptions& options) {
  const int world = transport.world_size(), me = transport.rank();
  std::vector<LinkCost> links(world);
  const size_t small = options.message_bytes.front(), large = options.message_bytes.back();
  for (int a = 0; a < world; ++a)
    for (int b = a + 1; b < world; ++b) {
      if (me == a || me == b) {
        const int peer = me == a ? b : a;
        const double t_small = ping_pong(transport, peer, me == a, small, options.repeats, 60);
        const double t_large = ping_pong(transport, peer, me == a, large, options.repeats, 60);
        LinkCost& l = links[peer];
        const double dt = std::max(t_large - t_small, 1e-12);
        l.bytes_per_s = double(large - small) / dt;
        l.latency_s = std::max(0.0, t_small - small / l.bytes_per_s);
      }
      transport.barrier();
    }
  return links;
}

ClusterProfile measure_cluster(const Graph& graph, KernelFactory& kernels, Transport* transport,
                               const ProfileOptions& options, ProfileReport* report) {
  const auto t0 = Clock::now();
  std::vector<double> fit_error;
  const std::vector<ComputeCost> mine =
      profile_compute(graph, kernels, transport, options, &fit_error);
  const int world = transport ? transport->world_size() : 1;
  std::vector<LinkCost> my_links = transport ? profile_links(*transport, options)
                                             : std::vector<LinkCost>(1);
  const std::string report_bytes = encode_measurement(mine, fit_error, my_links);
  const std::vector<std::string> all =
      transport ? transport->gather(report_bytes, 0) : std::vector<std::string>{report_bytes};
  if (transport && transport->rank() != 0) return ClusterProfile{};
  std::vector<profilepb::RankMeasurement> ranks(world);
  for (int r = 0; r < world; ++r)
    if (!ranks[r].ParseFromString(all[r]) || ranks[r].links_size() != world ||
        (ranks[r].layers_size() != 0 &&
         (ranks[r].layers_size() != static_cast<int>(graph.nodes.size()) ||
          ranks[r].fit_error_size() != ranks[r].layers_size())))
      fail_runtime("profiling: rank " + std::to_string(r) + " sent a malformed measurement");
  ClusterProfile p;
  p.world_size = world;
  p.usable.assign(world, true);
  p.compute.assign(graph.nodes.size(), std::vector<ComputeCost>(world));
  p.links.assign(world, std::vector<LinkCost>(world));
  for (int r = 0; r < world; ++r) {
    const profilepb::RankMeasurement& m = ranks[r];
    p.usable[r] = m.layers_size() != 0;
    for (int n = 0; n < m.layers_size(); ++n) {
      p.compute[n][r] = ComputeCost{m.layers(n).alpha_s(), m.layers(n).beta_s()};
      if (m.fit_error(n) > report->worst_fit_error)
        report->worst_fit_error = m.fit_error(n), report->worst_fit_layer = graph.nodes[n].name,
        report->worst_fit_rank = r;
    }
    for (int d = 0; d < world; ++d)
      if (d != r) {
        // Each link was measured by its lower rank; links are symmetric.
        const profilepb::Link& l = ranks[std::min(r, d)].links(std::max(r, d));
        p.links[r][d] = LinkCost{l.latency_s(), l.bytes_per_s()};
      }
  }
  report->seconds = seconds_since(t0);
  return p;
}

}  // namespace edgeflow
