#include "partition/lp_model.h"

#include <lpsolve/lp_lib.h>

#include <algorithm>

#include "edgeflow/error.h"

namespace edgeflow {
namespace {

std::string lp_status_name(int status) {
  switch (status) {
    case NOMEMORY: return "out of memory";
    case INFEASIBLE: return "infeasible";
    case UNBOUNDED: return "unbounded";
    case DEGENERATE: return "degenerate";
    case NUMFAILURE: return "numerical failure";
    case USERABORT: return "aborted";
    case TIMEOUT: return "timeout";
    case PRESOLVED: return "presolved";
    case ACCURACYERROR: return "accuracy error";
    default: return "status " + std::to_string(status);
  }
}

bool optimal(int status) { return status == OPTIMAL || status == SUBOPTIMAL; }

}  // namespace

Lin Lin::scaled(double k) const {
  Lin r = *this;
  r.c *= k, r.a[0] *= k, r.a[1] *= k;
  return r;
}

Lin Lin::plus(const Lin& o) const {
  Lin r = *this;
  r.c += o.c;
  for (int i = 0; i < 2; ++i) {
    if (o.col[i] == 0) continue;
    int slot = r.col[0] == o.col[i] ? 0 : r.col[1] == o.col[i] ? 1 : r.col[0] == 0 ? 0 : 1;
    EF_ASSERT(r.col[slot] == 0 || r.col[slot] == o.col[i]);
    r.col[slot] = o.col[i];
    r.a[slot] += o.a[i];
  }
  return r;
}

void LpModel::add(const Lin& e, double coef, int extra, Sense sense, double rhs) {
  Row r{0, {0, 0, 0, 0}, {0, 0, 0, 0}, sense, rhs - e.c};
  for (int i = 0; i < 2; ++i)
    if (e.col[i] != 0 && e.a[i] != 0.0) r.vals[r.count] = e.a[i], r.cols[r.count++] = e.col[i];
  if (extra != 0) r.vals[r.count] = coef, r.cols[r.count++] = extra;
  if (r.count == 0) return;  // a constant: nothing to constrain
  if (r.count == 1) {
    const double v = r.rhs / r.vals[0];
    const bool at_least = (sense == Sense::kAtLeast) == (r.vals[0] > 0);
    if (at_least)
      lower[r.cols[0]] = std::max(lower[r.cols[0]], v);
    else
      upper[r.cols[0]] = std::min(upper[r.cols[0]], v);
    return;
  }
  rows.push_back(r);
}

void LpSolver::Deleter::operator()(_lprec* lp) const { delete_lp(lp); }

LpSolver::LpSolver() = default;
LpSolver::~LpSolver() = default;

bool LpSolver::solve(const LpModel& m, std::vector<double>* x, std::string* failure,
                     int* attempts) {
  int status = 0;
  for (int scaling : {SCALE_GEOMETRIC + SCALE_EQUILIBRATE + SCALE_INTEGERS,
                      SCALE_GEOMETRIC + SCALE_DYNUPDATE, SCALE_NONE, SCALE_CURTISREID}) {
    status = solve_scaled(m, scaling, x);
    ++*attempts;
    if (optimal(status)) return true;
  }
  *failure = lp_status_name(status);
  return false;
}

int LpSolver::solve_scaled(const LpModel& m, int scaling, std::vector<double>* x) {
  if (!lp_) {
    lp_.reset(make_lp(0, m.columns));
    if (!lp_) return NOMEMORY;
    set_verbose(lp_.get(), NEUTRAL);
    set_minim(lp_.get());
  }
  lprec* L = lp_.get();
  resize_lp(L, 0, std::min(get_Ncolumns(L), m.columns));  // drops every row and extra columns
  while (get_Ncolumns(L) < m.columns) add_columnex(L, 0, nullptr, nullptr);
  std::vector<double> obj(m.cost);
  set_obj_fn(L, obj.data());
  for (int c = 1; c <= m.columns; ++c) {
    // Rounding can leave a pattern's bounds crossed by a hair.
    const double lo = m.lower[c], hi = std::max(m.upper[c], m.lower[c]);
    set_bounds(L, c, lo, hi >= 1e30 ? get_infinite(L) : hi);
  }
  set_add_rowmode(L, TRUE);
  for (const LpModel::Row& r : m.rows) {
    double vals[4] = {r.vals[0], r.vals[1], r.vals[2], r.vals[3]};
    int cols[4] = {r.cols[0], r.cols[1], r.cols[2], r.cols[3]};
    add_constraintex(L, r.count, vals, cols, r.sense == Sense::kAtLeast ? GE : LE, r.rhs);
  }
  set_add_rowmode(L, FALSE);
  set_scaling(L, scaling);
  default_basis(L);
  const int status = ::solve(L);
  if (optimal(status)) {
    x->assign(m.columns + 1, 0.0);
    get_variables(L, x->data() + 1);
  }
  return status;
}

}  // namespace edgeflow
