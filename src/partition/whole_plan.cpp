// The default policy, edgeflow: whole-plan optimisation (docs/partition.md,
// "The whole-plan search"). The registry's seeding policies (the baselines
// single, equal, proportional, layerwise and the progressive plans lp, exact)
// are scored end to end with the plan simulator, with proportional splits over
// the 2, 3, ... fastest ranks; the best is refined by coordinate descent over
// layers: each layer tries the other plans' cuts, cuts aligned with its
// producers and consumers, its exact per-layer optimum in the plan's own
// simulated timeline, and one-row shifts, and keeps a change that
// lowers the simulated latency, or keeps it and moves fewer bytes (aligned
// cuts where they cost nothing); where --plan-kinds allows it, each layer
// also tries computing and sending first the rows other ranks read
// (halo-first, edgeflow/schedule.h) and being fused into its readers (a
// fused stack, Partition::fused), and each branch of a fork/join block
// tries running whole on one rank or split over a window of ranks (branch
// placement, partition/branches.h). It starts from the best baseline and only
// accepts improvements, so its prediction is never above any baseline's.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <set>

#include "edgeflow/plan_simulator.h"
#include "edgeflow/error.h"
#include "partition/branches.h"
#include "partition/layer_problem.h"
#include "partition/policy_helpers.h"
#include "edgeflow/policy_registry.h"

namespace edgeflow {
namespace {

using Clock = std::chrono::steady_clock;

// A baseline plan: a starting point, a source of per-layer candidates, and
// what the report compares against.
struct Seed {
  const PolicyInfo* policy = nullptr;
  Partition partition;
  double latency_s = 0.0;
};

double seconds_since(Clock::time_point t0) {
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

// Cuts of `from` (rows of height `from_h`) scaled to height `to_h`.
std::vector<int64_t> scaled_cuts(const std::vector<int64_t>& from, int64_t from_h, int64_t to_h) {
  std::vector<int64_t> out(from.size());
  for (size_t k = 0; k < from.size(); ++k)
    out[k] = from_h > 0 ? static_cast<int64_t>(std::llround(static_cast<double>(from[k]) * to_h /
                                                            static_cast<double>(from_h)))
                        : 0;
  out.front() = 0;
  out.back() = to_h;
  for (size_t k = 1; k < out.size(); ++k) out[k] = std::max(out[k], out[k - 1]);
  return out;
}

// Coordinate descent over layers on the simulated end-to-end latency.
class Refiner {
 public:
  Refiner(const Graph& graph, const ClusterProfile& profile, const std::vector<Seed>& seeds,
          const Partition& start, const PlanKinds& kinds, double deadline_s,
          Clock::time_point t0)
      : graph_(graph),
        profile_(profile),
        seeds_(seeds),
        kinds_(kinds),
        sim_(graph, profile, start),
        deadline_s_(deadline_s),
        t0_(t0) {
    latency_ = sim_.latency();
    bytes_ = sim_.total_bytes();
    busy_ = sim_.busy_s();
    consumers_.resize(graph.nodes.size());
    for (size_t c = 0; c < graph.nodes.size(); ++c)
      for (ValueId v : graph.nodes[c].inputs)
        if (const int p = graph.values[v].producer; p >= 0) consumers_[p].push_back(int(c));
    if (kinds.branches) {
      branches_ = find_branches(graph);
      siblings_ = sibling_branches(graph, branches_);
      windows_ = rank_windows();
    }
  }

  // Passes over the layers while a pass makes the plan faster (a pass that
  // only saves bytes ends the search).
  // After the first pass, a layer is tried again only when it or a layer
  // next to it (a producer or a consumer) changed since it was last tried:
  // elsewhere, its candidates were tried on nearly the same timeline.
  void run() {
    const int layers = static_cast<int>(graph_.nodes.size());
    stale_.assign(layers, 1);
    for (int pass = 0; pass < kMaxPasses; ++pass) {
      const double before = latency_;
      for (int l = 0; l < layers; ++l) {
        if (seconds_since(t0_) > deadline_s_) return;
        if (!stale_[l]) continue;
        stale_[l] = 0;
        if (improve_layer(l)) touch(l);
      }
      for (const std::vector<int>& group : siblings_) {
        if (seconds_since(t0_) > deadline_s_) return;
        for (const auto& windows : windows_) try_block(group, windows);
      }
      const std::vector<const Window*> windows = windows_for_one_branch();
      for (const std::vector<int>& branch : branches_) {
        if (seconds_since(t0_) > deadline_s_) return;
        for (const Window* w : windows) try_placement({branch}, {w});
      }
      if (!(latency_ < before * (1 - 1e-9))) return;
    }
  }

  const Partition& partition() const { return sim_.partition(); }
  double latency() const { return latency_; }
  int64_t evaluations() const { return evaluations_; }

 private:
  static constexpr int kMaxPasses = 3;

  // Layer l changed: it and its neighbours are worth trying again.
  void touch(int l) {
    stale_[l] = 1;
    for (ValueId v : graph_.nodes[l].inputs)
      if (const int p = graph_.values[v].producer; p >= 0) stale_[p] = 1;
    for (int c : consumers_[l]) stale_[c] = 1;
  }
  static constexpr int kAllShiftsUpTo = 8;  // more ranks: shift around the slowest one only

  // Tries `cuts` for layer l; keeps them if the plan gets faster, or moves
  // fewer bytes at the same latency.
  bool try_cuts(int l, const std::vector<int64_t>& cuts) {
    const std::vector<int64_t> old = sim_.partition().cuts[l];
    if (cuts == old) return false;
    sim_.set_cuts(l, cuts);
    ++evaluations_;
    const double lat = sim_.latency();
    const int64_t bytes = sim_.total_bytes();
    if (lat < latency_ * (1 - 1e-9) || (lat <= latency_ * (1 + 1e-12) && bytes < bytes_)) {
      latency_ = std::min(lat, latency_);
      bytes_ = bytes;
      busy_ = sim_.busy_s();
      return true;
    }
    sim_.set_cuts(l, old);
    return false;
  }

  // Layer l's cuts with cut k moved by d rows (neighbours pushed to stay monotone).
  std::vector<int64_t> shifted(int l, int k, int64_t d) const {
    const int n = profile_.world_size;
    std::vector<int64_t> c = sim_.partition().cuts[l];
    c[k] = std::clamp<int64_t>(c[k] + d, 0, c[n]);
    for (int j = k + 1; j < n; ++j) c[j] = std::max(c[j], c[k]);
    for (int j = k - 1; j >= 1; --j) c[j] = std::min(c[j], c[k]);
    return empty_unusable_ranks(c, profile_);
  }

  // Simulates the plan as it stands; true, and it becomes the best so far, if
  // it is faster than that.
  bool keep_if_faster() {
    ++evaluations_;
    const double lat = sim_.latency();
    if (!(lat < latency_ * (1 - 1e-9))) return false;
    latency_ = lat;
    bytes_ = sim_.total_bytes();
    busy_ = sim_.busy_s();
    return true;
  }

  // Turns layer l's halo-first split on or off; keeps it if the plan gets faster.
  bool try_halo_first(int l) {
    const bool old = sim_.partition().is_halo_first(l);
    sim_.set_halo_first(l, !old);
    if (keep_if_faster()) return true;
    sim_.set_halo_first(l, old);
    return false;
  }

  // Fuses layer l into its readers, or unfuses it; keeps it if the plan
  // gets faster. Fusing also tries the layer's cuts aligned with its first
  // row-split reader, so that its own rows lie inside the tile it computes.
  bool try_fused(int l) {
    const bool old = sim_.partition().is_fused(l);
    const std::vector<int64_t> old_cuts = sim_.partition().cuts[l];
    std::vector<std::vector<int64_t>> cuts{old_cuts};
    if (!old)
      for (int c : consumers_[l])
        if (!needs_whole_input(graph_.nodes[c])) {
          const int64_t H = graph_.shape_of(graph_.nodes[l].output).height();
          cuts.push_back(empty_unusable_ranks(
              scaled_cuts(sim_.partition().cuts[c],
                          graph_.shape_of(graph_.nodes[c].output).height(), H),
              profile_));
          break;
        }
    sim_.set_fused(l, !old);
    for (const std::vector<int64_t>& c : cuts) {
      if (c != sim_.partition().cuts[l]) sim_.set_cuts(l, c);
      if (keep_if_faster()) return true;
    }
    sim_.set_fused(l, old);
    if (old_cuts != sim_.partition().cuts[l]) sim_.set_cuts(l, old_cuts);
    return false;
  }

  // Where a branch may go: a window of consecutive usable ranks, its rows
  // split in proportion to their speed (weights), its capacity their
  // summed speed (1 / whole-graph compute seconds).
  struct Window {
    std::vector<double> weights;  // [rank]
    double speed = 0.0;
  };

  // The windows of 1, 2, 4, ... usable ranks (fewer than all of them: that
  // is what the layer moves refine), by width.
  std::vector<std::vector<Window>> rank_windows() const {
    const int n = profile_.world_size;
    std::vector<int> ranks;
    std::vector<double> speed(n, 0.0);
    for (int r = 0; r < n; ++r)
      if (profile_.is_usable(r)) {
        ranks.push_back(r);
        speed[r] = 1.0 / std::max(whole_graph_compute_s(graph_, profile_, r), 1e-12);
      }
    const int usable = static_cast<int>(ranks.size());
    std::vector<std::vector<Window>> out;
    for (int width = 1; width < usable; width *= 2) {
      out.emplace_back();
      for (int first = 0; first + width <= usable; first += width) {
        Window w;
        w.weights.assign(n, 0.0);
        for (int i = first; i < first + width; ++i) {
          w.weights[ranks[i]] = speed[ranks[i]];
          w.speed += speed[ranks[i]];
        }
        out.back().push_back(std::move(w));
      }
    }
    return out;
  }

  // The windows a single branch tries: all of them on up to kAllShiftsUpTo
  // ranks; beyond, per width the one holding the rank that computes least
  // in the current plan.
  std::vector<const Window*> windows_for_one_branch() {
    std::vector<const Window*> out;
    const int n = profile_.world_size;
    int idlest = -1;
    if (n > kAllShiftsUpTo) {
      sim_.latency();
      const std::vector<double>& busy = sim_.rank_busy_s();
      for (int r = 0; r < n; ++r)
        if (profile_.is_usable(r) && (idlest < 0 || busy[r] < busy[idlest])) idlest = r;
    }
    for (const auto& windows : windows_)
      for (const Window& w : windows)
        if (idlest < 0 || w.weights[idlest] > 0) out.push_back(&w);
    return out;
  }

  // A branch's compute, whole on rank 0's profile (a relative size).
  double branch_work(const std::vector<int>& branch) const {
    double s = 0.0;
    for (int l : branch) {
      const int64_t rows = graph_.shape_of(graph_.nodes[l].output).height();
      s += profile_.compute[l][0].seconds(RowRange{0, rows});
    }
    return s;
  }

  // The sibling branches of one fork spread over `windows` as one move:
  // largest first, each to the window where it would finish its share first.
  bool try_block(const std::vector<int>& group, const std::vector<Window>& windows) {
    std::vector<std::pair<double, int>> work;
    for (int b : group) work.emplace_back(branch_work(branches_[b]), b);
    std::sort(work.rbegin(), work.rend());
    std::vector<double> load(windows.size(), 0.0);
    std::vector<std::vector<int>> branches;
    std::vector<const Window*> where;
    for (const auto& [w, b] : work) {
      size_t best = 0;
      for (size_t k = 1; k < windows.size(); ++k)
        if ((load[k] + w) / windows[k].speed < (load[best] + w) / windows[best].speed) best = k;
      load[best] += w;
      branches.push_back(branches_[b]);
      where.push_back(&windows[best]);
    }
    return try_placement(branches, where);
  }

  // Places every layer of branches[i] on where[i] (placed_cuts), all at
  // once; keeps it if the plan gets faster, or computes less at the same
  // latency.
  bool try_placement(const std::vector<std::vector<int>>& branches,
                     const std::vector<const Window*>& where) {
    std::vector<int> layers;
    std::vector<std::vector<int64_t>> old, next;
    for (size_t i = 0; i < branches.size(); ++i)
      for (int l : branches[i]) {
        layers.push_back(l);
        old.push_back(sim_.partition().cuts[l]);
        next.push_back(placed_cuts(graph_, profile_, l, where[i]->weights));
      }
    if (next == old) return false;
    for (size_t i = 0; i < layers.size(); ++i) sim_.set_cuts(layers[i], next[i]);
    ++evaluations_;
    const double lat = sim_.latency();
    const double busy = sim_.busy_s();
    if (lat < latency_ * (1 - 1e-9) ||
        (lat <= latency_ * (1 + 1e-12) && busy < busy_ * (1 - 1e-9))) {
      latency_ = std::min(lat, latency_);
      bytes_ = sim_.total_bytes();
      busy_ = busy;
      for (int l : layers) touch(l);
      return true;
    }
    for (size_t i = 0; i < layers.size(); ++i) sim_.set_cuts(layers[i], old[i]);
    return false;
  }

  bool improve_layer(int l) {
    const Node& node = graph_.nodes[l];
    bool improved = kinds_.halo_first && can_be_halo_first(node) && try_halo_first(l);
    improved |= kinds_.fused && can_be_fused(node) && try_fused(l);
    const int n = profile_.world_size;
    const int64_t H = graph_.shape_of(node.output).height();
    const Partition& cur = sim_.partition();
    std::vector<std::vector<int64_t>> cands;
    for (const Seed& s : seeds_)
      if (s.policy->layer_cuts_are_candidates) cands.push_back(s.partition.cuts[l]);
    if (needs_whole_input(node)) {
      for (int r = 0; r < n; ++r)
        if (profile_.is_usable(r)) cands.push_back(single_rank_cuts(H, n, r));
    } else {
      // Aligned with the producers of its inputs and with its consumers.
      for (ValueId v : node.inputs) {
        const int producer = graph_.values[v].producer;
        if (producer >= 0 && !needs_whole_input(graph_.nodes[producer]))
          cands.push_back(empty_unusable_ranks(
              scaled_cuts(cur.cuts[producer], graph_.shape_of(v).height(), H), profile_));
      }
      for (int c : graph_.consumers(node.output))
        if (!needs_whole_input(graph_.nodes[c]))
          cands.push_back(empty_unusable_ranks(
              scaled_cuts(cur.cuts[c], graph_.shape_of(graph_.nodes[c].output).height(), H),
              profile_));
    }
    std::set<std::vector<int64_t>> tried{cur.cuts[l]};
    for (const auto& c : cands)
      if (tried.insert(c).second) improved |= try_cuts(l, c);
    if (needs_whole_input(node)) return improved;
    // The layer's exact optimum in the plan's own simulated timeline.
    const PlanPrediction p = sim_.predict();
    ++evaluations_;
    ProgressiveState state;
    state.partition = sim_.partition();
    state.finish = p.finish_s;
    state.free_s.assign(n, 0.0);
    for (int m = 0; m < l; ++m)
      for (int r = 0; r < n; ++r)
        if (!state.partition.rows(m, r).empty()) state.free_s[r] = p.finish_s[m][r];
    const std::vector<int64_t> best =
        solve_layer_exact(make_layer_problem(graph_, profile_, l, state));
    if (tried.insert(best).second) improved |= try_cuts(l, best);
    // One-row shifts: of every cut, or (many ranks) of the cuts around the
    // rank that finished the layer last.
    std::vector<int> ks;
    if (n <= kAllShiftsUpTo) {
      for (int k = 1; k < n; ++k) ks.push_back(k);
    } else {
      int slowest = 0;
      for (int r = 1; r < n; ++r)
        if (p.finish_s[l][r] > p.finish_s[l][slowest]) slowest = r;
      for (int k : {slowest, slowest + 1})
        if (k >= 1 && k < n) ks.push_back(k);
    }
    for (int k : ks)
      for (int64_t d : {-1, 1}) {
        std::vector<int64_t> c = shifted(l, k, d);
        if (tried.insert(c).second) improved |= try_cuts(l, c);
      }
    return improved;
  }

  const Graph& graph_;
  const ClusterProfile& profile_;
  const std::vector<Seed>& seeds_;
  const PlanKinds kinds_;
  PlanSimulator sim_;
  std::vector<std::vector<int>> consumers_;  // [layer]: the layers reading its output
  std::vector<char> stale_;                  // [layer]: to be tried (again) by run()
  std::vector<std::vector<int>> branches_;  // find_branches, when allowed
  std::vector<std::vector<int>> siblings_;  // sibling_branches
  std::vector<std::vector<Window>> windows_;  // rank_windows
  double deadline_s_;
  Clock::time_point t0_;
  double latency_ = 0.0;
  int64_t bytes_ = 0;
  double busy_ = 0.0;  // compute summed over the ranks
  int64_t evaluations_ = 0;
};

// The proportional policy over the `m` fastest usable ranks only: on slow
// links fewer ranks can be faster.
Partition proportional_subset(const PolicyContext& ctx, int m) {
  const ClusterProfile& profile = ctx.profile;
  std::vector<std::pair<double, int>> speed;  // total compute time, rank
  for (int r = 0; r < profile.world_size; ++r)
    if (profile.is_usable(r)) speed.emplace_back(whole_graph_compute_s(ctx.graph, profile, r), r);
  std::sort(speed.begin(), speed.end());
  ClusterProfile subset = profile;
  subset.usable.assign(profile.world_size, false);
  for (int i = 0; i < m && i < static_cast<int>(speed.size()); ++i)
    subset.usable[speed[i].second] = true;
  return policy_named("proportional")
      .make(PolicyContext{ctx.graph, subset, ctx.options, ctx.report});
}

// The registry's seeding policies, in their seed order.
std::vector<const PolicyInfo*> seed_policies() {
  std::vector<const PolicyInfo*> seeds;
  for (const PolicyInfo& policy : policies())
    if (policy.seeds_search()) seeds.push_back(&policy);
  std::stable_sort(seeds.begin(), seeds.end(), [](const PolicyInfo* a, const PolicyInfo* b) {
    return a->seed_order < b->seed_order;
  });
  return seeds;
}

Partition partition_edgeflow(const PolicyContext& ctx) {
  const Graph& graph = ctx.graph;
  const ClusterProfile& profile = ctx.profile;
  PartitionReport& report = ctx.report;
  const auto t0 = Clock::now();
  std::vector<Seed> seeds;
  for (const PolicyInfo* policy : seed_policies()) {
    Partition p = policy->make(ctx);
    const double latency_s = PlanSimulator(graph, profile, p).latency();
    seeds.push_back(Seed{policy, std::move(p), latency_s});
  }
  // The start: the best of the baselines and of proportional splits over
  // fewer ranks.
  Partition start;
  double start_s = kInfeasible;
  for (const Seed& s : seeds)
    if (s.latency_s < start_s) start = s.partition, start_s = s.latency_s;
  const int usable = usable_rank_count(profile);
  for (int m = 2; m < usable; m = m < 8 ? m + 1 : 2 * m) {
    Partition p = proportional_subset(ctx, m);
    const double lat = PlanSimulator(graph, profile, p).latency();
    if (lat < start_s) start = std::move(p), start_s = lat;
  }
  // The same with every layer halo-first, where that is allowed and faster.
  if (ctx.options.kinds.halo_first) {
    Partition halo = start;
    halo.halo_first.assign(graph.nodes.size(), 1);
    for (size_t n = 0; n < graph.nodes.size(); ++n)
      if (!can_be_halo_first(graph.nodes[n])) halo.halo_first[n] = 0;
    const double lat = PlanSimulator(graph, profile, halo).latency();
    if (lat < start_s) start = std::move(halo), start_s = lat;
  }
  Refiner refiner(graph, profile, seeds, start, ctx.options.kinds, ctx.options.refine_budget_s,
                  t0);
  refiner.run();

  report.baselines.clear();
  report.best_baseline.clear();
  for (const Seed& s : seeds) {
    report.baselines.emplace_back(s.policy->name, s.latency_s);
    if (report.best_baseline.empty() || s.latency_s < report.best_baseline_s)
      report.best_baseline = s.policy->name, report.best_baseline_s = s.latency_s;
  }
  const double lat = refiner.latency();
  char line[256];
  std::snprintf(line, sizeof line,
                "edgeflow: predicted %.3f ms, %.1f%% below the best baseline (%s, %.3f ms); "
                "%lld plans simulated in %.2f s",
                1e3 * lat, 100.0 * (1.0 - lat / report.best_baseline_s),
                report.best_baseline.c_str(), 1e3 * report.best_baseline_s,
                static_cast<long long>(refiner.evaluations()), seconds_since(t0));
  report.summary = line;
  return refiner.partition();
}

}  // namespace

PolicyInfo edgeflow_policy() {
  PolicyInfo policy;
  policy.name = "edgeflow";
  policy.help = "per-layer LP, then the whole plan checked vs baselines";
  policy.make = partition_edgeflow;
  return policy;
}

}  // namespace edgeflow
