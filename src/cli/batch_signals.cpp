// sigaction handlers that record the signal number in a lock-free atomic.
#include "cli/batch_signals.h"

#include <signal.h>

#include <atomic>
#include <csignal>

namespace edgeflow {
namespace {

std::atomic<int> g_stop_signal{0};
static_assert(std::atomic<int>::is_always_lock_free, "the handler needs a lock-free flag");

extern "C" void on_stop_signal(int sig) {
  int expected = 0;
  g_stop_signal.compare_exchange_strong(expected, sig);
}

void install(int sig, int flags) {
  struct sigaction action {};
  action.sa_handler = on_stop_signal;
  sigemptyset(&action.sa_mask);
  action.sa_flags = SA_RESTART | flags;
  sigaction(sig, &action, nullptr);
}

}  // namespace

void install_stop_signals() { install(SIGUSR1, 0); }

GracefulInterrupt::GracefulInterrupt() { install(SIGINT, SA_RESETHAND); }

GracefulInterrupt::~GracefulInterrupt() { std::signal(SIGINT, SIG_DFL); }

int stop_signal() { return g_stop_signal.load(); }

const char* stop_signal_name() {
  switch (stop_signal()) {
    case SIGUSR1:
      return "SIGUSR1";
    case SIGINT:
      return "SIGINT";
    default:
      return "a signal";
  }
}

}  // namespace edgeflow
