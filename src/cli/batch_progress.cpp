// Progress output through write(2) on a private duplicate of stderr.
#include "cli/batch_progress.h"

#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <string>

#include "edgeflow/transport.h"

namespace edgeflow {
namespace {

std::string clock_text(double s) {
  if (!(s >= 0) || s > 359999) return "--:--";
  const long t = long(s + 0.5);
  char buf[32];
  if (t >= 3600)
    std::snprintf(buf, sizeof buf, "%ld:%02ld:%02ld", t / 3600, t / 60 % 60, t % 60);
  else
    std::snprintf(buf, sizeof buf, "%ld:%02ld", t / 60, t % 60);
  return buf;
}

// Whether mpirun (this rank's parent, when the rank runs on mpirun's host)
// writes its file descriptor `fd` (1 or 2) to a terminal.
bool parent_fd_is_terminal(int fd_number) {
  const std::string path =
      "/proc/" + std::to_string(::getppid()) + "/fd/" + std::to_string(fd_number);
  const int fd = ::open(path.c_str(), O_RDONLY | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) return false;
  const bool tty = ::isatty(fd) == 1;
  ::close(fd);
  return tty;
}

}  // namespace

bool parse_progress_mode(const std::string& text, ProgressMode* mode) {
  if (text == "auto")
    *mode = ProgressMode::kAuto;
  else if (text == "bar")
    *mode = ProgressMode::kBar;
  else if (text == "lines")
    *mode = ProgressMode::kLines;
  else if (text == "none")
    *mode = ProgressMode::kNone;
  else
    return false;
  return true;
}

ProgressMode resolve_progress_mode(ProgressMode requested) {
  if (requested != ProgressMode::kAuto) return requested;
  if (::isatty(STDERR_FILENO) == 1) return ProgressMode::kBar;
  if (launched_by_mpirun() && parent_fd_is_terminal(STDERR_FILENO)) return ProgressMode::kBar;
  return ProgressMode::kLines;
}

std::string progress_text(bool bar, int64_t done, int64_t total, int64_t errors, double elapsed_s,
                          const std::string& unit) {
  const double rate = elapsed_s > 0 ? double(done) / elapsed_s : 0.0;
  const double eta = rate > 0 ? double(total - done) / rate : -1.0;
  const double fraction = total > 0 ? double(done) / double(total) : 1.0;
  char buf[256];
  std::string text;
  if (bar) {
    constexpr int kWidth = 24;
    const int filled = int(fraction * kWidth);
    text =
        "[" + std::string(size_t(filled), '#') + std::string(size_t(kWidth - filled), '.') + "] ";
    std::snprintf(buf, sizeof buf, "%lld/%lld  %.1f %s/s  %s %s", (long long)done, (long long)total,
                  rate, unit == "images" ? "img" : "req", done < total ? "ETA" : "in",
                  clock_text(done < total ? eta : elapsed_s).c_str());
  } else {
    std::snprintf(buf, sizeof buf, "edgeflow: %lld/%lld %s (%.0f%%), %.1f/s, %s %s",
                  (long long)done, (long long)total, unit.c_str(), 100.0 * fraction, rate,
                  done < total ? "ETA" : "in", clock_text(done < total ? eta : elapsed_s).c_str());
  }
  text += buf;
  if (errors > 0) text += ", " + std::to_string(errors) + (errors == 1 ? " error" : " errors");
  return text;
}

Progress::Progress(ProgressMode mode, int64_t total, std::string unit, double line_interval_s)
    : mode_(mode), total_(total), unit_(std::move(unit)), interval_s_(line_interval_s) {
  if (mode_ == ProgressMode::kAuto) mode_ = resolve_progress_mode(mode_);
  // mpirun forwards a rank's stdout and stderr separately, so a bar on stderr
  // and result lines on stdout would reach its terminal out of order: when
  // both go to that terminal, the bar goes with the lines.
  int target = STDERR_FILENO;
  if (bar() && launched_by_mpirun() && ::isatty(STDERR_FILENO) != 1 &&
      parent_fd_is_terminal(STDOUT_FILENO) && parent_fd_is_terminal(STDERR_FILENO))
    target = STDOUT_FILENO;
  on_stdout_ = target == STDOUT_FILENO;
  if (mode_ != ProgressMode::kNone) fd_ = ::fcntl(target, F_DUPFD_CLOEXEC, 3);
  if (fd_ < 0) mode_ = ProgressMode::kNone;
  if (bar()) draw(true);
}

Progress::~Progress() {
  if (drawn_) write("\n");  // ended early (an error): leave the bar, end its line
  if (fd_ >= 0) ::close(fd_);
}

void Progress::write(const std::string& text) {
  if (on_stdout_) std::fflush(stdout);  // the lines printed so far come first
  size_t off = 0;
  while (off < text.size()) {
    const ssize_t n = ::write(fd_, text.data() + off, text.size() - off);
    if (n <= 0) return;  // progress is best effort
    off += size_t(n);
  }
}

void Progress::draw(bool force) {
  const auto now = Clock::now();
  const double since_last = std::chrono::duration<double>(now - last_).count();
  if (bar() && !drawn_) force = true;  // cleared for other output: back at once
  if (!force && since_last < (bar() ? 0.1 : interval_s_)) return;
  last_ = now;
  const double elapsed = std::chrono::duration<double>(now - start_).count();
  const std::string text = progress_text(bar(), done_, total_, errors_, elapsed, unit_);
  if (bar()) {
    if (drawn_ && text == shown_) return;
    shown_ = text;
    write("\r\033[K" + text);
    drawn_ = true;
  } else {
    write(text + "\n");
  }
}

void Progress::update(int64_t done, int64_t errors) {
  done_ = done;
  errors_ = errors;
  if (mode_ != ProgressMode::kNone) draw(false);
}

void Progress::clear() {
  if (!bar() || !drawn_) return;
  write("\r\033[K");
  drawn_ = false;
}

void Progress::finish() {
  if (!bar()) return;
  if (done_ < total_ || !drawn_) draw(true);  // else the complete bar is shown
  write("\n");
  drawn_ = false;
}

}  // namespace edgeflow
