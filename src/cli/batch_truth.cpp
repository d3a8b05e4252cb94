// Ground-truth CSV parsing, matching rows to inputs, class folders, accuracy.
#include "cli/batch_truth.h"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <climits>
#include <cstdlib>
#include <filesystem>
#include <map>

#include "edgeflow/error.h"

namespace edgeflow {
namespace fs = std::filesystem;
namespace {

std::string trim(const std::string& s) {
  const size_t a = s.find_first_not_of(" \t\r");
  if (a == std::string::npos) return "";
  const size_t b = s.find_last_not_of(" \t\r");
  return s.substr(a, b - a + 1);
}

std::string unquote(const std::string& s) {
  if (s.size() >= 2 && s.front() == '"' && s.back() == '"') {
    std::string out;
    for (size_t i = 1; i + 1 < s.size(); ++i) {
      out += s[i];
      if (s[i] == '"' && s[i + 1] == '"') ++i;  // "" inside quotes is one quote
    }
    return out;
  }
  return s;
}

// A label name as compared with folder names: lower case, '_' as ' '.
std::string fold_name(const std::string& s) {
  std::string out;
  for (char c : trim(s)) out += c == '_' ? ' ' : char(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// The class of `text`: an integer >= 0, or a label name; -1 if neither.
int parse_label(const std::string& text, const std::vector<std::string>& labels) {
  if (!text.empty() &&
      std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    errno = 0;
    const long v = std::strtol(text.c_str(), nullptr, 10);
    if (errno == 0 && v <= INT_MAX) return int(v);
    return -1;
  }
  for (size_t i = 0; i < labels.size(); ++i)
    if (labels[i] == text) return int(i);
  return -1;
}

// The last comma outside double quotes ("" is a quote within them), or npos:
// the label is the last field, quoted when it holds commas
// (a.jpg,"tench, Tinca tinca"); an unquoted path may hold commas.
size_t last_separator(const std::string& line) {
  size_t last = std::string::npos;
  bool quoted = false;
  for (size_t i = 0; i < line.size(); ++i) {
    if (line[i] == '"') quoted = !quoted;
    else if (line[i] == ',' && !quoted) last = i;
  }
  return last;
}

std::string key_of(const fs::path& p) {
  std::error_code ec;
  fs::path abs = fs::absolute(p, ec);
  if (ec) abs = p;
  return abs.lexically_normal().string();
}

}  // namespace

std::vector<TruthRow> parse_truth_csv(const std::string& text, const std::string& name,
                                      const std::vector<std::string>& labels) {
  std::vector<TruthRow> rows;
  size_t pos = 0;
  bool first = true;
  for (int line_no = 1; pos < text.size(); ++line_no) {
    size_t end = text.find('\n', pos);
    if (end == std::string::npos) end = text.size();
    const std::string line = trim(text.substr(pos, end - pos));
    pos = end + 1;
    if (line.empty() || line[0] == '#') continue;
    const std::string where = "ground truth '" + name + "' line " + std::to_string(line_no);
    const size_t comma = last_separator(line);
    if (comma == std::string::npos) {
      if (first) {  // a one-column header
        first = false;
        continue;
      }
      fail_input(where + ": expected 'path,label'");
    }
    const std::string path = unquote(trim(line.substr(0, comma)));
    const std::string label_text = unquote(trim(line.substr(comma + 1)));
    const int label = parse_label(label_text, labels);
    const unsigned char lead = label_text.empty() ? 0 : static_cast<unsigned char>(label_text[0]);
    const bool numeric = std::isdigit(lead) || lead == '-' || lead == '+';
    if (label < 0) {
      if (first && !numeric) {  // a header such as "path,label"
        first = false;
        continue;
      }
      fail_input(where + ": label '" + label_text + "' is not a class index" +
                 (labels.empty() ? "" : " or a name from --labels"));
    }
    first = false;
    if (path.empty()) fail_input(where + ": empty path");
    rows.push_back(TruthRow{path, label, line_no});
  }
  if (rows.empty()) fail_input("ground truth '" + name + "': no 'path,label' rows");
  return rows;
}

std::vector<int> truth_from_csv(const std::vector<TruthRow>& rows, const std::string& csv_path,
                                const std::vector<std::string>& inputs,
                                const std::string& input_root) {
  std::map<std::string, size_t> by_key;
  for (size_t i = 0; i < inputs.size(); ++i) by_key.emplace(key_of(inputs[i]), i);
  std::vector<int> truth(inputs.size(), -1);
  std::vector<int> line_of(inputs.size(), 0);
  const fs::path csv_dir = fs::path(csv_path).parent_path();
  for (const TruthRow& row : rows) {
    const fs::path p(row.path);
    std::vector<fs::path> candidates{p};
    if (p.is_relative()) {
      candidates.push_back(csv_dir / p);
      if (!input_root.empty()) candidates.push_back(fs::path(input_root) / p);
    }
    for (const fs::path& c : candidates) {
      const auto it = by_key.find(key_of(c));
      if (it == by_key.end()) continue;
      const size_t i = it->second;
      if (truth[i] >= 0 && truth[i] != row.label)
        fail_input("ground truth '" + csv_path + "' lines " + std::to_string(line_of[i]) + " and " +
                   std::to_string(row.line) + ": two labels for '" + inputs[i] + "'");
      truth[i] = row.label;
      line_of[i] = row.line;
      break;
    }
  }
  return truth;
}

std::vector<int> truth_from_folders(const std::vector<std::string>& inputs,
                                    const std::string& input_root,
                                    const std::vector<std::string>& labels) {
  std::map<std::string, int> by_name;
  for (size_t i = 0; i < labels.size(); ++i) {
    by_name.emplace(fold_name(labels[i]), int(i));
    const size_t comma = labels[i].find(',');
    if (comma != std::string::npos) by_name.emplace(fold_name(labels[i].substr(0, comma)), int(i));
  }
  std::vector<int> truth(inputs.size(), -1);
  const std::string root = key_of(input_root);
  for (size_t i = 0; i < inputs.size(); ++i) {
    const fs::path folder = fs::path(key_of(inputs[i])).parent_path();
    if (folder.string() == root || folder.string().size() <= root.size()) continue;
    const auto it = by_name.find(fold_name(folder.filename().string()));
    if (it != by_name.end()) truth[i] = it->second;
  }
  return truth;
}

bool in_top(int truth, const std::vector<int>& ranked, size_t k) {
  const size_t n = std::min(k, ranked.size());
  return std::find(ranked.begin(), ranked.begin() + n, truth) != ranked.begin() + n;
}

void Accuracy::add(int truth, const std::vector<int>& ranked) {
  if (truth < 0) return;
  add_result(in_top(truth, ranked, 1), in_top(truth, ranked, 5));
}

void Accuracy::add_result(bool correct_top1, bool correct_top5) {
  ++labelled;
  top1 += correct_top1 ? 1 : 0;
  top5 += correct_top5 ? 1 : 0;
}

}  // namespace edgeflow
