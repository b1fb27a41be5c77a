// specavg: the command-line driver. Initializes MPI/PETSc/SLEPc, dispatches on argv[1]
// to a subcommand (src/app/), prints errors (rank 0) and unused-option warnings.
#include <slepcsys.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "specavg/app/commands.hpp"
#include "specavg/io/h5_parallel.hpp"
#include "specavg/util/dense_linalg.hpp"
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

// Warn (rank 0) about options nobody read: usually a misspelling.
void warn_unused_options(MPI_Comm comm) {
  PetscInt n = 0;
  char **names = nullptr, **values = nullptr;
  if (PetscOptionsLeftGet(nullptr, &n, &names, &values)) return;
  for (PetscInt i = 0; i < n; ++i)
    PetscPrintf(comm, "specavg: warning: option -%s was not used (misspelled? '-help' lists the options)\n", names[i]);
  PetscOptionsLeftRestore(nullptr, &n, &names, &values);
}

}  // namespace

int main(int argc, char** argv) {
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
  int nargs = int(args.size());
  args.push_back(nullptr);
  char** av = args.data();
  if (SlepcInitialize(&nargs, &av, nullptr, kUsage)) return 1;
  // One MPI rank per core: BLAS threads would only compete with the other ranks.
  if (!std::getenv("OPENBLAS_NUM_THREADS")) blas_set_threads(1);
  h5_silence_errors();
  PetscPushErrorHandler(PetscReturnErrorHandler, nullptr);

  const MPI_Comm comm = PETSC_COMM_WORLD;
  const PetscErrorCode err = cmd ? cmd->run(comm) : cmd_default(comm);
  int rank = 0;
  MPI_Comm_rank(comm, &rank);
  if (err) {
    const char* text = nullptr;
    char* specific = nullptr;
    PetscErrorMessage(err, &text, &specific);
    const bool collective = err == PETSC_ERR_USER_INPUT || err == PETSC_ERR_NOT_CONVERGED;
    if (rank == 0 || !collective)
      std::fprintf(stderr, "specavg%s%s: error: %s\n", sub.empty() ? "" : " ", sub.c_str(),
                   specific && *specific ? specific : (text ? text : "unknown error"));
    std::fflush(stderr);
    if (!collective) MPI_Abort(comm, 1);  // other ranks may wait in a collective call
    PetscPopErrorHandler();
    SlepcFinalize();
    return 1;
  }
  warn_unused_options(comm);
  PetscPopErrorHandler();
  return SlepcFinalize() ? 1 : 0;
}
