#pragma once
// Building blocks of `specavg bench` (app/cmd_bench.cpp): in-memory synthetic data, a
// per-phase peak-memory probe, and one bench fit of each kind on row-distributed data.
// Collective on comm unless stated.
#include <mpi.h>
#include <petscsys.h>

#include <string>
#include <vector>

#include "specavg/dist/dataset.hpp"
#include "specavg/dist/krr.hpp"
#include "specavg/estimate/synthetic_target.hpp"

namespace specavg {

// This rank's block of the data set `seed` of n points: the rows synth would write
// (uniform points, values = target + noise·N(0,1), truth = target). Data sets of one seed
// are nested in n (the first rows agree), so learning curves reuse the same points.
PetscErrorCode synth_local(MPI_Comm comm, const Manifold& M, const TargetFunction& target, unsigned long long seed,
                           long long n, double noise, LocalData* data);

// Peak resident memory of this process from now on (Linux: clear_refs resets VmHWM;
// elsewhere the process-lifetime peak). Local.
void reset_peak_memory();
// Max over ranks of the peak resident set (MiB) since reset_peak_memory().
PetscErrorCode peak_memory_mib(MPI_Comm comm, double* mib);

// RMSE of a model against the data's values (truth = false) or truth; and the
// seconds to predict them (max over ranks).
PetscErrorCode model_rmse(MPI_Comm comm, const Model& model, const LocalData& data, bool truth, double* rmse,
                          double* seconds);

}  // namespace specavg
