// A small LP in plain form, and lp_solve behind RAII to solve it. lp_model.cpp
// is the only file that includes lp_solve: its macros clash with other headers.
#pragma once

#include <memory>
#include <string>
#include <vector>

struct _lprec;  // lp_solve's lprec

namespace edgeflow {

// A linear expression c + sum a_i * column_i over at most two columns
// (1-based; column 0 means none).
struct Lin {
  double c = 0.0;
  int col[2] = {0, 0};
  double a[2] = {0.0, 0.0};
  Lin scaled(double k) const;
  Lin plus(const Lin& o) const;
};

enum class Sense { kAtLeast, kAtMost };

// min cost . x  s.t. rows, lower <= x <= upper (columns 1-based; entry 0 unused).
struct LpModel {
  struct Row {
    int count;
    double vals[4];
    int cols[4];
    Sense sense;
    double rhs;
  };
  int columns = 0;
  std::vector<double> cost;
  std::vector<double> lower, upper;  // upper >= 1e30: unbounded
  std::vector<Row> rows;

  explicit LpModel(int n) : columns(n), cost(n + 1, 0.0), lower(n + 1, 0.0), upper(n + 1, 1e30) {}

  // e + coef * column `extra` (>= or <=) rhs. One-column rows become bounds;
  // constant ones are dropped.
  void add(const Lin& e, double coef, int extra, Sense sense, double rhs);
};

// One lp_solve model reused for every LP it is given (rows dropped, columns
// resized): make_lp is costly (it tries to dlopen an external BLAS each time).
class LpSolver {
 public:
  LpSolver();
  ~LpSolver();
  LpSolver(const LpSolver&) = delete;
  LpSolver& operator=(const LpSolver&) = delete;

  // Minimizes `m`. lp_solve's post-solve accuracy check fails now and then on
  // small degenerate LPs under one scaling and passes under another, so a few
  // are tried in turn (each try counted in *attempts). True with the column
  // values in *x (1-based) when one is optimal; else false, and *failure
  // names lp_solve's last status.
  bool solve(const LpModel& m, std::vector<double>* x, std::string* failure, int* attempts);

 private:
  struct Deleter {
    void operator()(_lprec* lp) const;
  };
  int solve_scaled(const LpModel& m, int scaling, std::vector<double>* x);
  std::unique_ptr<_lprec, Deleter> lp_;
};

}  // namespace edgeflow
