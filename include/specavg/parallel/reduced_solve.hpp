#pragma once
// Global reduced optimization (DESIGN.md §2.4). Collective on comm.
//  * spectral: a = ΨᵀWy / W (an MPI reduction; the projection Q Qᵀ is built into ψ).
//  * ridge:    (ΨᵀWΨ/W + τ diag(w)) a = ΨᵀWy / W with penalty weights w per feature
//              (estimate/model.hpp penalty_weights: Sobolev (1+λ)^s or a kernel's 1/μ_λ).
//    For D_inv ≥ 64·P the D_inv × D_inv matrix is a PETSc MATDENSE with rows spread over
//    the ranks (each rank receives only its rows, by MPI_Reduce_scatter); smaller systems
//    are all-reduced and solved redundantly on every rank (PETSC_COMM_SELF). Either way
//    a KSP with options prefix "reduced_" solves it. Default: KSPPREONLY + PCCHOLESKY (ScaLAPACK on several ranks,
//    PETSc's dense Cholesky on one); any KSP/PC works, e.g. -reduced_ksp_type cg
//    (PC Jacobi unless -reduced_pc_type is given). The factorization is done once and
//    shared by all targets (right-hand sides).
#include <mpi.h>
#include <petscksp.h>

#include <string>
#include <vector>

#include "specavg/parallel/features.hpp"
#include "specavg/estimate/model.hpp"

namespace specavg {

struct SolveReport {
  std::string method;             // e.g. "preonly/cholesky (scalapack)"
  PetscInt iterations = 0;        // summed over targets
  double max_rel_residual = 0.0;  // max over targets of ||A a − b|| / ||b||
  double t_reduce = 0.0, t_setup = 0.0, t_solve = 0.0;
  double wsum = 0.0;
  long long n = 0;
};

// Default type (preonly + Cholesky, ScaLAPACK on several ranks), prefix "reduced_", then
// the options database. Collective.
PetscErrorCode configure_reduced_ksp(MPI_Comm comm, KSP ksp);
// The same defaults under another options prefix (e.g. "krr_"). Collective.
PetscErrorCode configure_spd_ksp(MPI_Comm comm, KSP ksp, const char* prefix);
// Solve (A + shift·I) X = bscale·B for an assembled symmetric MATDENSE A (rows
// distributed on comm) with a KSP configured by configure_spd_ksp(prefix); B holds this
// rank's rows (nloc × k, row-major). x_all receives the whole solution (N × k, row-major)
// on every rank. One factorization serves all k columns. A is not modified (the shift is
// applied to ScaLAPACK's copy, or to a copy for the other solvers). Collective.
PetscErrorCode solve_dense_spd(MPI_Comm comm, Mat A, const char* prefix, const std::vector<double>& brows, int k,
                               double bscale, double shift, std::vector<double>* x_all, SolveReport* report);

// `local` holds this rank's partial sums (assemble_local); coef receives the D_inv × k
// coefficients (row-major) on every rank.
PetscErrorCode solve_reduced(MPI_Comm comm, const NormalEquations& local, EstimatorKind estimator, double tau,
                             const std::vector<double>& penalty, std::vector<double>* coef, SolveReport* report);

}  // namespace specavg
