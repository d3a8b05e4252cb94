// --resume: what a previous run of the same job left in its --json file.
// The records it finished are kept (the file is rewritten without its old
// summary and without a last line cut short by a kill), and the requests
// they answer are skipped.
#pragma once

#include <string>
#include <vector>

namespace edgeflow {

// A previous record, as far as resuming and the summary need it.
struct PastRecord {
  std::string input;
  int repeat = 0;  // for an error record: every repeat of the input
  bool error = false;
  double latency_ms = 0;
  bool labelled = false;  // had a known class; then:
  bool top1 = false;
  bool top5 = false;
};

struct PastRun {
  std::vector<std::string> lines;   // the records kept, as written (no '\n')
  std::vector<PastRecord> records;  // the same, parsed
  bool cut_short = false;           // a last line cut short was dropped
  int summaries = 0;                // summary records dropped
};

// Parses a previous --json file's text (`name` for messages): request and
// error records are kept; summary records dropped; a last line that is
// incomplete (no '\n' and not valid JSON) is dropped. Any other line that is
// not a JSON object is an Error naming the line.
PastRun parse_past_run(const std::string& text, const std::string& name);

// Reads `path` (a missing file is an empty run) and rewrites it, atomically,
// with only the kept records, ready to be appended to.
PastRun load_past_run(const std::string& path);

// done[i * repeat + r]: input i (of `inputs`, in order), repeat r already has
// a record. Inputs listed twice need two records (matched in order).
std::vector<char> done_requests(const std::vector<std::string>& inputs, int repeat,
                                const std::vector<PastRecord>& records);

}  // namespace edgeflow
