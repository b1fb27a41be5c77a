#pragma once
// The distributed ridge solve of an owned Gram matrix (parallel/owned_gram.hpp) with one
// copy of the matrix: the assembly summed straight into ScaLAPACK's block-cyclic layout,
// and ScaLAPACK's Cholesky factor (pdpotrf, lower triangle) overwrites that array, so a
// rank holds 8·D_inv²/P bytes for the matrix from the first block to the solution.
// Since A is gone once factored, the condition estimate's power iterations run before the
// factorization and the true residual ||A x − b|| / ||b|| uses ReducedSystem::gram_times
// (one more pass over the data) instead of A.
#include <mpi.h>
#include <petscsys.h>

#include <vector>

#include "specavg/parallel/reduced_solve.hpp"

namespace specavg {

// Whether the "reduced_" solver options are the defaults (preonly + Cholesky: ScaLAPACK
// on several ranks, PETSc's on one), which the owned route solves with; another
// -reduced_ksp_type/-reduced_pc_type/-reduced_pc_factor_mat_solver_type needs the
// replicated route. Collective.
PetscErrorCode reduced_solver_is_default(MPI_Comm comm, bool* is_default);

// (G/W + τ diag(penalty)) coef = rhs/W for a distributed owned system (sys->owned,
// !sys->redundant); overwrites and then frees sys->gram_cyclic. coef (D_inv × k,
// row-major) on every rank; rep as solve_dense_spd fills it (factor_failed, condition,
// method, residual: −1 when sys->gram_times is unset), plus t_convert (scaling and the
// power iterations) and t_residual. Collective.
PetscErrorCode solve_ridge_in_place(MPI_Comm comm, ReducedSystem* sys, double tau, const std::vector<double>& penalty,
                                    std::vector<double>* coef, SolveReport* rep);

// y = A x for a symmetric A of which this rank holds the block-cyclic share `a` (only the
// lower triangle is read); x and y whole (n entries) on every rank. Collective.
PetscErrorCode block_cyclic_symmetric_times(MPI_Comm comm, const BlockCyclic& layout, const double* a,
                                            const std::vector<double>& x, std::vector<double>* y);

}  // namespace specavg
