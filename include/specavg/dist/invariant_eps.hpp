#pragma once
// The invariant subspace ker C of a large eigenspace with SLEPc, matrix-free
// (DESIGN.md §1): C = Σ_j (2I − D_j − D_jᵀ) is applied through a MATSHELL that calls
// EigenspaceAction::apply_constraint, never formed.
#include <mpi.h>
#include <petscsys.h>

#include <vector>

#include "specavg/group/eigenspace_action.hpp"

namespace specavg {

struct NullSpaceEpsOptions {
  double null_tol = 1e-8;         // eigenvalues of C below null_tol · max(1, r) count as zero
  double eps_tol = 1e-12;         // SLEPc convergence tolerance (relative residual)
  int max_it = 0;                 // 0: SLEPc's default
  const char* prefix = "basis_";  // options prefix of the EPS (e.g. -basis_eps_type)
};

struct NullSpaceEpsReport {
  int rounds = 0;             // deflated EPS solves until completeness was certified
  long long matvecs = 0;      // applications of C (one per vector)
  double gap = 0.0;           // smallest eigenvalue of C found above the threshold
  double max_residual = 0.0;  // max ||C v|| over the returned null vectors
};

// Collective on comm (normally PETSC_COMM_SELF: one eigenspace per rank). Returns an
// orthonormal basis V (m × k, column-major) of ker C. Completeness is certified: the
// solve is repeated with the found vectors deflated until an eigenvalue above the
// threshold has converged in the deflated problem (or the whole space is null).
// Errors (no convergence) are PETSC_ERR_NOT_CONVERGED with a message naming the options.
PetscErrorCode null_space_eps(MPI_Comm comm, const EigenspaceAction& action, const NullSpaceEpsOptions& opt,
                              std::vector<double>* V, int* k, NullSpaceEpsReport* rep);

}  // namespace specavg
