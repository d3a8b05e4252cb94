// The per-layer LP of docs/partition.md, solved with lp_solve
// (partition/lp_model.h).
//
// The ranks that get rows ("active") and real cut points z between them:
//
//   active   a_0        a_1            a_2 ...
//   rows   [z_0=0, z_1) [z_1, z_2)    [z_2, z_3) ...        z_k = H
//
// Under a fixed dependency pattern (for each active rank and input: which
// piece of the clamped row map its need edges are on, and the run of source
// ranks first..last it reads) every overlap is linear in z:
//
//   input rows   y_first     y_first+1   ...   y_last      y_last+1
//                   |   [lo ....|.............|..... hi)      |
//                        first: y_first+1 - lo   last: hi - y_last
//
// and the LP is: min T s.t. S_t >= R_t, S_t >= T_{m,j} + L_{j,t} + w * o_{m,j}(z),
// T >= S_t + alpha_t (z_{t+1} - z_t) + beta_t, z monotone, the pattern kept
// (plus a small weight on every rank's finish time to break ties).
// Patterns are improved by local moves (cuts just past their next
// breakpoints, drop a rank, add a rank), first improvement, from the two
// best of four starting points (aligned with the input, speed-proportional,
// availability-aware, equal), within a budget of LPs per layer. Every LP
// answer is rounded by an exact windowed search and judged by the exact
// integer cost (then by the LP's value, then by the sum of finish times).
#include <algorithm>
#include <cmath>
#include <map>
#include <memory>
#include <numeric>

#include "edgeflow/error.h"
#include "partition/layer_problem.h"
#include "partition/lp_model.h"

namespace edgeflow {
namespace {

constexpr double kMs = 1e3;         // the LP works in milliseconds
constexpr int64_t kWindow = 3;      // rounding window: +-3 rows around each cut
constexpr double kNudge = 1e-4;     // "just past" a breakpoint, in rows
constexpr int kMaxRounds = 40;      // local-search rounds from one start
constexpr double kTieBreak = 1e-4;  // weight of the ranks' finish times in the LP objective
constexpr int kSearchedStarts = 2;  // local search from the two best starting points
constexpr int kAllMovesUpTo = 8;    // more active ranks: only the promising moves
// LPs per layer: generous for a few ranks, fewer (and larger) for many.
int solve_budget(int ranks) { return ranks <= 8 ? 300 : std::clamp(1200 / ranks, 24, 300); }

// Active ranks and the real cut points between them.
struct Config {
  std::vector<int> active;  // ascending
  std::vector<double> z;    // active.size() + 1 points, z[0] = 0, z.back() = H
};

enum Piece : int8_t { kLow = 0, kLinear = 1, kHigh = 2 };

// Where one active rank's need of one input lies.
struct NeedPattern {
  int8_t lo_piece = kLinear, hi_piece = kLinear;
  bool empty = true;
  int first = 0, last = -1;
  bool operator==(const NeedPattern& o) const {
    return lo_piece == o.lo_piece && hi_piece == o.hi_piece && empty == o.empty &&
           first == o.first && last == o.last;
  }
};

struct Outcome {
  std::vector<int64_t> cuts;  // full, integer
  double worst = kInfeasible, sum = kInfeasible;
  Config lp_point;  // the LP's real answer (the config moves start from)
  Config start;     // the config whose pattern the LP kept
  std::vector<NeedPattern> pattern;
  double lp_value = kInfeasible;  // the LP's makespan T (ms); kInfeasible without an LP
  // By the exact cost of the rounded answer; on a tie by the LP's value (a
  // plateau of rounded answers can hide a better pattern one move away),
  // then by the sum of the ranks' objectives.
  bool better_than(const Outcome& o) const {
    if (worst < o.worst * (1 - 1e-12)) return true;
    if (worst > o.worst * (1 + 1e-12)) return false;
    if (lp_value < o.lp_value * (1 - 1e-9)) return true;
    if (lp_value > o.lp_value * (1 + 1e-9)) return false;
    return sum < o.sum * (1 - 1e-12);
  }
};

class LpSearch {
 public:
  LpSearch(const LayerProblem& p, LpStats* stats) : p_(p), stats_(stats) {
    n_ = p.world();
    H_ = p.rows();
    M_ = static_cast<int>(p.inputs().size());
    breakpoints_ = breakpoints();
  }

  std::vector<int64_t> run() {
    std::vector<int> usable;
    for (int i = 0; i < n_; ++i)
      if (p_.usable(i)) usable.push_back(i);
    EF_ASSERT(!usable.empty());
    Outcome best;
    {  // The best single rank is always a candidate (and the answer for one row).
      best.cuts = single_rank_cuts(H_, n_, best_single_rank(p_));
      p_.cost(best.cuts, &best.worst, &best.sum);
    }
    if (usable.size() == 1 || H_ <= 1) return best.cuts;
    // Local search from each start, the most promising first, while the
    // budget lasts.
    std::vector<Outcome> first;
    for (const Config& start : starts(usable)) first.push_back(solve(start));
    std::stable_sort(first.begin(), first.end(),
                     [](const Outcome& a, const Outcome& b) { return a.better_than(b); });
    const int budget = solve_budget(static_cast<int>(usable.size()));
    int searched = 0;
    for (Outcome& cur : first) {
      if (searched++ >= kSearchedStarts) break;
      for (int round = 0; round < kMaxRounds && solves_ < budget; ++round) {
        bool moved = false;
        for (const Config& m : moves(cur)) {
          if (solves_ >= budget) break;
          Outcome o = solve(m);
          if (o.better_than(cur)) {
            cur = std::move(o);
            moved = true;
            break;
          }
        }
        if (!moved) break;
      }
      if (cur.better_than(best)) best = cur;
    }
    return best.cuts;
  }

 private:
  // Starting points over the usable ranks (duplicates removed): aligned with
  // the largest input, speed-proportional, availability-aware, equal.
  std::vector<Config> starts(const std::vector<int>& usable) const {
    std::vector<Config> out;
    const int k = static_cast<int>(usable.size());
    // Rows rounded to whole rows; ranks left without any are not active.
    auto from_rows = [&](const std::vector<double>& rows) {
      const std::vector<int64_t> cuts = proportional_cuts(H_, rows);
      Config c;
      c.z.push_back(0.0);
      for (int t = 0; t < k; ++t)
        if (cuts[t + 1] > cuts[t]) {
          c.active.push_back(usable[t]);
          c.z.push_back(static_cast<double>(cuts[t + 1]));
        }
      return c;
    };
    // Aligned with the largest input: each rank takes the output rows whose
    // windows centre on the input rows it has (in a progressive plan the
    // input was cut for the same ranks, so this is often near the optimum).
    const LayerInput* biggest = nullptr;
    for (const LayerInput& in : p_.inputs())
      if (in.map.scale > 0 && (!biggest || in.row_bytes * in.map.in_height >
                                               biggest->row_bytes * biggest->map.in_height))
        biggest = &in;
    if (biggest) {
      const AffineRowMap& m = biggest->map;
      std::vector<double> rows(k);
      double prev = 0.0;
      for (int t = 0; t < k; ++t) {
        const int rank = usable[t];
        // The last usable rank takes what is left; unusable ranks' rows go to the next usable one.
        const double end = t + 1 == k ? static_cast<double>(H_)
                                      : std::clamp((static_cast<double>(biggest->cuts[rank + 1]) -
                                                    0.5 * (m.lo_offset + m.hi_offset)) /
                                                       m.scale,
                                                   prev, static_cast<double>(H_));
        rows[t] = end - prev;
        prev = end;
      }
      if (prev > 0) out.push_back(from_rows(rows));
    }
    std::vector<double> speed(k);
    for (int t = 0; t < k; ++t) speed[t] = 1.0 / std::max(p_.compute(usable[t]).alpha_s, 1e-15);
    out.push_back(from_rows(speed));
    // Water-filling: rank t has rows (T - R_t) / alpha_t for the T that uses all rows.
    double lo = 0.0, hi = 1.0;
    auto rows_at = [&](double T, std::vector<double>* rows) {
      double sum = 0.0;
      for (int t = 0; t < k; ++t) {
        const double r = std::max(0.0, (T - p_.free_s(usable[t])) * speed[t]);
        if (rows) (*rows)[t] = r;
        sum += r;
      }
      return sum;
    };
    for (int t = 0; t < k; ++t) hi = std::max(hi, p_.free_s(usable[t]) + H_ / speed[t]);
    for (int iter = 0; iter < 60; ++iter) {
      const double mid = 0.5 * (lo + hi);
      (rows_at(mid, nullptr) >= H_ ? hi : lo) = mid;
    }
    std::vector<double> fill(k);
    if (rows_at(hi, &fill) > 0) out.push_back(from_rows(fill));
    out.push_back(from_rows(std::vector<double>(k, 1.0)));
    std::vector<Config> unique;
    for (Config& c : out)
      if (std::none_of(unique.begin(), unique.end(),
                       [&](const Config& u) { return u.active == c.active && u.z == c.z; }))
        unique.push_back(std::move(c));
    return unique;
  }

  // Source rank owning real row position `lo` (first) / ending at `hi` (last).
  static int owner_from(const std::vector<int64_t>& y, double lo) {
    return static_cast<int>(std::upper_bound(y.begin(), y.end(), lo) - y.begin()) - 1;
  }
  static int owner_to(const std::vector<int64_t>& y, double hi) {
    return static_cast<int>(std::lower_bound(y.begin(), y.end(), hi) - y.begin()) - 1;
  }

  static int8_t piece_of(double v, int64_t in_height) {
    if (v <= 0.0) return kLow;
    if (v >= static_cast<double>(in_height)) return kHigh;
    return kLinear;
  }

  static double piece_value(int8_t piece, double v, int64_t in_height) {
    return piece == kLow ? 0.0 : piece == kHigh ? static_cast<double>(in_height) : v;
  }

  std::vector<NeedPattern> pattern_of(const Config& c) const {
    const int k = static_cast<int>(c.active.size());
    std::vector<NeedPattern> pat(static_cast<size_t>(k) * M_);
    for (int t = 0; t < k; ++t)
      for (int m = 0; m < M_; ++m) {
        const LayerInput& in = p_.inputs()[m];
        const AffineRowMap& map = in.map;
        NeedPattern& np = pat[static_cast<size_t>(t) * M_ + m];
        const double lo_v = map.scale * c.z[t] + map.lo_offset;
        const double hi_v = map.scale * c.z[t + 1] + map.hi_offset;
        np.lo_piece = piece_of(lo_v, map.in_height);
        np.hi_piece = piece_of(hi_v, map.in_height);
        const double lo = piece_value(np.lo_piece, lo_v, map.in_height);
        const double hi = piece_value(np.hi_piece, hi_v, map.in_height);
        np.empty = !(hi > lo + 1e-9);
        if (np.empty) continue;
        np.first = std::clamp(owner_from(in.cuts, lo), 0, n_ - 1);
        np.last = std::clamp(owner_to(in.cuts, hi), np.first, n_ - 1);
      }
    return pat;
  }

  // Column numbers (1-based): z_1..z_{k-1}, S_0..S_{k-1}, T.
  struct Columns {
    int k;
    int z(int t) const { return (t <= 0 || t >= k) ? 0 : t; }  // 0: a constant
    int s(int t) const { return k - 1 + t + 1; }
    int T() const { return 2 * k; }
  };

  Lin cut_expr(const Columns& col, int t) const {
    Lin e;
    if (col.z(t) == 0)
      e.c = t <= 0 ? 0.0 : static_cast<double>(H_);
    else
      e.col[0] = col.z(t), e.a[0] = 1.0;
    return e;
  }

  // lo / hi of rank t's need of input m as a linear expression.
  Lin bound_expr(const Columns& col, int t, int m, bool upper, const NeedPattern& np) const {
    const AffineRowMap& map = p_.inputs()[m].map;
    const int8_t piece = upper ? np.hi_piece : np.lo_piece;
    Lin e;
    if (piece == kLow) return e;
    if (piece == kHigh) {
      e.c = static_cast<double>(map.in_height);
      return e;
    }
    e = cut_expr(col, upper ? t + 1 : t).scaled(map.scale);
    e.c += upper ? map.hi_offset : map.lo_offset;
    return e;
  }

  // Solves the LP of config c's pattern; returns the LP's real cut points
  // and its makespan (ms) in *makespan.
  Config solve_lp(const Config& c, const std::vector<NeedPattern>& pat, double* makespan) {
    const int k = static_cast<int>(c.active.size());
    const Columns col{k};
    LpModel model(col.T());
    model.cost[col.T()] = 1.0;
    for (int t = 1; t < k; ++t) model.upper[col.z(t)] = static_cast<double>(H_);
    // Monotone cuts.
    for (int t = 1; t + 1 < k; ++t) {
      Lin d = cut_expr(col, t + 1).plus(cut_expr(col, t).scaled(-1.0));
      model.add(d, 0, 0, Sense::kAtLeast, 0.0);
    }
    const int64_t delivery = p_.delivery_row_bytes();
    for (int t = 0; t < k; ++t) {
      const int rank = c.active[t];
      model.lower[col.s(t)] = kMs * p_.free_s(rank);
      for (int m = 0; m < M_; ++m) {
        const NeedPattern& np = pat[static_cast<size_t>(t) * M_ + m];
        if (np.empty) continue;
        const LayerInput& in = p_.inputs()[m];
        const std::vector<int64_t>& y = in.cuts;
        const Lin lo = bound_expr(col, t, m, false, np);
        const Lin hi = bound_expr(col, t, m, true, np);
        const double hin = static_cast<double>(in.map.in_height);
        // Keep the pattern: the pieces, and lo / hi inside their sources.
        if (np.lo_piece == kLinear) {
          model.add(lo, 0, 0, Sense::kAtLeast, static_cast<double>(y[np.first]));
          model.add(lo, 0, 0, Sense::kAtMost, static_cast<double>(y[np.first + 1]));
        } else {
          Lin raw = cut_expr(col, t).scaled(in.map.scale);
          raw.c += in.map.lo_offset;
          model.add(raw, 0, 0, np.lo_piece == kLow ? Sense::kAtMost : Sense::kAtLeast, np.lo_piece == kLow ? 0.0 : hin);
        }
        if (np.hi_piece == kLinear) {
          model.add(hi, 0, 0, Sense::kAtLeast, static_cast<double>(y[np.last]));
          model.add(hi, 0, 0, Sense::kAtMost, static_cast<double>(y[np.last + 1]));
        } else {
          Lin raw = cut_expr(col, t + 1).scaled(in.map.scale);
          raw.c += in.map.hi_offset;
          model.add(raw, 0, 0, np.hi_piece == kLow ? Sense::kAtMost : Sense::kAtLeast, np.hi_piece == kLow ? 0.0 : hin);
        }
        // Arrivals: S_t - w * o_j >= T_{m,j} + L_{j,t}.
        for (int j = np.first; j <= np.last; ++j) {
          if (j == rank || y[j + 1] <= y[j]) continue;
          Lin o;
          if (np.first == np.last)
            o = hi.plus(lo.scaled(-1.0));
          else if (j == np.first)
            o = lo.scaled(-1.0), o.c += static_cast<double>(y[j + 1]);
          else if (j == np.last)
            o = hi, o.c -= static_cast<double>(y[j]);
          else
            o.c = static_cast<double>(y[j + 1] - y[j]);
          const LinkCost& link = p_.profile().links[j][rank];
          const double w = kMs * static_cast<double>(in.row_bytes) / link.bytes_per_s;
          model.add(o.scaled(-w), 1.0, col.s(t), Sense::kAtLeast, kMs * (in.ready_s[j] + link.latency_s));
        }
      }
      // Finish: T - S_t - (alpha + delivery) * (z_{t+1} - z_t) >= beta (+ delivery latency).
      const ComputeCost& cc = p_.compute(rank);
      double per_row = kMs * cc.alpha_s;
      double fixed = kMs * cc.beta_s;
      if (delivery > 0 && rank != 0) {
        const LinkCost& link = p_.profile().links[rank][0];
        per_row += kMs * static_cast<double>(delivery) / link.bytes_per_s;
        fixed += kMs * link.latency_s;
      }
      const Lin rows = cut_expr(col, t + 1).plus(cut_expr(col, t).scaled(-1.0));
      // Among optimal answers, the one where every rank finishes earliest
      // (kTieBreak * the sum of the finish times): degenerate optima would
      // otherwise leave the answer to the simplex's path.
      model.cost[col.s(t)] += kTieBreak;
      for (int i = 0; i < 2; ++i)
        if (rows.col[i] != 0) model.cost[rows.col[i]] += kTieBreak * per_row * rows.a[i];
      // Four columns (T, S_t and two cuts): more than LpModel::add takes.
      LpModel::Row r{2, {1.0, -1.0, 0.0, 0.0}, {col.T(), col.s(t), 0, 0}, Sense::kAtLeast,
                     fixed + per_row * rows.c};
      for (int i = 0; i < 2; ++i)
        if (rows.col[i] != 0 && rows.a[i] != 0.0)
          r.vals[r.count] = -per_row * rows.a[i], r.cols[r.count++] = rows.col[i];
      model.rows.push_back(r);
    }
    std::vector<double> x;
    std::string failure;
    int attempts = 0;
    const bool solved = lp_.solve(model, &x, &failure, &attempts);
    if (stats_) stats_->solves += attempts;
    if (!solved)
      fail_runtime("partition: layer '" + p_.name() + "': lp_solve failed (" + failure + ")");
    *makespan = x[col.T()];
    Config out = c;
    for (int t = 1; t < k; ++t) out.z[t] = std::clamp(x[col.z(t)], 0.0, static_cast<double>(H_));
    for (int t = 1; t < k; ++t) out.z[t] = std::max(out.z[t], out.z[t - 1]);
    return out;
  }

  // Exact min-max search over integer cuts within kWindow of the real ones.
  Outcome round(const Config& c) const {
    const int k = static_cast<int>(c.active.size());
    std::vector<std::vector<int64_t>> cand(k + 1);
    cand[0] = {0};
    cand[k] = {H_};
    for (int t = 1; t < k; ++t) {
      const int64_t lo = std::max<int64_t>(0, static_cast<int64_t>(std::floor(c.z[t])) - kWindow);
      const int64_t hi = std::min<int64_t>(H_, static_cast<int64_t>(std::ceil(c.z[t])) + kWindow);
      for (int64_t v = lo; v <= hi; ++v) cand[t].push_back(v);
    }
    struct Cell {
      double worst = kInfeasible, sum = kInfeasible;
      int from = -1;
    };
    std::vector<std::vector<Cell>> dp(k + 1);
    dp[0] = {Cell{0.0, 0.0, -1}};
    for (int t = 1; t <= k; ++t) {
      dp[t].assign(cand[t].size(), Cell{});
      const int rank = c.active[t - 1];
      for (size_t vi = 0; vi < cand[t].size(); ++vi) {
        const int64_t v = cand[t][vi];
        for (size_t ui = 0; ui < cand[t - 1].size(); ++ui) {
          const int64_t u = cand[t - 1][ui];
          const Cell& prev = dp[t - 1][ui];
          if (u > v || prev.worst == kInfeasible) continue;
          const double f = u < v ? p_.objective(rank, u, v) : 0.0;
          if (f == kInfeasible) continue;
          const double worst = std::max(prev.worst, f), sum = prev.sum + f;
          Cell& cell = dp[t][vi];
          if (worst < cell.worst || (worst == cell.worst && sum < cell.sum))
            cell = Cell{worst, sum, static_cast<int>(ui)};
        }
      }
    }
    Outcome o;
    o.worst = dp[k][0].worst;
    o.sum = dp[k][0].sum;
    if (o.worst == kInfeasible) return o;
    std::vector<int64_t> z(k + 1);
    int idx = 0;
    for (int t = k; t >= 0; --t) {
      z[t] = cand[t][idx];
      if (t > 0) idx = dp[t][idx].from;
    }
    o.cuts.assign(n_ + 1, 0);
    // Expand: inactive ranks get empty ranges where they sit.
    int t = 0;
    for (int i = 0; i < n_; ++i) {
      if (t < k && c.active[t] == i) {
        o.cuts[i] = z[t];
        o.cuts[i + 1] = z[t + 1];
        ++t;
      } else {
        o.cuts[i] = o.cuts[i + 1] = z[t];
      }
    }
    o.cuts[n_] = H_;
    return o;
  }

  static std::vector<int> pattern_key(const Config& c, const std::vector<NeedPattern>& pat) {
    std::vector<int> key(c.active.begin(), c.active.end());
    key.push_back(-1);
    for (const NeedPattern& np : pat) {
      key.push_back(np.empty ? -1 : np.lo_piece * 3 + np.hi_piece);
      key.push_back(np.first);
      key.push_back(np.last);
    }
    return key;
  }

  Outcome solve(const Config& c) {
    std::vector<NeedPattern> pat = pattern_of(c);
    std::vector<int> key = pattern_key(c, pat);
    auto it = cache_.find(key);
    if (it != cache_.end()) return it->second;
    if (stats_) ++stats_->patterns;
    ++solves_;
    Outcome o;
    if (c.active.size() == 1) {
      o = round(c);
      o.lp_point = c;
      o.start = c;
    } else {
      double makespan = 0.0;
      const Config x = solve_lp(c, pat, &makespan);
      o = round(x);
      o.lp_point = x;
      o.start = c;
      o.lp_value = makespan;
    }
    o.pattern = std::move(pat);
    return cache_.emplace(std::move(key), std::move(o)).first->second;
  }

  // Breakpoints of a cut: where a neighbour's need edge crosses a source
  // boundary or a clamp (0 and H_in are cut points too).
  std::vector<double> breakpoints() const {
    std::vector<double> bps;
    for (const LayerInput& in : p_.inputs()) {
      const AffineRowMap& m = in.map;
      if (m.scale == 0) continue;
      for (double off : {m.lo_offset, m.hi_offset})
        for (int64_t y : in.cuts) bps.push_back((static_cast<double>(y) - off) / m.scale);
    }
    std::sort(bps.begin(), bps.end());
    bps.erase(std::unique(bps.begin(), bps.end()), bps.end());
    return bps;
  }

  static Config with_cut(const Config& c, int t, double v) {
    Config m = c;
    m.z[t] = v;
    for (size_t u = t + 1; u + 1 < m.z.size(); ++u) m.z[u] = std::max(m.z[u], v);
    for (int u = t - 1; u >= 1; --u) m.z[u] = std::min(m.z[u], v);
    return m;
  }

  // Local moves from `cur`: each cut just past its next breakpoints both
  // ways, then dropping an active rank, then adding an idle one. With more
  // than kAllMovesUpTo active ranks only the promising ones: the cuts that
  // bound a critical rank (one whose objective is the layer's cost), dropping
  // a critical rank or one of the two with the fewest rows, adding an idle
  // rank next to a critical one.
  std::vector<Config> moves(const Outcome& cur) const {
    std::vector<Config> out;
    const Config& c = cur.lp_point;
    const int k = static_cast<int>(c.active.size());
    const std::vector<NeedPattern>& pat = cur.pattern;
    const bool all = k <= kAllMovesUpTo;
    std::vector<bool> critical(k, false);
    std::vector<double> rows(k);
    {
      int t = 0;  // the active ranks' ranges in the rounded answer
      for (int i = 0; i < n_ && t < k; ++i) {
        if (c.active[t] != i) continue;
        const int64_t a = cur.cuts[i], b = cur.cuts[i + 1];
        critical[t] = b > a && p_.objective(i, a, b) >= cur.worst * (1 - 1e-9);
        rows[t] = c.z[t + 1] - c.z[t];
        ++t;
      }
    }
    const std::vector<double>& bps = breakpoints_;
    // Cut t just past its next breakpoint, and jumps past the 2nd, 4th, 8th,
    // ... next one (farthest first: a line search through the patterns).
    auto cut_moves = [&](int t) {
      const double zt = c.z[t];
      for (int dir : {1, -1}) {
        std::vector<double> past;  // points just past the breakpoints that way
        if (dir > 0) {
          for (auto it = std::lower_bound(bps.begin(), bps.end(), zt - 1e-9); it != bps.end(); ++it)
            if (*it + kNudge <= static_cast<double>(H_)) past.push_back(*it + kNudge);
        } else {
          for (auto it = std::upper_bound(bps.begin(), bps.end(), zt + 1e-9); it != bps.begin();)
            if (*--it - kNudge >= 0.0) past.push_back(*it - kNudge);
        }
        size_t first = 0;
        while (first < past.size() && first < 2 && pattern_of(with_cut(c, t, past[first])) == pat)
          ++first;
        if (first >= past.size()) continue;
        std::vector<size_t> picks;
        for (size_t j = 1; first + j - 1 < past.size(); j *= 2) picks.push_back(first + j - 1);
        for (auto it = picks.rbegin(); it != picks.rend(); ++it)
          out.push_back(with_cut(c, t, past[*it]));
      }
    };
    // Drop an active rank (its neighbours meet in the middle of its rows).
    auto drop = [&](int t) {
      Config m;
      m.active = c.active;
      m.active.erase(m.active.begin() + t);
      m.z.assign(c.z.begin(), c.z.begin() + t + 1);
      if (t == 0)
        m.z.back() = 0.0;
      else if (t == k - 1)
        m.z.back() = static_cast<double>(H_);
      else
        m.z.back() = 0.5 * (c.z[t] + c.z[t + 1]);
      m.z.insert(m.z.end(), c.z.begin() + t + 2, c.z.end());
      out.push_back(std::move(m));
    };
    // Add an idle usable rank, with no rows where it sits.
    auto add = [&](int i) {
      const int t = static_cast<int>(std::lower_bound(c.active.begin(), c.active.end(), i) -
                                     c.active.begin());
      Config m = c;
      m.active.insert(m.active.begin() + t, i);
      m.z.insert(m.z.begin() + t, c.z[t]);
      out.push_back(std::move(m));
    };

    // Every cut the pattern holds back (the LP put it on its pattern's
    // edge) just past that edge, all at once: many cuts move in one step.
    {
      Config m = c;
      int pushed = 0;
      for (int t = 1; t < k; ++t) {
        // The pattern's interval for cut t: between the breakpoints around
        // where the config that made the pattern had it.
        const auto next = std::upper_bound(bps.begin(), bps.end(), cur.start.z[t] + 1e-9);
        double v = m.z[t];
        if (next != bps.end() && std::abs(c.z[t] - *next) < 1e-7)
          v = *next + kNudge;
        else if (next != bps.begin() && std::abs(c.z[t] - *(next - 1)) < 1e-7)
          v = *(next - 1) - kNudge;
        if (v == m.z[t] || v < 0.0 || v > static_cast<double>(H_)) continue;
        m = with_cut(m, t, v);
        ++pushed;
      }
      if (pushed > 1) out.push_back(std::move(m));
    }
    // Cut moves first (drops are drastic: taken first, they trap the search).
    for (int t = 1; t < k; ++t)
      if (all || critical[t - 1] || critical[t]) cut_moves(t);
    if (k > 1) {
      std::vector<bool> dropping(critical);
      std::vector<int> order(k);
      std::iota(order.begin(), order.end(), 0);
      std::sort(order.begin(), order.end(), [&](int a, int b) { return rows[a] < rows[b]; });
      for (int i = 0; i < std::min(k, 2); ++i) dropping[order[i]] = true;
      for (int t = 0; t < k; ++t)
        if (all || dropping[t]) drop(t);
    }
    for (int i = 0; i < n_; ++i) {
      if (!p_.usable(i) || std::binary_search(c.active.begin(), c.active.end(), i)) continue;
      // Next to a critical rank: between its active neighbours, nearest to it.
      const int t = static_cast<int>(std::lower_bound(c.active.begin(), c.active.end(), i) -
                                     c.active.begin());
      bool near = false;
      if (t < k && critical[t]) {
        near = true;
        for (int j = i + 1; j < c.active[t]; ++j) near &= !p_.usable(j);
      }
      if (t > 0 && critical[t - 1]) {
        bool nearest = true;
        for (int j = c.active[t - 1] + 1; j < i; ++j) nearest &= !p_.usable(j);
        near |= nearest;
      }
      if (all || near) add(i);
    }
    return out;
  }

  const LayerProblem& p_;
  LpStats* stats_;
  int n_;
  int64_t H_;
  int M_;
  std::vector<double> breakpoints_;  // of any cut (they depend on the inputs only)
  std::map<std::vector<int>, Outcome> cache_;
  LpSolver lp_;     // reused by every LP of the layer
  int solves_ = 0;  // patterns solved (the budget counts these)
};

}  // namespace

std::vector<int64_t> solve_layer_lp(const LayerProblem& problem, LpStats* stats) {
  return LpSearch(problem, stats).run();
}

}  // namespace edgeflow
