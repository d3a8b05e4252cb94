// Measuring a rank: every layer's kernel timed at a few row counts (the
// middle of the map, so the slice carries full halos), fitted to
// t = alpha * rows + beta by least squares; links by ping-pong.
#include "edgeflow/profiler.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <random>

#include "edgeflow/error.h"

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

// Row counts to time for a layer of height H.
std::vector<int64_t> sample_rows(int64_t H) {
  std::vector<int64_t> rows;
  for (int64_t r : {H / 8, H / 4, H / 2}) rows.push_back(std::max<int64_t>(1, r));
  std::sort(rows.begin(), rows.end());
  rows.erase(std::unique(rows.begin(), rows.end()), rows.end());
  return rows;
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

// Times output rows `out` of `node` (median of repeats after a warm-up).
double time_slice(const Graph& graph, const Node& node, RowRange out, KernelFactory& kernels,
                  const std::vector<Tensor>& values, int repeats) {
  std::unique_ptr<Kernel> kernel = kernels.make(graph, node, out);
  std::vector<const float*> inputs;
  for (size_t i = 0; i < node.inputs.size(); ++i) {
    const RowRange need = required_input_rows(graph, node, static_cast<int>(i), out);
    inputs.push_back(values[node.inputs[i]].row(need.begin));
  }
  Tensor dst(graph.shape_of(node.output), out);
  kernel->run(inputs, dst.data());
  std::vector<double> samples;
  for (int r = 0; r < repeats; ++r) {
    const auto t0 = Clock::now();
    kernel->run(inputs, dst.data());
    samples.push_back(seconds_since(t0));
  }
  return median(samples);
}

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
  std::vector<ComputeCost> costs;
  fit_error->assign(graph.nodes.size(), 0.0);
  for (size_t n = 0; n < graph.nodes.size(); ++n) {
    const Node& node = graph.nodes[n];
    const int64_t H = graph.shape_of(node.output).height();
    const std::vector<int64_t> rows =
        needs_whole_input(node) ? std::vector<int64_t>{H} : sample_rows(H);
    std::vector<double> t;
    for (int64_t r : rows) {
      const int64_t begin = (H - r) / 2;
      t.push_back(time_slice(graph, node, RowRange{begin, begin + r}, kernels, values,
                             options.repeats));
    }
    costs.push_back(fit_line(rows, t, &(*fit_error)[n]));
  }
  return costs;
}

template <typename T>
std::string to_bytes(const std::vector<T>& v) {
  return std::string(reinterpret_cast<const char*>(v.data()), v.size() * sizeof(T));
}

template <typename T>
std::vector<T> from_bytes(const std::string& b) {
  std::vector<T> v(b.size() / sizeof(T));
  std::memcpy(v.data(), b.data(), v.size() * sizeof(T));
  return v;
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
  std::vector<std::string> all_compute{to_bytes(mine)}, all_links{to_bytes(my_links)},
      all_fits{to_bytes(fit_error)};
  if (transport) {
    all_compute = transport->gather(all_compute[0], 0);
    all_links = transport->gather(all_links[0], 0);
    all_fits = transport->gather(all_fits[0], 0);
    if (transport->rank() != 0) return ClusterProfile{};
  }
  ClusterProfile p;
  p.world_size = world;
  p.usable.assign(world, true);
  p.compute.assign(graph.nodes.size(), std::vector<ComputeCost>(world));
  p.links.assign(world, std::vector<LinkCost>(world));
  for (int r = 0; r < world; ++r) {
    const auto costs = from_bytes<ComputeCost>(all_compute[r]);
    const auto fits = from_bytes<double>(all_fits[r]);
    const auto links = from_bytes<LinkCost>(all_links[r]);
    for (size_t n = 0; n < graph.nodes.size() && n < costs.size() && n < fits.size(); ++n) {
      p.compute[n][r] = costs[n];
      if (fits[n] > report->worst_fit_error)
        report->worst_fit_error = fits[n], report->worst_fit_layer = graph.nodes[n].name,
        report->worst_fit_rank = r;
    }
    if (costs.size() != graph.nodes.size()) p.usable[r] = false;
    for (int d = 0; d < world; ++d)
      if (d != r) {
        // Each link was measured by its lower rank; links are symmetric.
        const int lo = std::min(r, d), hi = std::max(r, d);
        p.links[r][d] = from_bytes<LinkCost>(all_links[lo])[hi];
      }
  }
  report->seconds = seconds_since(t0);
  return p;
}

}  // namespace edgeflow
