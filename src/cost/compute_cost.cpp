// ComputeCost (edgeflow/cost.h): a layer's measured units on one rank, the
// curve through their heights and the line fitted to them.
#include <algorithm>
#include <cmath>
#include <map>

#include "edgeflow/cost.h"

namespace edgeflow {
namespace {

bool before(const RowSample& a, RowRange b) {
  return a.rows.begin != b.begin ? a.rows.begin < b.begin : a.rows.end < b.end;
}

}  // namespace

ComputeCost::ComputeCost(std::vector<RowSample> samples) {
  std::sort(samples.begin(), samples.end(),
            [](const RowSample& a, const RowSample& b) { return before(a, b.rows); });
  samples_ = std::move(samples);
  std::map<int64_t, std::pair<double, int>> by_height;
  double sx = 0, sy = 0, sxx = 0, sxy = 0;
  for (const RowSample& s : samples_) {
    auto& [sum, count] = by_height[s.rows.size()];
    sum += s.seconds, ++count;
    const double x = static_cast<double>(s.rows.size());
    sx += x, sy += s.seconds, sxx += x * x, sxy += x * s.seconds;
  }
  for (const auto& [rows, sum_count] : by_height)
    heights_.push_back(Height{rows, sum_count.first / sum_count.second});
  const double n = static_cast<double>(samples_.size());
  if (heights_.size() == 1) {
    alpha_s = heights_[0].seconds / static_cast<double>(heights_[0].rows);
  } else if (heights_.size() > 1) {
    const double den = n * sxx - sx * sx;
    alpha_s = den > 0 ? (n * sxy - sx * sy) / den : 0.0;
    beta_s = (sy - alpha_s * sx) / n;
    if (alpha_s < 0 || beta_s < 0) {  // noise: fall back to a line through 0
      alpha_s = std::max(0.0, sxy / sxx);
      beta_s = 0.0;
    }
  }
}

bool ComputeCost::has_sample(RowRange rows) const {
  const auto it = std::lower_bound(samples_.begin(), samples_.end(), rows, before);
  return it != samples_.end() && it->rows == rows;
}

void ComputeCost::add_sample(RowRange rows, double seconds_taken) {
  std::vector<RowSample> points = samples_;
  const auto it = std::lower_bound(points.begin(), points.end(), rows, before);
  if (it != points.end() && it->rows == rows)
    it->seconds = seconds_taken;
  else
    points.insert(it, RowSample{rows, seconds_taken});
  *this = ComputeCost(std::move(points));
}

double ComputeCost::seconds(RowRange rows) const {
  if (rows.size() <= 0) return 0.0;
  const auto it = std::lower_bound(samples_.begin(), samples_.end(), rows, before);
  if (it != samples_.end() && it->rows == rows) return it->seconds;
  return seconds(rows.size());
}

double ComputeCost::fit_error() const {
  double worst = 0;
  for (const RowSample& s : samples_)
    if (s.seconds > 0)
      worst = std::max(worst, std::abs(alpha_s * static_cast<double>(s.rows.size()) + beta_s -
                                        s.seconds) / s.seconds);
  return worst;
}

double ComputeCost::curve_s(int64_t rows) const {
  // First height at or above `rows`.
  const auto above = std::lower_bound(heights_.begin(), heights_.end(), rows,
                                      [](const Height& h, int64_t r) { return h.rows < r; });
  if (above != heights_.end() && above->rows == rows) return above->seconds;
  if (above == heights_.end()) {
    const Height& last = heights_.back();
    return last.seconds + alpha_s * static_cast<double>(rows - last.rows);
  }
  // Below the smallest height: from the line's one row (no more than that
  // height's time) up to it.
  const Height below = above == heights_.begin()
                           ? Height{1, std::min(above->seconds, alpha_s + beta_s)}
                           : *(above - 1);
  const double f =
      static_cast<double>(rows - below.rows) / static_cast<double>(above->rows - below.rows);
  return below.seconds + f * (above->seconds - below.seconds);
}

double ComputeCost::least_per_row_s() const {
  // seconds / rows is monotone on each linear piece of the curve, so its
  // least is at a piece's end: one row, a height, or alpha far beyond the
  // last; a sampled unit may lie below the curve.
  double least = alpha_s;
  if (!heights_.empty()) least = std::min(least, curve_s(1));
  for (const Height& h : heights_)
    least = std::min(least, h.seconds / static_cast<double>(h.rows));
  for (const RowSample& s : samples_)
    least = std::min(least, s.seconds / static_cast<double>(s.rows.size()));
  return least;
}

}  // namespace edgeflow
