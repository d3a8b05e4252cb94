// Per-input lines, JSON Lines records, --save-output and the tallies behind
// the summary (report_summary.cpp).
#include "cli/report.h"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <sstream>

#include "edgeflow/error.h"
#include "edgeflow/onnx_import.h"

namespace edgeflow {
namespace fs = std::filesystem;
namespace {

// The folder the inputs' names are relative to: the --input directory, or
// the folder of a .txt list; "" for a single file or synthetic input.
std::string input_root_of(const std::string& input) {
  if (input.empty()) return "";
  std::error_code ec;
  if (fs::is_directory(input, ec)) return input;
  if (!is_image_path(input) && !is_npy_path(input)) {  // a .txt list
    const fs::path parent = fs::path(input).parent_path();
    return parent.empty() ? "." : parent.string();
  }
  return "";
}

std::vector<int> load_truth(const Options& options, const std::vector<std::string>& inputs,
                            const std::string& root, const std::vector<std::string>& labels) {
  if (!options.ground_truth.empty()) {
    std::error_code ec;
    if (!fs::is_regular_file(options.ground_truth, ec))
      fail_input("ground truth '" + options.ground_truth + "': no such file");
    std::ifstream in(options.ground_truth, std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    if (!in) fail_input("ground truth '" + options.ground_truth + "': cannot be read");
    return truth_from_csv(parse_truth_csv(text.str(), options.ground_truth, labels),
                          options.ground_truth, inputs, root);
  }
  std::error_code ec;
  if (labels.empty() || !fs::is_directory(options.input, ec)) return {};
  std::vector<int> truth = truth_from_folders(inputs, root, labels);
  if (std::all_of(truth.begin(), truth.end(), [](int t) { return t < 0; })) return {};
  return truth;
}

}  // namespace

double percentile(std::vector<double> values, double p) {
  if (values.empty()) return 0.0;
  std::sort(values.begin(), values.end());
  const size_t rank = static_cast<size_t>(std::ceil(p / 100.0 * values.size()));
  return values[std::min(values.size() - 1, rank == 0 ? 0 : rank - 1)];
}

Reporter::Reporter(const Options& options, std::vector<std::string> inputs,
                   int64_t bytes_per_request)
    : options_(options),
      inputs_(std::move(inputs)),
      input_root_(input_root_of(options.input)),
      bytes_per_request_(bytes_per_request) {
  if (!options.labels.empty()) labels_ = read_labels(options.labels);
  truth_ = load_truth(options, inputs_, input_root_, labels_);
  if (!options.json.empty()) {
    if (options.resume) past_ = load_past_run(options.json);
    json_.reset(std::fopen(options.json.c_str(), options.resume ? "a" : "w"));
    if (!json_)
      fail_input("json '" + options.json + "': cannot open for writing: " + std::strerror(errno));
  }
  done_before_ = done_requests(inputs_, options.repeat, past_.records);
  for (const PastRecord& r : past_.records) {
    if (r.error) {
      ++past_errors_;
      continue;
    }
    ++past_ok_;
    latencies_ms_.push_back(r.latency_ms);
    if (r.labelled && r.repeat == 0) accuracy_.add_result(r.top1, r.top5);
  }
  if (!options.save_output.empty() && inputs_.size() > 1) {
    std::error_code ec;
    fs::create_directories(options.save_output, ec);
    if (ec) fail_input("--save-output '" + options.save_output + "': " + ec.message());
  }
}

Reporter::~Reporter() = default;

void Reporter::write_json(const JsonObject& record) {
  if (!json_) return;
  const std::string line = record.str() + "\n";
  if (std::fwrite(line.data(), 1, line.size(), json_.get()) != line.size() ||
      std::fflush(json_.get()) != 0)
    fail_input("json '" + options_.json + "': cannot write: " + std::strerror(errno));
}

// DIR/<the input's path below the input root>.npy ("a/b.jpg" -> DIR/a/b.jpg.npy);
// the file name alone when the input is not below the root.
std::string Reporter::output_file_for(const std::string& input) const {
  fs::path rel = fs::path(input).filename();
  if (!input_root_.empty()) {
    const fs::path r = fs::path(input).lexically_relative(input_root_);
    if (!r.empty() && *r.begin() != ".." && r.is_relative()) rel = r;
  }
  const fs::path out = fs::path(options_.save_output) / (rel.string() + ".npy");
  std::error_code ec;
  fs::create_directories(out.parent_path(), ec);
  return out.string();
}

void Reporter::check_label_count(int64_t classes) const {
  if (options_.labels.empty() || static_cast<int64_t>(labels_.size()) == classes) return;
  std::fprintf(stderr,
               "edgeflow: warning: labels '%s' has %zu lines, the model's output %lld values: "
               "class names may be off\n",
               options_.labels.c_str(), labels_.size(), static_cast<long long>(classes));
}

double Reporter::stored_output_error(const std::string& path, const Tensor& out,
                                     std::string* problem) {
  const std::string stored = stored_output_path(path);
  if (stored.empty()) return -1;
  double error = std::numeric_limits<double>::infinity();
  try {
    const Tensor want = read_onnx_tensor(stored);
    if (want.shape().elements() != out.shape().elements())
      *problem = "stored output '" + stored + "' is " + want.shape().str() + ", the model's " +
                 out.shape().str();
    else
      error = relative_max_error(storage_to_nchw(out.shape(), out.values()),
                                 storage_to_nchw(want.shape(), want.values()));
  } catch (const Error& e) {
    *problem = e.what();
  }
  ++stored_compared_;
  stored_worst_ = std::max(stored_worst_, error);
  return error;
}

void Reporter::request_done(size_t index, int repeat, const RequestResult& result) {
  ++ok_;
  latencies_ms_.push_back(result.latency_ms);
  const std::string& path = inputs_.empty() ? std::string("synthetic") : inputs_[index];
  const Tensor& out = result.outputs.at(0);
  const std::vector<float> scores = storage_to_nchw(out.shape(), out.values());
  const auto ranked = top_k(scores, std::max(options_.topk, 5));
  const size_t shown = std::min(ranked.size(), size_t(std::max(options_.topk, 0)));
  const int truth = truth_.empty() ? -1 : truth_[index];
  std::vector<int> classes;
  for (const auto& [cls, score] : ranked) classes.push_back(cls);
  const bool top1 = in_top(truth, classes, 1), top5 = in_top(truth, classes, 5);
  if (truth >= 0 && repeat == 0) accuracy_.add_result(top1, top5);
  std::string stored_problem;
  const double stored_error = repeat == 0 ? stored_output_error(path, out, &stored_problem) : -1;

  if (repeat == 0 && !options_.quiet) {
    std::printf("%s:", path.c_str());
    for (size_t k = 0; k < shown; ++k) {
      const auto& [cls, score] = ranked[k];
      std::printf(" %d", cls);
      if (cls < static_cast<int>(labels_.size())) std::printf(" (%s)", labels_[cls].c_str());
      std::printf(" %.4f", score);
    }
    if (truth >= 0)
      std::printf("  [truth %s: %s]",
                  truth < static_cast<int>(labels_.size()) ? labels_[truth].c_str()
                                                           : std::to_string(truth).c_str(),
                  top1   ? "top-1"
                  : top5 ? "top-5"
                         : "miss");
    if (!stored_problem.empty())
      std::printf("  [%s]", stored_problem.c_str());
    else if (stored_error >= 0)
      std::printf("  [stored output: error %.3g]", stored_error);
    std::printf("\n");
  }
  if (repeat == 0 && !options_.save_output.empty())
    write_npy(inputs_.size() > 1 ? output_file_for(path) : options_.save_output, out);
  if (json_) {
    std::vector<JsonObject> top;
    for (size_t k = 0; k < shown; ++k) {
      const auto& [cls, score] = ranked[k];
      JsonObject o;
      o.add_int("class", cls).add_number("score", score);
      if (cls < static_cast<int>(labels_.size())) o.add_string("label", labels_[cls]);
      top.push_back(o);
    }
    JsonObject rec;
    rec.add_int("index", int64_t(index)).add_string("input", path).add_int("repeat", repeat);
    rec.add_int("request", result.request).add_objects("top", top);
    rec.add_number("latency_ms", result.latency_ms).add_int("bytes_moved", bytes_per_request_);
    if (truth >= 0)
      rec.add_int("truth", truth).add_bool("correct_top1", top1).add_bool("correct_top5", top5);
    if (stored_error >= 0 && stored_problem.empty())
      rec.add_number("stored_output_error", stored_error);
    if (!stored_problem.empty()) rec.add_string("stored_output_problem", stored_problem);
    write_json(rec);
  }
}

void Reporter::request_failed(size_t index, const std::string& message) {
  ++errors_;
  if (first_error_.empty()) first_error_ = message;
  const std::string& path = inputs_.empty() ? std::string("synthetic") : inputs_[index];
  if (!options_.quiet) std::printf("%s: error: %s\n", path.c_str(), message.c_str());
  JsonObject rec;
  rec.add_int("index", int64_t(index)).add_string("input", path).add_string("error", message);
  write_json(rec);
}

}  // namespace edgeflow
