// Reading back a JSON Lines file of records, tolerating the one defect an
// interrupted run can leave (a last line cut short), and rewriting it.
#include "cli/batch_resume.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <utility>

#include "cli/json_value.h"
#include "edgeflow/error.h"
#include "edgeflow/io.h"

namespace edgeflow {

PastRun parse_past_run(const std::string& text, const std::string& name) {
  PastRun run;
  size_t pos = 0;
  for (int line_no = 1; pos < text.size(); ++line_no) {
    size_t end = text.find('\n', pos);
    const bool complete = end != std::string::npos;
    if (!complete) end = text.size();
    const std::string line = text.substr(pos, end - pos);
    pos = end + 1;
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    const std::optional<JsonValue> v = parse_json(line);
    if (!v || !v->is_object()) {
      if (!complete || pos >= text.size()) {  // the last line: cut short by a kill
        run.cut_short = true;
        break;
      }
      fail_input("--resume: json '" + name + "' line " + std::to_string(line_no) +
                 ": not a JSON record (not a file this program wrote?)");
    }
    if (v->get_bool("summary").value_or(false)) {
      ++run.summaries;
      continue;
    }
    const std::optional<std::string> input = v->get_string("input");
    if (!input) continue;  // not a request record (e.g. a --plan-only record)
    PastRecord r;
    r.input = *input;
    r.error = v->get("error") != nullptr;
    r.repeat = static_cast<int>(v->get_number("repeat").value_or(0));
    r.latency_ms = v->get_number("latency_ms").value_or(0);
    if (v->get_number("truth")) {
      r.labelled = true;
      r.top1 = v->get_bool("correct_top1").value_or(false);
      r.top5 = v->get_bool("correct_top5").value_or(false);
    }
    run.records.push_back(std::move(r));
    run.lines.push_back(line);
  }
  return run;
}

PastRun load_past_run(const std::string& path) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (!fs::exists(path, ec)) return PastRun{};
  std::ifstream in(path, std::ios::binary);
  if (!in) fail_input("--resume: json '" + path + "': cannot open: " + std::strerror(errno));
  std::stringstream text;
  text << in.rdbuf();
  if (in.bad()) fail_input("--resume: json '" + path + "': cannot be read");
  PastRun run = parse_past_run(text.str(), path);

  const std::string tmp = path + ".resume-tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    for (const std::string& line : run.lines) out << line << '\n';
    out.flush();
    if (!out) fail_input("--resume: '" + tmp + "': cannot write: " + std::strerror(errno));
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0)
    fail_input("--resume: cannot replace json '" + path + "': " + std::strerror(errno));
  return run;
}

namespace {

// A path as a record holds it once read back (invalid UTF-8 is written as
// U+FFFD), so that such paths match their records too.
std::string as_recorded(const std::string& path) {
  const std::optional<JsonValue> v = parse_json(json_string(path));
  return v && v->as_string() ? *v->as_string() : path;
}

}  // namespace

std::vector<char> done_requests(const std::vector<std::string>& inputs, int repeat,
                                const std::vector<PastRecord>& records) {
  // Records per (input, repeat); an error record's repeat is -1: all of them.
  std::map<std::pair<std::string, int>, int> count;
  for (const PastRecord& r : records) ++count[{r.input, r.error ? -1 : r.repeat}];
  std::vector<char> done(inputs.size() * size_t(repeat), 0);
  if (count.empty()) return done;
  for (size_t i = 0; i < inputs.size(); ++i) {
    const std::string input = as_recorded(inputs[i]);
    auto failed = count.find({input, -1});
    if (failed != count.end() && failed->second > 0) {
      --failed->second;
      for (int r = 0; r < repeat; ++r) done[i * repeat + r] = 1;
      continue;
    }
    for (int r = 0; r < repeat; ++r) {
      auto it = count.find({input, r});
      if (it != count.end() && it->second > 0) {
        --it->second;
        done[i * repeat + r] = 1;
      }
    }
  }
  return done;
}

}  // namespace edgeflow
