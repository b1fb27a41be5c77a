// specavg: the command-line driver. Initializes MPI/PETSc/SLEPc, dispatches on argv[1]
// to a subcommand (src/app/) and ends the run so that no failure hangs it (see
// comm/errors.hpp): agreed errors are printed once and every rank exits 1; any other
// error or escaped exception is printed by its rank, which then aborts the job.
#include <slepcsys.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include <unistd.h>

#include "specavg/app/commands.hpp"
#include "specavg/app/options.hpp"
#include "specavg/comm/errors.hpp"
#include "specavg/io/h5_parallel.hpp"
#include "specavg/util/dense_linalg.hpp"
#include "specavg/util/failure.hpp"
#include "specavg/comm/petsc_util.hpp"

namespace {

using namespace specavg;

const char* kUsage =
    "specavg: exactly invariant regression on S^2, S^{d-1} and T^d by Spectral Averaging (MPI/PETSc/SLEPc)\n\n"
    "usage: mpiexec -n P specavg [subcommand] [options]\n"
    "  synth    synthesize uniform points with an exactly invariant noisy target\n"
    "  train    fit an invariant model (-data, -group, -lmax, -estimator, -tau, -model), or a\n"
    "           kernel-ridge baseline (-method krr|krr-ga|krr-aug)\n"
    "  predict  evaluate a model at points (-model, -points, -output)\n"
    "  eval     test RMSE and invariance discrepancy (-model, -data)\n"
    "  info     describe a model or a group (-model | -group [-lmax] [-order])\n"
    "  bench    all methods on the same synthetic data; CSV of RMSE, time, discrepancy, memory\n"
    "  (none)   the default job: synth -> train -> predict -> eval for I_h\n"
    "Use 'specavg <subcommand> -help' for the options of a subcommand.\n\n";

struct Command {
  const char* name;
  PetscErrorCode (*run)(MPI_Comm);
};
const Command kCommands[] = {{"synth", cmd_synth}, {"train", cmd_train}, {"predict", cmd_predict},
                             {"eval", cmd_eval},   {"info", cmd_info},   {"bench", cmd_bench}};

// Warn (rank 0) about options nobody read by the end (options of a PETSc family that the
// run never used, e.g. -reduced_ksp_type for synth; unknown ones are refused up front).
void warn_unused_options(MPI_Comm comm) {
  PetscInt n = 0;
  char **names = nullptr, **values = nullptr;
  if (PetscOptionsLeftGet(nullptr, &n, &names, &values)) return;
  for (PetscInt i = 0; i < n; ++i)
    PetscPrintf(comm, "specavg: warning: option -%s was not used by this command\n", names[i]);
  PetscOptionsLeftRestore(nullptr, &n, &names, &values);
}

// -help, -h and --help: specavg's own help; -help_petsc: PETSc's too (passed on as -help).
HelpMode take_help_flags(std::vector<char*>* args) {
  static char petsc_help[] = "-help";
  HelpMode mode = HelpMode::None;
  for (std::size_t i = 1; i < args->size();) {
    const std::string a = (*args)[i];
    if (a == "-help" || a == "-h" || a == "--help") {
      if (mode == HelpMode::None) mode = HelpMode::Specavg;
      args->erase(args->begin() + long(i));
      continue;
    }
    if (a == "-help_petsc") {
      mode = HelpMode::Petsc;
      (*args)[i] = petsc_help;
    }
    ++i;
  }
  return mode;
}

// One MPI rank per core by default: BLAS threads would compete with the other ranks. The
// user's OPENBLAS_NUM_THREADS or OMP_NUM_THREADS (which OpenBLAS reads itself) win.
void configure_blas_threads() {
  if (!std::getenv("OPENBLAS_NUM_THREADS") && !std::getenv("OMP_NUM_THREADS")) blas_set_threads(1);
}

// Wait up to `seconds` for every rank to reach this point (on `exit_comm`, a communicator
// used for nothing else, so it cannot match another collective call). False on timeout.
bool all_ranks_arrive(MPI_Comm exit_comm, double seconds) {
  MPI_Request req;
  if (MPI_Ibarrier(exit_comm, &req) != MPI_SUCCESS) return false;
  const double t0 = MPI_Wtime();
  int done = 0;
  while (!done) {
    MPI_Test(&req, &done, MPI_STATUS_IGNORE);
    if (done) break;
    if (MPI_Wtime() - t0 > seconds) return false;
    usleep(2000);
  }
  return true;
}

[[noreturn]] void abort_job(MPI_Comm comm, const std::string& prefix, const std::string& message) {
  int rank = 0;
  MPI_Comm_rank(comm, &rank);
  std::fprintf(stderr, "%s: error on rank %d: %s\n", prefix.c_str(), rank, message.c_str());
  std::fprintf(stderr, "%s: aborting all ranks (the others may be waiting in a collective call)\n", prefix.c_str());
  std::fflush(stderr);
  remove_tracked_temporaries();
  MPI_Abort(comm, 1);
  std::_Exit(1);
}

// glibc's malloc backs its heap and large blocks with transparent huge pages only when the
// glibc.malloc.hugetlb tunable is set, and tunables are read at start-up, so the process
// re-executes itself once with it (before MPI starts; same PID and arguments). On this VM
// first touches of 4 KiB pages dominated reading a stored basis: 90 MB of Q in 0.48 s
// with 4 KiB pages, 0.04 s with huge pages. SPECAVG_HUGE_PAGES=0 turns it off; a
// GLIBC_TUNABLES that already names the tunable, or THP set to "never", leaves it alone.
void reexec_with_huge_page_malloc(char** argv) {
  const char* off = std::getenv("SPECAVG_HUGE_PAGES");
  if (off && std::strcmp(off, "0") == 0) return;
  const char* tunables = std::getenv("GLIBC_TUNABLES");
  if (tunables && std::strstr(tunables, "glibc.malloc.hugetlb")) return;
  if (FILE* f = std::fopen("/sys/kernel/mm/transparent_hugepage/enabled", "r")) {
    char mode[128] = "";
    const bool never = std::fgets(mode, sizeof mode, f) && std::strstr(mode, "[never]");
    std::fclose(f);
    if (never) return;
  } else {
    return;  // no THP here
  }
  char self[4096];
  const ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
  if (n <= 0) return;
  self[n] = '\0';  // the real path, so the process keeps its name (not "exe")
  const std::string value = tunables && *tunables ? std::string(tunables) + ":glibc.malloc.hugetlb=1"
                                                   : std::string("glibc.malloc.hugetlb=1");
  if (setenv("GLIBC_TUNABLES", value.c_str(), 1) != 0) return;
  execv(self, argv);  // returns only on failure: carry on with 4 KiB pages
}

}  // namespace

int main(int argc, char** argv) {
  reexec_with_huge_page_malloc(argv);
  std::string sub;
  std::vector<char*> args(argv, argv + argc);
  if (argc > 1 && argv[1][0] != '-') {
    sub = argv[1];
    args.erase(args.begin() + 1);
  }
  const Command* cmd = nullptr;
  for (const auto& c : kCommands)
    if (sub == c.name) cmd = &c;
  if (!sub.empty() && !cmd) {
    std::fprintf(
        stderr,
        "specavg: unknown subcommand '%s': expected synth, train, predict, eval, info or bench (or none for the "
        "default job)\n",
        sub.c_str());
    return 2;
  }
  const HelpMode help = take_help_flags(&args);
  int nargs = int(args.size());
  args.push_back(nullptr);
  char** av = args.data();
  if (SlepcInitialize(&nargs, &av, nullptr, kUsage)) return 1;
  configure_blas_threads();
  h5_silence_errors();
  PetscPushErrorHandler(specavg_error_handler, nullptr);
  set_help_mode(help);

  const MPI_Comm comm = PETSC_COMM_WORLD;
  int rank = 0;
  MPI_Comm_rank(comm, &rank);
  configure_failure_injection(rank);
  MPI_Comm exit_comm;
  MPI_Comm_dup(comm, &exit_comm);
  const std::string prefix = sub.empty() ? "specavg" : "specavg " + sub;
  if (help == HelpMode::Specavg && rank == 0 && sub.empty()) std::fputs(kUsage, stdout);

  PetscErrorCode err = PETSC_SUCCESS;
  try {
    err = cmd ? cmd->run(comm) : cmd_default(comm);
  } catch (const std::exception& e) {  // an exception that no agreement caught: this rank only
    abort_job(comm, prefix, exception_message(e));
  } catch (...) {
    abort_job(comm, prefix, "unknown exception");
  }
  if (err) {
    const char* text = nullptr;
    char* specific = nullptr;
    PetscErrorMessage(err, &text, &specific);
    std::string message = specific && *specific ? specific : (text ? text : "unknown error");
    if (err == PETSC_ERR_MEM && message.rfind("out of memory", 0) != 0) message = out_of_memory_message(message);
    if (!is_agreed_error(err)) abort_job(comm, prefix, message);
    // Agreed: every rank raised it. Confirm (a wrongly agreed error must not hang the
    // job), then print once and exit 1 everywhere.
    if (rank == 0) std::fprintf(stderr, "%s: error: %s\n", prefix.c_str(), message.c_str());
    std::fflush(stderr);
    if (!all_ranks_arrive(exit_comm, 10.0))
      abort_job(comm, prefix, message + " (raised on this rank only: the other ranks did not stop within 10 s)");
    MPI_Comm_free(&exit_comm);
    PetscPopErrorHandler();
    SlepcFinalize();
    return 1;
  }
  if (!help_requested()) warn_unused_options(comm);
  MPI_Comm_free(&exit_comm);
  PetscPopErrorHandler();
  return SlepcFinalize() ? 1 : exit_status();
}
