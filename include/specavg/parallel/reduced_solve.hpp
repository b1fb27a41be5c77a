#pragma once
// Global reduced optimization (docs/mathematics.md). Collective on comm.
//  * spectral: a = ΨᵀWy / W (an MPI reduction; the projection Q Qᵀ is built into ψ).
//  * ridge:    (ΨᵀWΨ/W + τ diag(w)) a = ΨᵀWy / W with penalty weights w per feature
//              (estimate/model.hpp penalty_weights: Sobolev (1+λ)^s or a kernel's 1/μ_λ).
//    For D_inv ≥ 64·P the D_inv × D_inv matrix is a PETSc MATDENSE with rows spread over
//    the ranks (each rank receives only its rows, by MPI_Reduce_scatter); smaller systems
//    are all-reduced and solved redundantly on every rank (PETSC_COMM_SELF). Rows assembled
//    by owned rows (parallel/owned_gram.hpp) need no reduction and, distributed with the
//    default solver, are factored in place (parallel/in_place_solve.hpp). Either way
//    a KSP with options prefix "reduced_" solves it. Default: KSPPREONLY + PCCHOLESKY (ScaLAPACK on several ranks,
//    PETSc's dense Cholesky on one); any KSP/PC works, e.g. -reduced_ksp_type cg
//    (PC Jacobi unless -reduced_pc_type is given). The factorization is done once and
//    shared by all targets (right-hand sides).
#include <mpi.h>
#include <petscksp.h>

#include <functional>
#include <string>
#include <vector>

#include "specavg/parallel/features.hpp"
#include "specavg/estimate/model.hpp"

namespace specavg {

// Collective. Rank r's rows [ranges[r], ranges[r+1]) of the sum over ranks of a row-major
// (ranges[P] × width) array, into *mine. The reduction runs in rounds of at most
// chunk_bytes, so neither the packed send buffer nor MPI's internal reduce-scatter
// buffers (a full copy in Open MPI's ring and recursive-halving algorithms) ever hold a
// second D_inv × D_inv array next to the rank's partial sums.
PetscErrorCode reduce_scatter_rows(MPI_Comm comm, const double* full, const PetscInt* ranges, int width,
                                   std::vector<double>* mine, std::size_t chunk_bytes = std::size_t(32) << 20);

struct SolveReport {
  std::string method;             // e.g. "preonly/cholesky (scalapack)"
  PetscInt iterations = 0;        // summed over targets
  double max_rel_residual = 0.0;  // max over targets of ||A a − b|| / ||b||
  // Well-posedness (direct factorizations): the factorization failed (not positive
  // definite), or the estimate ||A||₁·||A⁻¹|| of the condition number from a few inverse
  // iterations with the factor (−1 when not computed). solve_dense_spd returns without
  // solving when the factorization failed; callers turn either into their message.
  bool factor_failed = false;
  double condition = -1.0;
  double t_reduce = 0.0, t_setup = 0.0, t_solve = 0.0;
  double t_convert = 0.0, t_residual = 0.0;  // in-place path: scaling + power iterations; residual pass
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

// KSPSolve(ksp, b, x), then the true relative residual ||op x − b|| / ||b|| (||op x − b||
// when b = 0) with r as work space: what every solve reports, whatever the KSP's own norm.
// Collective on ksp.
PetscErrorCode ksp_solve_true_residual(KSP ksp, Mat op, Vec b, Vec x, Vec r, PetscInt* its, KSPConvergedReason* reason,
                                       double* rel_residual);

// Condition numbers from which a system counts as numerically singular: 1/(n·ε).
double singular_condition(PetscInt n);

// The reduced system after the MPI reduction (the pipeline's reduce stage): the global
// sums ΨᵀWΨ and ΨᵀWY (not yet divided by W), either whole on every rank (redundant) or
// by rows [row_begin, row_begin + row_count) on each rank (distributed, D_inv ≥ 64·P).
// The spectral estimator needs only rhs (always whole).
struct ReducedSystem {
  int dinv = 0, ntargets = 0;
  bool with_gram = true, redundant = true;
  PetscInt row_begin = 0, row_count = 0;
  std::vector<double> gram_rows;  // row_count × dinv, row-major
  std::vector<double> rhs_rows;   // row_count × ntargets (spectral: dinv × ntargets)
  double wsum = 0.0;              // W = Σ w_i over all ranks
  long long n = 0, n_positive = 0;
  double t_reduce = 0.0;
  // Assembled owned (parallel/owned_gram.hpp) and distributed: gram_rows is unused, and
  // gram_cyclic holds this rank's block-cyclic share of the lower triangle (`layout`),
  // which solve_ridge factors in place (parallel/in_place_solve.hpp), so a rank holds
  // about 8·D_inv²/P bytes; rhs_rows is whole (dinv × ntargets) on every rank.
  bool owned = false;
  BlockCyclic layout;
  std::vector<double> gram_cyclic;
  // G·X without G (D_inv × k row-major in and out, on every rank; collective): the true
  // residual of a matrix factored in place. Unset: that residual is not computed.
  std::function<PetscErrorCode(const std::vector<double>& X, std::vector<double>* GX)> gram_times;
};

// Reduces the ranks' partial sums; `local` is consumed (its Gram is reduced in place and
// moved). Owned-row sums (local->owned) are already global: distributed, they are moved
// (sys->owned); redundant (one rank, or D_inv < 64·P), they are all-gathered. Collective.
PetscErrorCode reduce_normal_equations(MPI_Comm comm, NormalEquations* local, ReducedSystem* sys);

// The agreed message of an ill-posed ridge fit: names τ, n/D_inv and the remedies.
std::string ill_posed_message(const std::string& why, double tau, long long n_positive, int dinv);

// Spectral averaging: coef = ΨᵀWY / W. Local (the reduction is done).
void spectral_coefficients(const ReducedSystem& sys, std::vector<double>* coef);

// Ridge: (ΨᵀWΨ/W + τ diag(penalty)) coef = ΨᵀWY/W on every rank. Refuses ill-posed fits
// (τ = 0 with fewer positively weighted points than features, a failed factorization,
// or a condition number above singular_condition) with ill_posed_message on every rank.
// release = true frees sys->gram_rows once the matrix is built. Collective.
PetscErrorCode solve_ridge(MPI_Comm comm, ReducedSystem* sys, double tau, const std::vector<double>& penalty,
                           bool release, std::vector<double>* coef, SolveReport* report);

// Reduce + solve of a copy of `local` (several τ on one assembly, e.g. bench): coef
// receives the D_inv × k coefficients (row-major) on every rank.
PetscErrorCode solve_reduced(MPI_Comm comm, const NormalEquations& local, const Estimator& estimator, double tau,
                             const std::vector<double>& penalty, std::vector<double>* coef, SolveReport* report);

}  // namespace specavg
