// Progress of a batch job on rank 0's stderr: a live bar (count, rate, ETA)
// redrawn in place when a person is watching a terminal, else a plain line
// every few seconds (logs, CI), or nothing.
//
//   [##########..........]  120/5000  14.2 img/s  ETA 5:43  2 errors
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

namespace edgeflow {

enum class ProgressMode { kAuto, kBar, kLines, kNone };

// Parses --progress text: auto | bar | lines | none; false for anything else.
bool parse_progress_mode(const std::string& text, ProgressMode* mode);

// kAuto resolved: a bar when stderr is a terminal, or, under mpirun (which
// gives the ranks a pipe for stderr), when mpirun's own stderr is one.
ProgressMode resolve_progress_mode(ProgressMode requested);

// The text of one progress report (pure; for the bar and the lines alike).
std::string progress_text(bool bar, int64_t done, int64_t total, int64_t errors, double elapsed_s,
                          const std::string& unit);

class Progress {
 public:
  // Reports on a duplicate of stderr taken now, so that output redirected
  // meanwhile (the image decoder captures stderr while it runs) is not lost.
  // (Under mpirun, with stdout and stderr both on mpirun's terminal, the bar
  // shares stdout with the result lines, the only way they stay in order.)
  Progress(ProgressMode mode, int64_t total, std::string unit, double line_interval_s = 5.0);
  ~Progress();
  Progress(const Progress&) = delete;
  Progress& operator=(const Progress&) = delete;

  // Counts finished requests; redraws if it is time.
  void update(int64_t done, int64_t errors);
  // Removes the bar before other output to the terminal; redrawn at the next update.
  void clear();
  // Final state: the bar drawn complete and ended with a newline.
  void finish();

  bool bar() const { return mode_ == ProgressMode::kBar; }

 private:
  void write(const std::string& text);
  void draw(bool force);

  using Clock = std::chrono::steady_clock;
  ProgressMode mode_;
  int64_t total_;
  std::string unit_;
  double interval_s_;
  int fd_ = -1;
  bool on_stdout_ = false;  // the bar shares stdout with the result lines (see .cpp)
  int64_t done_ = 0;
  int64_t errors_ = 0;
  bool drawn_ = false;  // a bar is on the screen
  std::string shown_;   // its text
  Clock::time_point start_ = Clock::now();
  Clock::time_point last_ = Clock::now();
};

}  // namespace edgeflow
