#pragma once
// The invariant subspace ker C of a large eigenspace with SLEPc, matrix-free
// (docs/mathematics.md): C = Σ_j (2I − D_j − D_jᵀ) is applied through a MATSHELL that calls
// EigenspaceAction::apply_constraint, never formed. Products with many vectors at once
// (SLEPc's BVMatMult) reach apply_constraint as one block call (BLAS-3 for collocation).
//
// Method: the null eigenvalue is k-fold degenerate (k unknown), which single-vector Krylov
// methods (krylovschur, arpack) and small-block Davidson (gd) miss — they return fewer
// null vectors and a false certificate — so the default solver is the block method LOBPCG
// (block = number requested, ST preonly/PC none), run in rounds with the vectors found so
// far deflated and the request doubled (initial_nev, 2·, 4·, ...) until an eigenvalue above
// the threshold converges. A dense completion (Qᵀ C Q on the orthogonal complement Q of
// the vectors found: m − k_found applications of C in blocks plus a dense eigensolve, which
// sees the whole remaining spectrum) takes over when a flop model predicts the next round
// to cost more, when LOBPCG stops unconverged (a tiny gap), and always when the remaining
// dimension is below five blocks (LOBPCG's minimum). A round requesting nev vectors costs
// about 3·its·nev applications of C (its = 30–75 at 1e-12 for gap/4r ≈ 0.3–0.03), the dense
// completion m of them plus ~7m³ flops: LOBPCG wins for k ≪ m/100, dense for k ≳ m/20.
//
// Options (prefix opt.prefix, default "basis_"): every EPS option, e.g.
// -basis_eps_type, -basis_eps_max_it, -basis_eps_tol, -basis_eps_lobpcg_blocksize,
// -basis_eps_monitor; -info shows one line per round.
#include <mpi.h>
#include <petscsys.h>

#include <vector>

#include "specavg/basis/eigenspace_action.hpp"

namespace specavg {

struct NullSpaceEpsOptions {
  double null_tol = 1e-8;  // eigenvalues of C below null_tol · max(1, r) count as zero
  // Convergence of the null vectors: ||C v − θ v|| ≤ eps_tol · 4r (relative to the spectral
  // bound of C: a residual relative to θ cannot accept θ = 0).
  double eps_tol = 1e-12;
  // Iterations per round. 0: where the round would cost as much as the dense completion
  // (SLEPc's default, max(100, 2m/ncv), when dense_completion is off).
  int max_it = 0;
  const char* prefix = "basis_";  // options prefix of the EPS (e.g. -basis_eps_type)
  // Eigenvalues above the threshold are accepted at ||C v − θ v|| ≤ certify_tol · θ: they
  // only prove completeness, their vectors are not used.
  double certify_tol = 1e-2;
  int initial_nev = 16;  // first guess of the null dimension (doubled per round)
  // Use the dense completion when cheaper or after an unconverged round; when false only
  // SLEPc is used (except below five blocks of remaining dimension), and non-convergence
  // is an error.
  bool dense_completion = true;
};

struct NullSpaceEpsReport {
  int rounds = 0;                 // deflated EPS solves (the dense completion not counted)
  long long matvecs = 0;          // applications of C, one per vector (final check included)
  long long block_calls = 0;      // apply_constraint calls (a block of vectors counts once)
  double gap = 0.0;               // smallest eigenvalue of C found above the threshold (0: none)
  double max_residual = 0.0;      // max ||C v|| over the returned null vectors
  bool dense_completion = false;  // the last step was the dense completion
};

// Collective on comm (normally PETSC_COMM_SELF: one eigenspace per rank; on a larger comm
// the vectors are distributed and every rank applies C to the gathered block). Returns an
// orthonormal basis V (m × k, column-major, identical on all ranks) of ker C. Completeness
// is certified: solves are repeated with the found vectors deflated until an eigenvalue
// above the threshold has converged in the deflated problem, or the dense completion has
// seen the whole remaining spectrum (or the whole space is null). The subspace error
// (sine of the largest principal angle) is about max_residual / gap.
// Errors (no convergence, or a returned vector with ||C v|| above the threshold) are
// PETSC_ERR_NOT_CONVERGED with a message naming the options; action exceptions become
// PETSC_ERR_USER_INPUT.
PetscErrorCode null_space_eps(MPI_Comm comm, const EigenspaceAction& action, const NullSpaceEpsOptions& opt,
                              std::vector<double>* V, int* k, NullSpaceEpsReport* rep);

}  // namespace specavg
