// Errors as values with context: bad input and planning failures throw
// edgeflow::Error carrying the exit status of docs/user-contract.md; programmer errors are
// EF_ASSERT, which prints file:line and aborts.
#pragma once

#include <stdexcept>
#include <string>

namespace edgeflow {

// Exit statuses of the user's contract (docs/user-contract.md).
enum class ExitCode : int {
  kOk = 0,
  kBadInput = 1,     // bad usage or bad input (flags, model, input files)
  kRuntime = 2,      // a rank failed, a wait timed out, a rank was lost
  kVerify = 3,       // --verify found a difference above tolerance
  kInterrupted = 130,
};

// An error a user can act on; what() is the message without the
// "edgeflow: error: " prefix, naming the thing at fault.
class Error : public std::runtime_error {
 public:
  Error(ExitCode code, const std::string& message)
      : std::runtime_error(message), code_(code) {}
  ExitCode code() const { return code_; }

 private:
  ExitCode code_;
};

// Throws an Error with exit status 1 (bad usage or bad input).
[[noreturn]] inline void fail_input(const std::string& message) {
  throw Error(ExitCode::kBadInput, message);
}

// Throws an Error with exit status 2 (runtime failure).
[[noreturn]] inline void fail_runtime(const std::string& message) {
  throw Error(ExitCode::kRuntime, message);
}

[[noreturn]] void assertion_failed(const char* expr, const char* file, int line);

}  // namespace edgeflow

// Programmer error: prints file:line and aborts the job.
#define EF_ASSERT(cond) \
  ((cond) ? (void)0 : ::edgeflow::assertion_failed(#cond, __FILE__, __LINE__))
