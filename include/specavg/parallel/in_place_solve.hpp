#pragma once
// The distributed ridge solve of owned Gram rows (parallel/owned_gram.hpp) with one copy
// of the matrix: the rows go straight into ScaLAPACK's block-cyclic matrix and are freed,
// and the Cholesky factor overwrites that matrix (MatCholeskyFactor on MATSCALAPACK). A
// rank holds 8·D_inv²/P bytes for the matrix, twice that only while the rows are copied.
// Since A is gone once factored, the condition estimate's power iterations run before the
// factorization and the true residual ||A x − b|| / ||b|| uses ReducedSystem::gram_times
// (one more pass over the data) instead of A.
#include <mpi.h>
#include <petscsys.h>

#include <vector>

#include "specavg/parallel/reduced_solve.hpp"

namespace specavg {

// Whether the "reduced_" solver is the default preonly + Cholesky through ScaLAPACK (no
// -reduced_ksp_type/-reduced_pc_type choosing another), which the in-place path
// implements; otherwise solve_ridge keeps the general KSP path. Collective.
PetscErrorCode in_place_solver_applies(MPI_Comm comm, bool* applies);

// (G/W + τ diag(penalty)) coef = rhs/W for a distributed owned system (sys->owned,
// !sys->redundant); frees sys->gram_rows. coef (D_inv × k, row-major) on every rank;
// rep as solve_dense_spd fills it (factor_failed, condition, method, residual: −1 when
// sys->gram_times is unset), plus t_convert and t_residual. Collective.
PetscErrorCode solve_ridge_in_place(MPI_Comm comm, ReducedSystem* sys, double tau, const std::vector<double>& penalty,
                                    std::vector<double>* coef, SolveReport* rep);

}  // namespace specavg
