#pragma once
// Interruption by the batch system: SIGUSR1 (SLURM's --signal=B:USR1@T before the time
// limit), SIGTERM (preemption, scancel) and SIGINT (Ctrl-C). While an InterruptHandlers
// object lives, these signals only set a flag (async-signal-safe); the training loop
// reads it at block boundaries, the ranks agree on it, a checkpoint is written and the
// process exits with kExitResume. Not thread-safe to construct from several threads;
// one object at a time per process.
#include <csignal>

namespace specavg {

// Exit status of a run that stopped on a signal and can be resumed ("resume me"):
// EX_TEMPFAIL of <sysexits.h>. With -checkpoint, resume with -restart <checkpoint>.
constexpr int kExitResume = 75;

class InterruptHandlers {
 public:
  InterruptHandlers();   // installs the flag-setting handler for SIGUSR1, SIGTERM, SIGINT
  ~InterruptHandlers();  // restores the previous handlers (PETSc's, or the default)
  InterruptHandlers(const InterruptHandlers&) = delete;
  InterruptHandlers& operator=(const InterruptHandlers&) = delete;

 private:
  struct sigaction old_[3];
};

// The last of the three signals received since the handlers were installed, or 0.
int interrupt_signal();
// "SIGTERM", "SIGUSR1", "SIGINT" or "signal N".
const char* signal_name(int sig);

}  // namespace specavg
