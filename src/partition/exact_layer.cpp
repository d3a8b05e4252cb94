// The exact per-layer optimum (docs/partition.md). A rank's objective does
// not decrease as its upper cut grows and does not increase as its lower cut
// grows, so for a target T the rows can be taken greedily rank by rank, each
// rank taking as many as it can finish by T (possibly none); T is feasible
// when the rows run out. Bisection on T, with the upper end set to the value
// the greedy pass actually reached, converges on the optimum.
#include <algorithm>

#include "edgeflow/error.h"
#include "partition/layer_problem.h"

namespace edgeflow {
namespace {

// Fills `cuts` greedily for target T; returns the worst objective reached, or
// kInfeasible if rows are left over.
double greedy_pass(const LayerProblem& p, double target, std::vector<int64_t>* cuts) {
  const int n = p.world();
  const int64_t H = p.rows();
  int64_t c = 0;
  double worst = 0.0;
  (*cuts)[0] = 0;
  for (int i = 0; i < n; ++i) {
    int64_t b = c;
    if (c < H && p.usable(i) && p.objective(i, c, c + 1) <= target) {
      int64_t lo = c + 1, hi = H;  // objective(i, c, lo) <= target
      while (lo < hi) {
        const int64_t mid = lo + (hi - lo + 1) / 2;
        if (p.objective(i, c, mid) <= target)
          lo = mid;
        else
          hi = mid - 1;
      }
      b = lo;
      worst = std::max(worst, p.objective(i, c, b));
    }
    (*cuts)[i + 1] = b;
    c = b;
  }
  return c < H ? kInfeasible : worst;
}

}  // namespace

std::vector<int64_t> solve_layer_exact(const LayerProblem& p) {
  const int n = p.world();
  const int64_t H = p.rows();
  std::vector<int64_t> best = single_rank_cuts(H, n, best_single_rank(p));
  double hi = p.cost(best);
  double lo = 0.0;
  std::vector<int64_t> cuts(n + 1);
  // Converges geometrically; the bound keeps a pathological profile finite.
  for (int iter = 0; iter < 200 && hi - lo > 1e-12 * hi; ++iter) {
    const double mid = 0.5 * (lo + hi);
    const double reached = greedy_pass(p, mid, &cuts);
    if (reached < kInfeasible) {
      hi = reached;
      best = cuts;
    } else {
      lo = mid;
    }
  }
  return best;
}

}  // namespace edgeflow
