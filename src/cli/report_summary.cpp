// The closing summary of a run: printed on rank 0's stdout and written as the
// final JSON record ("summary": true). Counts and accuracy cover every record
// of the job (with --resume, the previous run's too); latency percentiles
// every request; throughput, bytes and busy times this run.
#include <algorithm>
#include <cstdio>
#include <numeric>

#include "cli/build_id.h"
#include "cli/report.h"

namespace edgeflow {
namespace {

// Requests per second the busiest rank allows: requests / its busy time.
double bound_per_s(const RunSummary& s) {
  const double busiest =
      s.busy_s.empty() ? 0.0 : *std::max_element(s.busy_s.begin(), s.busy_s.end());
  return busiest > 0 ? double(s.requests_run) / busiest : 0.0;
}

}  // namespace

void Reporter::finish(const RunSummary& s) {
  const double median = percentile(latencies_ms_, 50), p95 = percentile(latencies_ms_, 95);
  const double p99 = percentile(latencies_ms_, 99);
  int64_t bytes = 0;
  for (const auto& row : s.bytes_sent) bytes = std::accumulate(row.begin(), row.end(), bytes);
  const double runs = static_cast<double>(s.requests_run);
  const double rate = s.wall_s > 0 ? runs / s.wall_s : 0.0;
  const double bound = bound_per_s(s);
  const double per_request = runs > 0 ? double(bytes) / runs : 0.0;
  const int64_t count = ok_ + errors_ + past_ok_ + past_errors_;
  const char* unit = options_.repeat > 1 ? "requests" : "images";
  const char* one = options_.repeat > 1 ? "request" : "image";

  std::printf("ranks: %d  partitioner: %s  %s: %lld  errors: %lld", s.world_size,
              options_.partitioner.c_str(), unit, static_cast<long long>(count),
              static_cast<long long>(errors()));
  if (!past_.records.empty())
    std::printf("  (%lld from the resumed run)", static_cast<long long>(past_.records.size()));
  std::printf("\n");
  if (!first_error_.empty()) std::printf("first error: %s\n", first_error_.c_str());
  if (accuracy_.labelled > 0)
    std::printf("accuracy: top-1 %.2f%%, top-5 %.2f%% (%lld labelled)\n",
                100.0 * accuracy_.top1_rate(), 100.0 * accuracy_.top5_rate(),
                static_cast<long long>(accuracy_.labelled));
  else if (!options_.ground_truth.empty())
    std::printf("accuracy: no input that ran has a row in --ground-truth '%s'\n",
                options_.ground_truth.c_str());
  std::printf("latency: median %.2f ms, p95 %.2f ms, p99 %.2f ms;  throughput %.2f %s/s", median,
              p95, p99, rate, unit);
  if (bound > 0 && s.world_size > 1 && options_.inflight > 1)  // pipelined: how full
    std::printf("; the busiest rank's compute allows %.2f/s (%.0f%% reached)", bound,
                100.0 * rate / bound);
  std::printf("\n");
  if (s.predicted_ms >= 0)
    std::printf("predicted latency: %.2f ms (measured median %.2f ms, ratio %.2f)\n",
                s.predicted_ms, median, s.predicted_ms > 0 ? median / s.predicted_ms : 0.0);
  if (s.compute_floor_ms >= 0)
    std::printf("lower bound: no plan computes this model in less than %.2f ms here; this "
                "plan's busiest link carries %.2f ms per %s\n",
                s.compute_floor_ms, s.link_floor_ms, one);
  if (s.world_size > 1) std::printf("bytes moved per %s: %.0f\n", one, per_request);
  if (s.starved_s > 0.05 * s.wall_s && s.wall_s > 0)
    std::printf("note: waited %.2f s for inputs to load (%.0f%% of the run)\n", s.starved_s,
                100.0 * s.starved_s / s.wall_s);
  if (s.verify_error >= 0)
    std::printf("verify: max |distributed - single| / max |single| = %.3g (bound 1e-5)\n",
                s.verify_error);
  if (stored_compared_ > 0)
    std::printf("stored outputs: %lld compared, max |output - stored| / max |stored| = %.3g "
                "(bound %g)\n",
                static_cast<long long>(stored_compared_), stored_worst_, kStoredOutputBound);
  std::fflush(stdout);
  if (!json_) return;

  JsonObject rec;
  rec.add_bool("summary", true).add_int("ranks", s.world_size);
  rec.add_string("partitioner", options_.partitioner);
  rec.add_string("model", options_.model).add_string("version", build_description());
  rec.add_strings("hosts", s.hosts).add_int("threads", s.threads);
  rec.add_int("inputs", int64_t(inputs_.empty() ? 1 : inputs_.size()));
  rec.add_int("count", count).add_int("errors", errors());
  rec.add_int("resumed", int64_t(past_.records.size()));
  rec.add_int("count_this_run", ok_ + errors_);
  rec.add_bool("interrupted", !s.stopped_by.empty());
  if (accuracy_.labelled > 0) {
    JsonObject acc;
    acc.add_int("labelled", accuracy_.labelled);
    acc.add_number("top1", accuracy_.top1_rate()).add_number("top5", accuracy_.top5_rate());
    rec.add_object("accuracy", acc);
  }
  JsonObject lat;
  lat.add_number("median", median).add_number("p50", median).add_number("p95", p95);
  lat.add_number("p99", p99);
  rec.add_object("latency_ms", lat);
  rec.add_number("wall_s", s.wall_s);
  rec.add_number("throughput_per_s", rate).add_number("images_per_s", rate);
  rec.add_number("bound_per_s", bound);
  rec.add_number("bytes_moved_per_request", per_request);
  rec.add_number("bytes_moved_per_image", per_request);
  rec.add_number("input_wait_s", s.starved_s);
  std::vector<JsonObject> links;
  for (size_t src = 0; src < s.bytes_sent.size(); ++src)
    for (size_t dst = 0; dst < s.bytes_sent[src].size(); ++dst) {
      const int64_t planned =
          s.planned_bytes_per_request.empty() ? 0 : s.planned_bytes_per_request[src][dst];
      if (s.bytes_sent[src][dst] == 0 && planned == 0) continue;
      JsonObject l;
      l.add_int("src", static_cast<int64_t>(src)).add_int("dst", static_cast<int64_t>(dst));
      l.add_int("bytes", s.bytes_sent[src][dst]);
      l.add_int("planned_bytes", planned * s.requests_run);
      links.push_back(l);
    }
  rec.add_objects("bytes_sent_per_link", links);
  rec.add_numbers("busy_s_per_rank", s.busy_s);
  // Where the time goes: each layer's kernel time per request, all ranks.
  std::vector<JsonObject> layers;
  for (const LayerTime& l : s.layers) {
    JsonObject o;
    o.add_string("layer", l.name).add_string("op", l.op);
    o.add_number("ms_per_request", s.requests_run ? 1e3 * l.busy_s / s.requests_run : 0.0);
    layers.push_back(o);
  }
  rec.add_objects("layers", layers);
  rec.add_numbers("peak_rss_mb", s.peak_rss_mb);
  if (s.verify_error >= 0) rec.add_number("verify_error", s.verify_error);
  if (stored_compared_ > 0) {
    rec.add_int("stored_outputs_compared", stored_compared_);
    rec.add_number("stored_output_error", stored_worst_);
  }
  if (s.predicted_ms >= 0) rec.add_number("predicted_latency_ms", s.predicted_ms);
  if (s.compute_floor_ms >= 0) rec.add_number("compute_floor_ms", s.compute_floor_ms);
  if (s.link_floor_ms >= 0) rec.add_number("link_floor_ms", s.link_floor_ms);
  write_json(rec);
}

}  // namespace edgeflow
