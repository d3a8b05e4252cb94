// The event loop of the inference phase. Each request occupies a slot with
// its own buffers. A unit is ready once the receives and the rank's own
// units it reads from have completed; the rank runs, of whichever slot, the
// first ready unit in its plan order (the schedule's rule,
// edgeflow/schedule.h), and its rows leave with nonblocking sends as its
// forwarding table says.
//
//   tag(slot, edge) = kTagFirstData + slot * num_edges + edge
#include <algorithm>
#include <chrono>
#include <cstring>
#include <deque>
#include <functional>
#include <thread>

#include "edgeflow/error.h"
#include "edgeflow/plan.h"
#include "edgeflow/runtime.h"

namespace edgeflow {
namespace {

using Clock = std::chrono::steady_clock;

// How long an idle rank spins (yielding) before it starts to sleep.
constexpr double kSpinSeconds = 2e-3;

// Trace time: the host's monotonic clock, shared by the ranks of one host.
double now_us() {
  return std::chrono::duration<double, std::micro>(Clock::now().time_since_epoch()).count();
}

// The control message rank 0 sends every worker.
struct Control {
  enum Kind : int32_t { kStart = 1, kStop = 2 };
  int32_t kind = kStart;
  int32_t slot = 0;
  int64_t request = 0;
};

std::string encode_control(const Control& c) {
  return std::string(reinterpret_cast<const char*>(&c), sizeof c);
}

Control decode_control(const std::string& bytes) {
  Control c;
  if (bytes.size() != sizeof c) fail_runtime("runtime: malformed control message");
  std::memcpy(&c, bytes.data(), sizeof c);
  return c;
}

// A unit ready to run: its kernel and where its rows live in a slot.
struct PreparedUnit {
  const planpb::Unit* unit = nullptr;
  std::unique_ptr<Kernel> kernel;
  std::string name;  // "layer rows [a, b)"
};

// A posted send or receive of one edge.
struct Pending {
  Transport::Handle handle;
  const planpb::Transfer* transfer;
  double posted_us;
};

struct Slot {
  bool active = false;
  int64_t request = 0;
  Clock::time_point started;
  std::vector<Tensor> buffers;   // by value id; empty when not held
  std::vector<char> edge_done;   // by edge id (receives)
  std::vector<Pending> recvs;
  std::vector<Pending> sends;
  std::vector<int> missing;  // by unit: inputs not complete yet
  std::vector<int> ready;    // units whose inputs are complete: a min-heap by plan order
  size_t units_done = 0;

  void push_ready(int unit) {
    ready.push_back(unit);
    std::push_heap(ready.begin(), ready.end(), std::greater<int>());
  }
  int pop_ready() {
    std::pop_heap(ready.begin(), ready.end(), std::greater<int>());
    const int unit = ready.back();
    ready.pop_back();
    return unit;
  }
};

}  // namespace

struct Executor::Impl {
  const planpb::RankPlan& plan;
  Graph graph;
  Transport* transport;
  RuntimeOptions options;
  std::vector<PreparedUnit> units;
  std::vector<int> inputs_of_unit;           // by unit: receives and local units it waits for
  std::vector<std::vector<int>> dependents;  // by unit: the rank's units reading its rows
  std::vector<std::vector<int>> readers;     // by edge: the units waiting for it
  std::vector<Slot> slots;
  std::vector<Transport::Handle> poll_handles;  // poll_transfers()'s scratch
  std::vector<char> poll_done;
  RuntimeStats stats;
  Clock::time_point last_progress = Clock::now();

  Impl(const planpb::RankPlan& p, Graph g, KernelFactory& kernels, Transport* t,
       RuntimeOptions o)
      : plan(p), graph(std::move(g)), transport(t), options(o) {
    EF_ASSERT(transport || plan.world_size() == 1);
    if (options.inflight < 1) fail_input("--inflight must be at least 1");
    const int64_t last_tag =
        int64_t(kTagFirstData) + int64_t(options.inflight) * plan.num_edges();
    if (transport && last_tag > transport->max_tag())
      fail_input("--inflight " + std::to_string(options.inflight) + ": " +
                 std::to_string(plan.num_edges()) + " edges per request exceed the MPI tag " +
                 "bound " + std::to_string(transport->max_tag()));
    for (const planpb::Unit& u : plan.units()) {
      const Node& node = graph.nodes.at(u.node());
      PreparedUnit pu;
      pu.unit = &u;
      pu.name = node.name + " rows [" + std::to_string(u.row_begin()) + ", " +
                std::to_string(u.row_end()) + ")";
      pu.kernel = kernels.make(graph, node, RowRange{u.row_begin(), u.row_end()});
      units.push_back(std::move(pu));
    }
    const std::vector<std::vector<int>> deps = local_dependencies(plan, graph);
    inputs_of_unit.assign(units.size(), 0);
    dependents.resize(units.size());
    readers.resize(plan.num_edges());
    for (size_t u = 0; u < units.size(); ++u) {
      for (int w : deps[u]) dependents[w].push_back(static_cast<int>(u));
      inputs_of_unit[u] += static_cast<int>(deps[u].size());
      for (const planpb::InputRequirement& req : units[u].unit->inputs())
        for (int e : req.recv_edges()) {
          readers[e].push_back(static_cast<int>(u));
          ++inputs_of_unit[u];
        }
    }
    stats.bytes_sent.assign(plan.world_size(), 0);
    stats.node_busy_s.assign(graph.nodes.size(), 0.0);
    slots.resize(options.inflight);
    for (Slot& s : slots) {
      s.buffers.resize(graph.values.size());
      for (const planpb::Buffer& b : plan.buffers())
        s.buffers[b.value()] =
            Tensor(graph.shape_of(b.value()), RowRange{b.row_begin(), b.row_end()});
      s.edge_done.assign(plan.num_edges(), 0);
    }
  }

  int tag(int slot, int edge) const {
    return kTagFirstData + slot * plan.num_edges() + edge;
  }

  size_t row_bytes(int value) const {
    return static_cast<size_t>(graph.shape_of(value).row_elements()) * sizeof(float);
  }

  void trace(const std::string& name, const char* category, int64_t request, double start_us,
             int unit = -1) {
    if (!options.trace) return;
    stats.trace.push_back(
        TraceEvent{name, category, request, start_us, now_us() - start_us, unit});
  }

  std::string transfer_name(const planpb::Transfer& t, const char* direction) const {
    return graph.values[t.value()].name + " [" + std::to_string(t.row_begin()) + ", " +
           std::to_string(t.row_end()) + ") " + direction + " rank " + std::to_string(t.peer());
  }

  // Marks every unit of the slot not run, and those that wait for nothing ready.
  void reset_units(Slot& slot) {
    slot.started = Clock::now();
    slot.missing = inputs_of_unit;
    slot.ready.clear();
    slot.units_done = 0;
    for (size_t u = 0; u < units.size(); ++u)
      if (slot.missing[u] == 0) slot.push_ready(static_cast<int>(u));
  }

  static void complete_input(Slot& slot, int unit) {
    if (--slot.missing[unit] == 0) slot.push_ready(unit);
  }

  void start_slot(int s, int64_t request) {
    Slot& slot = slots[s];
    slot.active = true;
    slot.request = request;
    reset_units(slot);
    std::fill(slot.edge_done.begin(), slot.edge_done.end(), 0);
    for (const planpb::Transfer& t : plan.recvs()) {
      void* dst = slot.buffers[t.value()].row(t.row_begin());
      const size_t bytes = (t.row_end() - t.row_begin()) * row_bytes(t.value());
      slot.recvs.push_back(
          Pending{transport->irecv(dst, bytes, t.peer(), tag(s, t.edge())), &t, now_us()});
    }
  }

  void post_sends(int s, const google::protobuf::RepeatedPtrField<planpb::Transfer>& sends) {
    Slot& slot = slots[s];
    for (const planpb::Transfer& t : sends) {
      const void* src = slot.buffers[t.value()].row(t.row_begin());
      const size_t bytes = (t.row_end() - t.row_begin()) * row_bytes(t.value());
      slot.sends.push_back(
          Pending{transport->isend(src, bytes, t.peer(), tag(s, t.edge())), &t, now_us()});
      stats.bytes_sent[t.peer()] += static_cast<int64_t>(bytes);
    }
  }

  // Tests the slot's pending receives and sends in one pass of the
  // transport (Transport::test_all) and acts on those that completed.
  bool poll_transfers(Slot& slot) {
    poll_handles.clear();
    for (const Pending& p : slot.recvs) poll_handles.push_back(p.handle);
    for (const Pending& p : slot.sends) poll_handles.push_back(p.handle);
    if (poll_handles.empty()) return false;
    transport->test_all(poll_handles, &poll_done);
    size_t i = 0, kept = 0;
    for (const Pending& p : slot.recvs) {
      if (!poll_done[i++]) {
        slot.recvs[kept++] = p;
        continue;
      }
      slot.edge_done[p.transfer->edge()] = 1;
      for (int u : readers[p.transfer->edge()]) complete_input(slot, u);
      if (options.trace) trace(transfer_name(*p.transfer, "from"), "recv", slot.request, p.posted_us);
    }
    bool progressed = kept != slot.recvs.size();
    slot.recvs.resize(kept);
    kept = 0;
    for (const Pending& p : slot.sends) {
      if (!poll_done[i++]) {
        slot.sends[kept++] = p;
        continue;
      }
      if (options.trace) trace(transfer_name(*p.transfer, "to"), "send", slot.request, p.posted_us);
    }
    progressed |= kept != slot.sends.size();
    slot.sends.resize(kept);
    return progressed;
  }

  void run_unit(int s, int unit) {
    Slot& slot = slots[s];
    const PreparedUnit& pu = units[unit];
    const planpb::Unit& u = *pu.unit;
    std::vector<const float*> inputs;
    inputs.reserve(u.inputs_size());
    for (const planpb::InputRequirement& req : u.inputs()) {
      // A unit may read no row of an input (a Pad slice in the padding, a
      // ConvTranspose slice its input rows do not reach): no buffer to point at.
      const bool none = req.row_begin() == req.row_end();
      inputs.push_back(none ? nullptr : slot.buffers[req.value()].row(req.row_begin()));
    }
    float* dst = slot.buffers[graph.nodes[u.node()].output].row(u.row_begin());
    const double start = now_us();
    try {
      pu.kernel->run(inputs, dst);
    } catch (const Error& e) {
      throw Error(e.code(), "rank " + std::to_string(plan.rank()) + ", unit '" + pu.name +
                                "': " + e.what());
    }
    const double spent_s = (now_us() - start) * 1e-6;
    stats.busy_s += spent_s;
    stats.node_busy_s[u.node()] += spent_s;
    trace(pu.name, "compute", slot.request, start, unit);
    if (transport) post_sends(s, u.forward());
    ++slot.units_done;
    for (int d : dependents[unit]) complete_input(slot, d);
  }

  // Runs what is ready in slot s; true if anything happened.
  bool advance(int s) {
    Slot& slot = slots[s];
    bool progressed = transport ? poll_transfers(slot) : false;
    while (!slot.ready.empty()) {
      run_unit(s, slot.pop_ready());
      progressed = true;
      if (transport) poll_transfers(slot);
    }
    return progressed;
  }

  bool finished(const Slot& slot) const {
    return slot.units_done == units.size() && slot.recvs.empty() && slot.sends.empty();
  }

  // Waits a moment when nothing moved; fails when nothing moved for too long.
  // A short wait (a halo about to arrive) spins, yielding the core: sleeping
  // even 30 us costs ~0.2 ms per exchange in timer slack and wake-up, 25% of
  // densenet121 at np=2. A long wait (slow links, no request) sleeps.
  template <typename Describe>
  void idle(bool progressed, const Describe& waiting_for) {
    if (progressed) {
      last_progress = Clock::now();
      return;
    }
    const double waited_s = std::chrono::duration<double>(Clock::now() - last_progress).count();
    if (waited_s < kSpinSeconds) {
      std::this_thread::yield();
      return;
    }
    if (waited_s > options.timeout_s) {
      const Wait w = waiting_for();
      throw StallError("rank " + std::to_string(plan.rank()) + ": no progress for " +
                           std::to_string(static_cast<int>(options.timeout_s)) +
                           " s while waiting for " + w.what,
                       w.rank);
    }
    std::this_thread::sleep_for(std::chrono::microseconds(30));
  }

  struct Wait {
    std::string what;
    int rank = -1;  // the rank awaited, if one is
  };

  Wait describe(const planpb::Transfer& t, int64_t request) const {
    return Wait{"rows [" + std::to_string(t.row_begin()) + ", " + std::to_string(t.row_end()) +
                    ") of '" + graph.values[t.value()].name + "' from rank " +
                    std::to_string(t.peer()) + " (request " + std::to_string(request) + ")",
                t.peer()};
  }

  // What a slot waits for: the first missing receive of its first waiting
  // unit, else any receive or send still open.
  Wait awaited(const Slot& slot) const {
    for (size_t u = 0; u < units.size(); ++u) {
      if (slot.missing[u] <= 0) continue;
      for (const planpb::InputRequirement& req : units[u].unit->inputs())
        for (int e : req.recv_edges())
          if (!slot.edge_done[e])
            for (const Pending& p : slot.recvs)
              if (p.transfer->edge() == e) return describe(*p.transfer, slot.request);
    }
    if (!slot.recvs.empty()) return describe(*slot.recvs.front().transfer, slot.request);
    if (!slot.sends.empty())
      return Wait{"sends to rank " + std::to_string(slot.sends.front().transfer->peer()) +
                      " to complete (request " + std::to_string(slot.request) + ")",
                  slot.sends.front().transfer->peer()};
    return Wait{"the rank's own units", -1};
  }

  // A worker's failure ends the job. A worker that gave up waiting may only
  // be waiting for rank 0, which waits for the rank that stopped: then the
  // stall is explained as if rank 0 had given up itself.
  template <typename Describe>
  void check_worker_errors(const Describe& waiting_for) {
    auto bytes = transport->try_recv_bytes(-1, kTagError, nullptr);
    if (!bytes) return;
    const StallError report = decode_failure(*bytes);
    if (report.awaited_rank < 0) throw report;
    const Wait own = waiting_for();
    explain_stall("rank 0: waiting for " + own.what, own.rank, report, {report});
  }

  // A rank stalled (rank 0 itself: `first` is its own error). Workers that
  // stalled too explain more (the chain of waits ends at the rank that
  // stopped, which never reports), so their reports are collected briefly;
  // the error names the first awaited rank that did not report, else it is
  // `first`. `own` and `own_awaited` are rank 0's wait.
  [[noreturn]] void explain_stall(const std::string& own, int own_awaited, const StallError& first,
                                  std::vector<StallError> reports) {
    const auto until = Clock::now() + std::chrono::duration<double>(
                                          std::min(2.0, options.timeout_s));
    while (Clock::now() < until) {
      if (auto bytes = transport->try_recv_bytes(-1, kTagError, nullptr))
        reports.push_back(decode_failure(*bytes));
      else
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    std::vector<int> reporters{0};
    for (const StallError& r : reports) reporters.push_back(r.reporter);
    auto reported = [&](int rank) {
      return std::find(reporters.begin(), reporters.end(), rank) != reporters.end();
    };
    for (const StallError& r : reports)
      if (r.awaited_rank >= 0 && !reported(r.awaited_rank))
        fail_runtime(std::string(r.what()) + "; rank " + std::to_string(r.awaited_rank) +
                     " is stalled or lost");
    if (own_awaited > 0 && !reported(own_awaited))
      fail_runtime(own + "; rank " + std::to_string(own_awaited) + " is stalled or lost");
    throw first;
  }

  void run_root(const Feed& next, const Done& done, const std::function<bool()>& should_stop) {
    bool feeding = true;
    int active = 0;
    for (;;) {
      bool progressed = false;
      for (int s = 0; s < static_cast<int>(slots.size()) && feeding; ++s) {
        if (slots[s].active) continue;
        if (should_stop && should_stop()) {
          feeding = false;
          break;
        }
        int64_t id = 0;
        Tensor input;
        if (!next(&id, &input)) {
          feeding = false;
          break;
        }
        feed(s, id, input);
        ++active;
        progressed = true;
      }
      if (!feeding && active == 0) break;
      for (int s = 0; s < static_cast<int>(slots.size()); ++s) {
        if (!slots[s].active) continue;
        progressed |= advance(s);
        if (finished(slots[s])) {
          done(collect(s));
          --active;
          progressed = true;
        }
      }
      const auto own_wait = [&] { return active ? awaited(first_active()) : Wait{"inputs", -1}; };
      if (transport) check_worker_errors(own_wait);
      try {
        idle(progressed, own_wait);
      } catch (const StallError& e) {
        if (!transport) throw;
        explain_stall(e.what(), e.awaited_rank, e, {});
      }
    }
    stop_workers();
  }

  const Slot& first_active() const {
    for (const Slot& s : slots)
      if (s.active) return s;
    return slots.front();
  }

  void feed(int s, int64_t id, const Tensor& input) {
    Slot& slot = slots[s];
    Tensor& buffer = slot.buffers[graph.input];
    if (input.shape() != buffer.shape() || input.is_slice())
      fail_input("input " + std::to_string(id) + ": shape " + input.shape().str() +
                 " does not match the model input " + buffer.shape().str());
    std::copy(input.values().begin(), input.values().end(), buffer.values().begin());
    if (transport) {
      const Control start{Control::kStart, s, id};
      for (int peer = 1; peer < plan.world_size(); ++peer)
        transport->send_bytes(encode_control(start), peer, kTagControl, options.timeout_s);
      start_slot(s, id);
      post_sends(s, plan.input_sends());
    } else {
      slot.active = true;
      slot.request = id;
      reset_units(slot);
    }
  }

  RequestResult collect(int s) {
    Slot& slot = slots[s];
    RequestResult r;
    r.request = slot.request;
    for (ValueId v : graph.outputs) r.outputs.push_back(slot.buffers[v]);
    r.latency_ms = std::chrono::duration<double, std::milli>(Clock::now() - slot.started).count();
    slot.active = false;
    ++stats.requests;
    return r;
  }

  void stop_workers() {
    if (!transport) return;
    const Control stop{Control::kStop, 0, 0};
    for (int peer = 1; peer < plan.world_size(); ++peer)
      transport->send_bytes(encode_control(stop), peer, kTagControl, options.timeout_s);
  }

  void run_worker() {
    std::deque<Control> pending;  // starts whose slot is still busy
    bool stopping = false;
    for (;;) {
      bool progressed = false;
      while (!stopping) {
        auto bytes = transport->try_recv_bytes(0, kTagControl, nullptr);
        if (!bytes) break;
        const Control c = decode_control(*bytes);
        if (c.kind == Control::kStop) stopping = true;
        else if (c.slot < 0 || c.slot >= static_cast<int>(slots.size()))
          fail_runtime("runtime: control message names slot " + std::to_string(c.slot));
        else pending.push_back(c);
        progressed = true;
      }
      while (!pending.empty() && !slots[pending.front().slot].active) {
        start_slot(pending.front().slot, pending.front().request);
        pending.pop_front();
        progressed = true;
      }
      bool any_active = false;
      for (int s = 0; s < static_cast<int>(slots.size()); ++s) {
        if (!slots[s].active) continue;
        progressed |= advance(s);
        if (finished(slots[s])) {
          slots[s].active = false;
          ++stats.requests;
        } else {
          any_active = true;
        }
      }
      if (stopping && !any_active && pending.empty()) return;
      idle(progressed, [&] {
        return any_active ? awaited(first_active()) : Wait{"a request from rank 0", 0};
      });
    }
  }
};

Executor::Executor(const planpb::RankPlan& plan, Graph graph, KernelFactory& kernels,
                   Transport* transport, RuntimeOptions options)
    : impl_(std::make_unique<Impl>(plan, std::move(graph), kernels, transport, options)) {}

Executor::~Executor() = default;

void Executor::run_root(const Feed& next, const Done& done,
                        const std::function<bool()>& should_stop) {
  impl_->run_root(next, done, should_stop);
}

void Executor::run_worker() { impl_->run_worker(); }

const RuntimeStats& Executor::stats() const { return impl_->stats; }

// A failure report: the reporting rank and the rank it waited for (int32
// each, -1 for none), then the message.
void report_failure_to_root(Transport& transport, const Error& error, double timeout_s) {
  int32_t head[2] = {transport.rank(), -1};
  if (const auto* stall = dynamic_cast<const StallError*>(&error)) head[1] = stall->awaited_rank;
  std::string bytes(reinterpret_cast<const char*>(head), sizeof head);
  bytes += error.what();
  try {
    transport.send_bytes(bytes, 0, kTagError, timeout_s);
  } catch (const Error&) {
    // Rank 0 takes nothing: the caller ends this rank by itself.
  }
}

std::string attributed_to_rank(int rank, const std::string& message) {
  return message.rfind("rank ", 0) == 0 ? message : "rank " + std::to_string(rank) + ": " + message;
}

StallError decode_failure(const std::string& bytes) {
  int32_t head[2] = {-1, -1};
  if (bytes.size() < sizeof head) return StallError("a rank failed (malformed report)", -1);
  std::memcpy(head, bytes.data(), sizeof head);
  StallError e(attributed_to_rank(head[0], bytes.substr(sizeof head)), head[1]);
  e.reporter = head[0];
  return e;
}

std::vector<Tensor> run_single(const Graph& graph, KernelFactory& kernels, const Tensor& input) {
  Partition p;
  p.world_size = 1;
  for (const Node& n : graph.nodes)
    p.cuts.push_back({0, graph.shape_of(n.output).height()});
  const std::vector<planpb::RankPlan> plans = build_plans(graph, p);
  Executor executor(plans[0], graph, kernels, nullptr, RuntimeOptions{});
  std::vector<Tensor> outputs;
  bool fed = false;
  executor.run_root(
      [&](int64_t* id, Tensor* in) {
        if (fed) return false;
        *id = 0;
        *in = input;
        fed = true;
        return true;
      },
      [&](RequestResult&& r) { outputs = std::move(r.outputs); }, nullptr);
  return outputs;
}

}  // namespace edgeflow
