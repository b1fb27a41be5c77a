#pragma once
// Running the specavg executable under mpiexec from a test: exit status, wall time, the
// merged stdout/stderr, and each rank's own exit status where it exited by itself.
#include <sys/wait.h>

#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

namespace specavg_cli {

struct Job {
  int code = -1;          // mpiexec's exit status (124: killed by `timeout`)
  double seconds = 0;     // wall time
  std::string output;     // stdout + stderr
  std::vector<int> rank_exits;  // "specavg-exit=<status>" lines of ranks that exited by themselves
};

// One rank's program: specavg with `args`, reporting its exit status; `pre` runs first
// (e.g. "ulimit -v 700000;").
inline std::string rank_program(const std::string& args, const std::string& pre = "") {
  return "sh -c '" + pre + " " + SPECAVG_EXE + " \"$@\"; s=$?; echo specavg-exit=$s; exit $s' sh " + args;
}

// mpiexec <launch> with `env` (e.g. "SPECAVG_INJECT_FAILURE=alloc:1"), killed after
// limit_s seconds.
inline Job run_mpi(const std::string& launch, const std::string& env = "", int limit_s = 120) {
  const std::string cmd = "timeout -k 5 " + std::to_string(limit_s) + " env " + env + " " + SPECAVG_MPIEXEC + " " +
                          launch + " 2>&1";
  Job j;
  const auto t0 = std::chrono::steady_clock::now();
  FILE* p = popen(cmd.c_str(), "r");
  if (!p) return j;
  char buf[4096];
  while (std::fgets(buf, sizeof buf, p)) j.output += buf;
  const int st = pclose(p);
  j.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  j.code = WIFEXITED(st) ? WEXITSTATUS(st) : 128;
  for (std::size_t at = j.output.find("specavg-exit="); at != std::string::npos;
       at = j.output.find("specavg-exit=", at + 1))
    j.rank_exits.push_back(std::atoi(j.output.c_str() + at + 13));
  return j;
}

// Every rank runs specavg with `args`.
inline Job run_ranks(int np, const std::string& args, const std::string& env = "", int limit_s = 120) {
  return run_mpi("-n " + std::to_string(np) + " " + rank_program(args), env, limit_s);
}

inline bool contains(const std::string& text, const std::string& what) {
  return text.find(what) != std::string::npos;
}

}  // namespace specavg_cli
