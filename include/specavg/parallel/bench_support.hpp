#pragma once
// Building blocks of `specavg bench` (app/cmd_bench.cpp): a per-phase peak-memory probe
// and the RMSE of a model on row-distributed data (the data come from parallel/synth.hpp).
// Collective on comm unless stated.
#include <mpi.h>
#include <petscsys.h>

#include "specavg/parallel/dataset.hpp"
#include "specavg/estimate/model.hpp"

namespace specavg {

// Peak resident memory of this process from now on (Linux: clear_refs resets VmHWM;
// elsewhere the process-lifetime peak). Local.
void reset_peak_memory();
// Max over ranks of the peak resident set (MiB) since reset_peak_memory().
PetscErrorCode peak_memory_mib(MPI_Comm comm, double* mib);

// RMSE of a model against the data's values (truth = false) or truth.
PetscErrorCode model_rmse(MPI_Comm comm, const Model& model, const LocalData& data, bool truth, double* rmse);

}  // namespace specavg
