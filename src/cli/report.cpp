// Per-request lines, JSON Lines records, --save-output and the summary.
#include "cli/report.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <numeric>

#include "edgeflow/error.h"

namespace edgeflow {

double percentile(std::vector<double> values, double p) {
  if (values.empty()) return 0.0;
  std::sort(values.begin(), values.end());
  const size_t rank = static_cast<size_t>(std::ceil(p / 100.0 * values.size()));
  return values[std::min(values.size() - 1, rank == 0 ? 0 : rank - 1)];
}

Reporter::Reporter(const Options& options, size_t input_count)
    : options_(options), input_count_(input_count) {
  if (!options.labels.empty()) labels_ = read_labels(options.labels);
  if (!options.json.empty()) json_ = std::make_unique<JsonLinesWriter>(options.json);
  if (!options.save_output.empty() && input_count > 1) {
    std::error_code ec;
    std::filesystem::create_directories(options.save_output, ec);
    if (ec) fail_input("--save-output '" + options.save_output + "': " + ec.message());
  }
}

static std::string output_file_for(const std::string& dir, const std::string& input) {
  std::string stem = std::filesystem::path(input).filename().string();
  return (std::filesystem::path(dir) / (stem + ".npy")).string();
}

void Reporter::request_done(const std::string& path, int repeat, const RequestResult& result) {
  latencies_ms_.push_back(result.latency_ms);
  const Tensor& out = result.outputs.at(0);
  const std::vector<float> scores = storage_to_nchw(out.shape(), out.values());
  const auto best = top_k(scores, options_.topk);
  if (repeat == 0 && !options_.quiet) {
    std::printf("%s:", path.c_str());
    for (const auto& [cls, score] : best) {
      std::printf(" %d", cls);
      if (cls < static_cast<int>(labels_.size())) std::printf(" (%s)", labels_[cls].c_str());
      std::printf(" %.4f", score);
    }
    std::printf("\n");
  }
  if (repeat == 0 && !options_.save_output.empty())
    write_npy(input_count_ > 1 ? output_file_for(options_.save_output, path)
                               : options_.save_output,
              out);
  if (json_) {
    std::vector<JsonObject> top;
    for (const auto& [cls, score] : best) {
      JsonObject o;
      o.add_int("class", cls).add_number("score", score);
      if (cls < static_cast<int>(labels_.size())) o.add_string("label", labels_[cls]);
      top.push_back(o);
    }
    JsonObject rec;
    rec.add_string("input", path).add_int("repeat", repeat).add_int("request", result.request);
    rec.add_objects("top", top).add_number("latency_ms", result.latency_ms);
    json_->write(rec);
  }
}

void Reporter::request_failed(const std::string& path, const std::string& message) {
  ++errors_;
  std::fprintf(stderr, "edgeflow: warning: %s\n", message.c_str());
  if (json_) {
    JsonObject rec;
    rec.add_string("input", path).add_string("error", message);
    json_->write(rec);
  }
}

void Reporter::finish(const RunSummary& s) {
  const double median = percentile(latencies_ms_, 50), p95 = percentile(latencies_ms_, 95);
  int64_t bytes = 0;
  for (const auto& row : s.bytes_sent) bytes = std::accumulate(row.begin(), row.end(), bytes);
  const double runs = static_cast<double>(latencies_ms_.size());
  std::printf("ranks: %d  partitioner: %s  requests: %zu  errors: %lld\n", s.world_size,
              options_.partitioner.c_str(), latencies_ms_.size(),
              static_cast<long long>(errors_));
  std::printf("latency: median %.2f ms, p95 %.2f ms;  throughput %.2f requests/s\n", median, p95,
              s.wall_s > 0 ? runs / s.wall_s : 0.0);
  if (s.predicted_ms >= 0)
    std::printf("predicted latency: %.2f ms (measured median %.2f ms, ratio %.2f)\n",
                s.predicted_ms, median, s.predicted_ms > 0 ? median / s.predicted_ms : 0.0);
  if (s.world_size > 1)
    std::printf("bytes moved per request: %.0f\n", runs > 0 ? bytes / runs : 0.0);
  if (s.verify_error >= 0)
    std::printf("verify: max |distributed - single| / max |single| = %.3g (bound 1e-5)\n",
                s.verify_error);
  std::fflush(stdout);
  if (json_) {
    JsonObject rec;
    rec.add_bool("summary", true).add_int("ranks", s.world_size);
    rec.add_string("partitioner", options_.partitioner);
    rec.add_int("count", static_cast<int64_t>(latencies_ms_.size())).add_int("errors", errors_);
    JsonObject lat;
    lat.add_number("median", median).add_number("p95", p95);
    lat.add_number("p99", percentile(latencies_ms_, 99));
    rec.add_object("latency_ms", lat);
    rec.add_number("throughput_per_s", s.wall_s > 0 ? runs / s.wall_s : 0.0);
    rec.add_number("bytes_moved_per_request", runs > 0 ? bytes / runs : 0.0);
    std::vector<JsonObject> links;
    for (size_t src = 0; src < s.bytes_sent.size(); ++src)
      for (size_t dst = 0; dst < s.bytes_sent[src].size(); ++dst) {
        const int64_t planned = s.planned_bytes_per_request.empty()
                                    ? 0
                                    : s.planned_bytes_per_request[src][dst];
        if (s.bytes_sent[src][dst] == 0 && planned == 0) continue;
        JsonObject l;
        l.add_int("src", static_cast<int64_t>(src)).add_int("dst", static_cast<int64_t>(dst));
        l.add_int("bytes", s.bytes_sent[src][dst]);
        l.add_int("planned_bytes", planned * static_cast<int64_t>(runs));
        links.push_back(l);
      }
    rec.add_objects("bytes_sent_per_link", links);
    rec.add_numbers("peak_rss_mb", s.peak_rss_mb);
    if (s.verify_error >= 0) rec.add_number("verify_error", s.verify_error);
    if (s.predicted_ms >= 0) rec.add_number("predicted_latency_ms", s.predicted_ms);
    json_->write(rec);
  }
}

}  // namespace edgeflow
