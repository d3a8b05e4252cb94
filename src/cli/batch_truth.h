// Ground truth of a batch job and the accuracy it gives: each input's class
// index from --ground-truth FILE (CSV: path,label) or, with --labels and a
// directory input, from the name of the class folder the image sits in.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace edgeflow {

// One CSV row: the path as written and its class index.
struct TruthRow {
  std::string path;
  int label = -1;
  int line = 0;
};

// Parses ground-truth CSV text (`name` is the file, for messages): one
// `path,label` a line, split at the last comma; blank and #-lines skipped; a
// first line whose label is not a class is a header. A label is a
// non-negative integer, or a name from `labels`. Errors name file and line.
std::vector<TruthRow> parse_truth_csv(const std::string& text, const std::string& name,
                                      const std::vector<std::string>& labels);

// Each input's class (-1: unknown) from the rows of `csv_path`. A row's path
// names an input when it equals, after normalisation, the input's path or
// that path relative to the CSV's folder or to `input_root` (the --input
// directory or list folder; may be empty). A path given two labels is an error.
std::vector<int> truth_from_csv(const std::vector<TruthRow>& rows, const std::string& csv_path,
                                const std::vector<std::string>& inputs,
                                const std::string& input_root);

// Each input's class from its folder: an input in a sub-folder of
// `input_root` whose folder name is a label (ignoring case, '_' as ' ', and
// for "name, synonym" labels the first name) gets that label's index.
std::vector<int> truth_from_folders(const std::vector<std::string>& inputs,
                                    const std::string& input_root,
                                    const std::vector<std::string>& labels);

// Top-1 and top-5 accuracy over the inputs with a known class.
struct Accuracy {
  int64_t labelled = 0;
  int64_t top1 = 0;
  int64_t top5 = 0;

  // Counts one result: `ranked` holds class ids, best first.
  void add(int truth, const std::vector<int>& ranked);
  void add_result(bool correct_top1, bool correct_top5);
  double top1_rate() const { return labelled ? double(top1) / double(labelled) : 0.0; }
  double top5_rate() const { return labelled ? double(top5) / double(labelled) : 0.0; }
};

// Whether `truth` is ranked first, and among the first five.
bool in_top(int truth, const std::vector<int>& ranked, size_t k);

}  // namespace edgeflow
