// Measuring a rank: every layer's kernel timed at a few row counts (the
// middle of the map, so the slice carries full halos; the layers in model
// order, as a request runs them), fitted to t = alpha * rows + beta by least
// squares; links by ping-pong.
#include "edgeflow/profiler.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <random>

#include "edgeflow/error.h"
#include "compute_proto.h"

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

// One layer's kernel for one slice, its input pointers and where its rows go
// (into the layer's whole output, which later layers read).
struct TimedSlice {
  std::unique_ptr<Kernel> kernel;
  std::vector<const float*> inputs;
  float* dst = nullptr;
};

TimedSlice prepare_slice(const Graph& graph, const Node& node, RowRange out,
                         KernelFactory& kernels, std::vector<Tensor>& values) {
  TimedSlice slice;
  slice.kernel = kernels.make(graph, node, out);
  for (size_t i = 0; i < node.inputs.size(); ++i) {
    const RowRange need = required_input_rows(graph, node, static_cast<int>(i), out);
    slice.inputs.push_back(values[node.inputs[i]].row(need.begin));
  }
  slice.dst = values[node.output].row(out.begin);
  return slice;
}

// The profile's sample slices of a layer of height H: the middle H/8, H/4 and
// H/2 rows (at least one, each height once), so a slice carries full halos;
// the whole map for layers that need their whole input.
std::vector<RowRange> sample_slices(const Node& node, int64_t H) {
  if (needs_whole_input(node)) return {RowRange{0, H}};
  std::vector<RowRange> slices;
  for (int k = 0; k < 3; ++k) {
    const int64_t rows = std::max<int64_t>(1, H >> (3 - k));
    const int64_t begin = (H - rows) / 2;
    if (slices.empty() || slices.back().size() != rows) slices.push_back({begin, begin + rows});
  }
  return slices;
}

// Times slices[n][k] of every layer n: the median seconds of each. Pass k
// runs the k-th slice of every layer that has one, in the model's order, as
// a request would: a layer's weights and input come from wherever the
// previous layers left the caches, not hot from timing the same kernel again
// (which made weight-heavy layers look up to 2x faster than they run).
std::vector<std::vector<double>> time_slices(const Graph& graph, KernelFactory& kernels,
                                             const ProfileOptions& options,
                                             const SliceRequest& slices) {
  std::vector<Tensor> values;
  std::mt19937 rng(5);
  std::uniform_real_distribution<float> u(-1.0f, 1.0f);
  for (const Value& v : graph.values) {
    Tensor t(v.shape);
    for (float& x : t.values()) x = u(rng);
    values.push_back(std::move(t));
  }
  const size_t layers = graph.nodes.size();
  std::vector<std::vector<double>> seconds(layers);
  size_t most = 0;
  for (const auto& s : slices) most = std::max(most, s.size());
  for (size_t k = 0; k < most; ++k) {
    std::vector<size_t> timed;
    std::vector<TimedSlice> prepared;
    for (size_t n = 0; n < layers; ++n)
      if (k < slices[n].size()) {
        timed.push_back(n);
        prepared.push_back(prepare_slice(graph, graph.nodes[n], slices[n][k], kernels, values));
      }
    std::vector<std::vector<double>> times(timed.size());
    for (int pass = 0; pass <= options.repeats; ++pass)  // pass 0 warms up
      for (size_t i = 0; i < timed.size(); ++i) {
        const auto t0 = Clock::now();
        prepared[i].kernel->run(prepared[i].inputs, prepared[i].dst);
        if (pass > 0) times[i].push_back(seconds_since(t0));
      }
    for (size_t i = 0; i < timed.size(); ++i) seconds[timed[i]].push_back(median(times[i]));
  }
  return seconds;
}

// Every layer's cost line through its sample slices.
std::vector<ComputeCost> profile_layers(const Graph& graph, KernelFactory& kernels,
                                        const ProfileOptions& options,
                                        std::vector<double>* fit_error) {
  SliceRequest slices;
  for (const Node& node : graph.nodes)
    slices.push_back(sample_slices(node, graph.shape_of(node.output).height()));
  const std::vector<std::vector<double>> seconds = time_slices(graph, kernels, options, slices);
  std::vector<ComputeCost> costs;
  fit_error->clear();
  for (size_t n = 0; n < graph.nodes.size(); ++n) {
    std::vector<RowSample> samples;
    for (size_t k = 0; k < slices[n].size(); ++k)
      samples.push_back(RowSample{slices[n][k], seconds[n][k]});
    costs.emplace_back(std::move(samples));
    fit_error->push_back(costs.back().fit_error());
  }
  return costs;
}

// Runs `work` on each rank of a host in turn (local rank 0 everywhere first,
// then local rank 1, ...), so ranks that share cores do not disturb each
// other's timings. Collective.
template <typename Work>
void in_host_turns(Transport& transport, const Work& work) {
  std::string turns = std::to_string(transport.local_size());
  const std::vector<std::string> sizes = transport.gather(turns, 0);
  if (transport.rank() == 0) {
    int most = 1;
    for (const std::string& s : sizes) most = std::max(most, std::stoi(s));
    turns = std::to_string(most);
  }
  transport.broadcast(&turns, 0);
  for (int turn = 0; turn < std::stoi(turns); ++turn) {
    if (turn == transport.local_rank()) work();
    transport.barrier();
  }
}

// Waits until `h`, an operation with `peer`, completes: at most timeout_s.
void wait_for(Transport& transport, Transport::Handle h, int peer, double timeout_s) {
  const auto t0 = Clock::now();
  while (!transport.test(h))
    if (seconds_since(t0) > timeout_s)
      fail_runtime("profiling: no answer from rank " + std::to_string(peer) + " in the link test");
}

// Half the median round trip of `bytes` between this rank and `peer`.
double ping_pong(Transport& transport, int peer, bool initiator, size_t bytes, int repeats,
                 double timeout_s) {
  std::string buffer(bytes, '\x5a');
  auto wait = [&](Transport::Handle h) { wait_for(transport, h, peer, timeout_s); };
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

// The CPU time per message of `count` small messages sent to `peer` back to
// back, as the runtime sends a unit's messages: posting each, then one test
// of them all (the wait for completion is not counted). The peer receives.
double send_cpu(Transport& transport, int peer, bool sender, int count, double timeout_s) {
  std::vector<std::string> buffers(count, std::string(256, '\x5a'));
  std::vector<Transport::Handle> handles;
  const auto t0 = Clock::now();
  for (std::string& b : buffers)
    handles.push_back(sender ? transport.isend(b.data(), b.size(), peer, kTagProfile)
                             : transport.irecv(b.data(), b.size(), peer, kTagProfile));
  std::vector<char> done;
  transport.test_all(handles, &done);
  const double seconds = seconds_since(t0);
  for (size_t i = 0; i < handles.size(); ++i)
    if (!done[i]) wait_for(transport, handles[i], peer, timeout_s);
  return seconds / count;
}

std::string encode_measurement(const std::vector<ComputeCost>& costs,
                               const std::vector<double>& fit_error, const LinkProfile& links) {
  profilepb::RankMeasurement m;
  for (const ComputeCost& c : costs) {
    to_proto(c, m.add_layers());
  }
  m.mutable_fit_error()->Add(fit_error.begin(), fit_error.end());
  for (size_t d = 0; d < links.links.size(); ++d) {
    profilepb::Link* l = m.add_links();
    l->set_dst(static_cast<int32_t>(d));
    l->set_latency_s(links.links[d].latency_s);
    l->set_bytes_per_s(links.links[d].bytes_per_s);
  }
  m.set_message_cpu_s(links.message_cpu_s);
  return m.SerializeAsString();
}

}  // namespace

std::vector<ComputeCost> profile_compute(const Graph& graph, KernelFactory& kernels,
                                         Transport* transport, const ProfileOptions& options,
                                         std::vector<double>* fit_error) {
  if (!transport) return profile_layers(graph, kernels, options, fit_error);
  std::vector<ComputeCost> costs;
  in_host_turns(*transport, [&] {
    costs = profile_rank(graph, kernels, options, fit_error, transport->rank());
  });
  return costs;
}

int profile_slices(const Graph& graph, KernelFactory& kernels, Transport* transport,
                   const ProfileOptions& options, const SliceRequest& request,
                   ClusterProfile* profile) {
  const size_t layers = graph.nodes.size();
  SliceRequest slices = request;
  if (transport) {
    profilepb::SliceRequest wire;
    std::string bytes;
    if (transport->rank() == 0) {
      for (size_t n = 0; n < request.size(); ++n) {
        if (request[n].empty()) continue;
        auto* layer = wire.add_layers();
        layer->set_node(static_cast<int32_t>(n));
        for (RowRange r : request[n]) layer->add_begin(r.begin), layer->add_end(r.end);
      }
      bytes = wire.SerializeAsString();
    }
    transport->broadcast(&bytes, 0);
    if (!wire.ParseFromString(bytes))
      fail_runtime("profiling: rank 0's slice request does not parse");
    slices.assign(layers, {});
    for (const auto& layer : wire.layers()) {
      if (layer.node() < 0 || static_cast<size_t>(layer.node()) >= layers ||
          layer.begin_size() != layer.end_size())
        fail_runtime("profiling: rank 0's slice request names no layer of the model");
      const int64_t H = graph.shape_of(graph.nodes[layer.node()].output).height();
      for (int k = 0; k < layer.begin_size(); ++k) {
        const RowRange r{layer.begin(k), layer.end(k)};
        if (r.begin < 0 || r.end > H || r.begin >= r.end)
          fail_runtime("profiling: rank 0's slice request holds rows outside layer '" +
                       graph.nodes[layer.node()].name + "'");
        slices[layer.node()].push_back(r);
      }
    }
  }
  slices.resize(layers);
  int total = 0;
  for (const auto& s : slices) total += static_cast<int>(s.size());
  if (total == 0) return 0;

  const int me = transport ? transport->rank() : 0;
  profilepb::SliceTimes mine;
  auto time_mine = [&] {
    try {
      for (const auto& layer : time_slices(graph, kernels, options, slices))
        mine.mutable_seconds()->Add(layer.begin(), layer.end());
    } catch (const Error& e) {
      std::fprintf(stderr, "edgeflow: warning: rank %d: timing the plan's units failed: %s\n",
                   me, e.what());
      mine.clear_seconds();
    }
  };
  if (transport)
    in_host_turns(*transport, time_mine);
  else
    time_mine();
  const std::string my_times = mine.SerializeAsString();
  const std::vector<std::string> all =
      transport ? transport->gather(my_times, 0) : std::vector<std::string>{my_times};
  if (me != 0) return total;
  for (size_t r = 0; r < all.size(); ++r) {
    profilepb::SliceTimes times;
    if (!times.ParseFromString(all[r]))
      fail_runtime("profiling: rank " + std::to_string(r) + " sent malformed unit times");
    if (times.seconds_size() != total || !profile->is_usable(static_cast<int>(r))) continue;
    int k = 0;
    for (size_t n = 0; n < layers; ++n)
      for (RowRange range : slices[n]) profile->compute[n][r].add_sample(range, times.seconds(k++));
  }
  return total;
}

LinkProfile profile_links(Transport& transport, const ProfileOptions& options) {
  const int world = transport.world_size(), me = transport.rank();
  LinkProfile result;
  result.links.assign(world, LinkCost{});
  std::vector<double> message_cpu;
  const size_t small = options.message_bytes.front(), large = options.message_bytes.back();
  for (int a = 0; a < world; ++a)
    for (int b = a + 1; b < world; ++b) {
      if (me == a || me == b) {
        const int peer = me == a ? b : a;
        const double t_small = ping_pong(transport, peer, me == a, small, options.repeats, 60);
        const double t_large = ping_pong(transport, peer, me == a, large, options.repeats, 60);
        LinkCost& l = result.links[peer];
        const double dt = std::max(t_large - t_small, 1e-12);
        l.bytes_per_s = double(large - small) / dt;
        l.latency_s = std::max(0.0, t_small - small / l.bytes_per_s);
        // a sends to b, then b to a: each side's cost of sending.
        for (int sender : {a, b}) {
          const double o = send_cpu(transport, peer, me == sender, options.message_probes, 60);
          if (me == sender) message_cpu.push_back(o);
        }
      }
      transport.barrier();
    }
  result.message_cpu_s = message_cpu.empty() ? 0.0 : median(message_cpu);
  return result;
}

ClusterProfile measure_cluster(const Graph& graph, KernelFactory& kernels, Transport* transport,
                               const ProfileOptions& options, ProfileReport* report) {
  const auto t0 = Clock::now();
  std::vector<double> fit_error;
  const std::vector<ComputeCost> mine =
      profile_compute(graph, kernels, transport, options, &fit_error);
  const int world = transport ? transport->world_size() : 1;
  const LinkProfile my_links =
      transport ? profile_links(*transport, options) : LinkProfile{std::vector<LinkCost>(1), 0.0};
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
  p.message_cpu_s.assign(world, 0.0);
  for (int r = 0; r < world; ++r) {
    const profilepb::RankMeasurement& m = ranks[r];
    p.usable[r] = m.layers_size() != 0;
    if (!(std::isfinite(m.message_cpu_s()) && m.message_cpu_s() >= 0))
      fail_runtime("profiling: rank " + std::to_string(r) + " sent a bad message cost");
    p.message_cpu_s[r] = m.message_cpu_s();
    for (int n = 0; n < m.layers_size(); ++n) {
      std::optional<ComputeCost> cost = from_proto(m.layers(n));
      if (!cost) fail_runtime("profiling: rank " + std::to_string(r) + " sent a bad timing");
      p.compute[n][r] = std::move(*cost);
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
