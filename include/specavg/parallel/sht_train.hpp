#pragma once
// The grid path of training (-features sht|auto): the spectral and ridge estimators on
// gridded S² data (RowSource::ring_layout()) by spherical-harmonic transforms
// (parallel/sht_rings.hpp) instead of pointwise features. Collective on comm.
//  * spectral: per batch of targets, the adjoint synthesis ΨᵀWy on each rank's rings, one
//    all-reduce of the (lmax+1)² coefficients, then a = Qᵀ(ΨᵀWy) / W with the invariant
//    basis Q of every degree: the pointwise path's ΨᵀWy / W up to rounding.
//  * ridge: (Qᵀ ΨᵀWΨ Q / W + τ diag(penalty)) a = Qᵀ ΨᵀWy / W by PETSc CG (options prefix
//    reduced_, default -reduced_ksp_rtol 1e-12 on the unpreconditioned residual) on a
//    MATSHELL whose product is expansion by Q, synthesis, weighting, adjoint synthesis
//    (each rank its rings, one all-reduce) and projection by Qᵀ; the Gram matrix is never
//    formed. Preconditioner: Jacobi with the full-sky diagonal 1 + τ·penalty (ΨᵀWΨ/W is the
//    identity on average over the sphere).
// The model is the pointwise path's (same coefficient layout); it carries no error model.
#include <mpi.h>
#include <petscsys.h>

#include <string>

#include "specavg/parallel/train.hpp"

namespace specavg {

// After the read stage: whether this job takes the grid path. -features pointwise: no;
// sht: yes, or an agreed error naming why it cannot (scattered points, another manifold,
// model selection, checkpoints, the error model); auto: yes when it can and gives the
// same model (ridge keeps pointwise while the default error model is computed).
PetscErrorCode sht_wanted(MPI_Comm comm, const TrainOptions& opt, const TrainState& st, bool* use);

// Local. Why the grid path cannot be taken (empty: it can), for data that are (ring_layout)
// or are not a grid of rings. sht_wanted's test; before the read, the resource estimate
// asks it with ring_layout guessed from the file format (FITS or netCDF).
std::string sht_obstacle(const TrainOptions& opt, const Manifold& M, bool ring_layout);

// The basis stage done: gathers the grid by rings and fits the coefficients (st is then
// Solved). *used is false when -features auto finds the grid's points off its rings
// (st->source is rewound for the pointwise path); -features sht fails then.
PetscErrorCode train_sht(MPI_Comm comm, const TrainOptions& opt, TrainState* st, TrainReport* rep, bool* used);

}  // namespace specavg
