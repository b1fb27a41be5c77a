#pragma once
// The `specavg` command line: subcommands synth, train, predict, eval, info, and the
// default job (no subcommand). Every command is collective on comm, reads its options
// from the PETSc options database (-help lists them) and returns PETSC_ERR_USER_INPUT,
// on every rank alike, for bad input.
#include <mpi.h>
#include <petscsys.h>

namespace specavg {

PetscErrorCode cmd_synth(MPI_Comm comm);
PetscErrorCode cmd_train(MPI_Comm comm);
PetscErrorCode cmd_predict(MPI_Comm comm);
PetscErrorCode cmd_eval(MPI_Comm comm);
PetscErrorCode cmd_info(MPI_Comm comm);
PetscErrorCode cmd_default(MPI_Comm comm);
PetscErrorCode cmd_bench(MPI_Comm comm);

}  // namespace specavg
