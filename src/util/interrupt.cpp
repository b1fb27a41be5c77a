#include "specavg/util/interrupt.hpp"

#include <cstdio>

namespace specavg {
namespace {

volatile std::sig_atomic_t g_signal = 0;
constexpr int kSignals[3] = {SIGUSR1, SIGTERM, SIGINT};

extern "C" void set_interrupt_flag(int sig) { g_signal = sig; }

}  // namespace

InterruptHandlers::InterruptHandlers() {
  g_signal = 0;
  struct sigaction sa {};
  sa.sa_handler = set_interrupt_flag;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = SA_RESTART;  // system calls inside MPI and HDF5 continue; the loop polls the flag
  for (int i = 0; i < 3; ++i) sigaction(kSignals[i], &sa, &old_[i]);
}

InterruptHandlers::~InterruptHandlers() {
  for (int i = 0; i < 3; ++i) sigaction(kSignals[i], &old_[i], nullptr);
}

int interrupt_signal() { return int(g_signal); }

const char* signal_name(int sig) {
  switch (sig) {
    case SIGUSR1: return "SIGUSR1";
    case SIGTERM: return "SIGTERM";
    case SIGINT: return "SIGINT";
    default: {
      static char buf[32];
      std::snprintf(buf, sizeof buf, "signal %d", sig);
      return buf;
    }
  }
}

}  // namespace specavg
