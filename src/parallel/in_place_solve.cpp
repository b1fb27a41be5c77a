#include "specavg/parallel/in_place_solve.hpp"

#include <petscksp.h>

#include <algorithm>
#include <cmath>
#include <string>

#include "specavg/comm/petsc_util.hpp"
#include "specavg/parallel/condition_estimate.hpp"
#include "specavg/parallel/scalapack.hpp"

namespace specavg {

PetscErrorCode reduced_solver_is_default(MPI_Comm comm, bool* is_default) {
  PetscFunctionBeginUser;
  int size;
  PetscCallMPI(MPI_Comm_size(comm, &size));
  PetscHandle<KSP, KSPDestroy> ksp;
  PetscCall(KSPCreate(comm, ksp.address()));
  PetscCall(configure_reduced_ksp(comm, ksp));
  PC pc;
  PetscBool preonly, chol;
  MatSolverType st = nullptr;
  PetscCall(KSPGetPC(ksp, &pc));
  PetscCall(PetscObjectTypeCompare((PetscObject)ksp.get(), KSPPREONLY, &preonly));
  PetscCall(PetscObjectTypeCompare((PetscObject)pc, PCCHOLESKY, &chol));
  if (chol) PetscCall(PCFactorGetMatSolverType(pc, &st));
  *is_default = preonly && chol && st && std::string(st) == (size > 1 ? MATSOLVERSCALAPACK : MATSOLVERPETSC);
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode block_cyclic_symmetric_times(MPI_Comm comm, const BlockCyclic& L, const double* a,
                                            const std::vector<double>& x, std::vector<double>* y) {
  PetscFunctionBeginUser;
  y->assign(std::size_t(L.n), 0.0);
  const long long lld = L.lld();
  for (long long lj = 0; lj < L.locc; ++lj) {
    const long long gj = L.global_col(lj);
    const double* col = a + lj * lld;
    const double xj = x[std::size_t(gj)];
    double yj = 0.0;
    // Rows i ≥ j, in runs of consecutive global indices (a block at a time).
    for (long long li = L.first_local_row_from(gj); li < L.locr;) {
      const long long gi0 = L.global_row(li), len = std::min<long long>(L.nb - li % L.nb, L.locr - li);
      for (long long t = 0; t < len; ++t) {
        const long long gi = gi0 + t;
        const double v = col[li + t];
        (*y)[std::size_t(gi)] += v * xj;
        if (gi != gj) yj += v * x[std::size_t(gi)];
      }
      li += len;
    }
    (*y)[std::size_t(gj)] += yj;
  }
  PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, y->data(), int(y->size()), MPI_DOUBLE, MPI_SUM, comm));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode solve_ridge_in_place(MPI_Comm comm, ReducedSystem* sys, double tau, const std::vector<double>& penalty,
                                    std::vector<double>* coef, SolveReport* rep) {
  PetscFunctionBeginUser;
  const BlockCyclic& L = sys->layout;
  const long long D = sys->dinv, lld = L.lld();
  const int k = sys->ntargets;
  const double W = sys->wsum;
  PetscCheck(sys->owned && !sys->redundant && L.n == D && sys->gram_cyclic.size() == L.local_size() &&
                 sys->rhs_rows.size() == std::size_t(D) * k,
             comm, PETSC_ERR_ARG_WRONGSTATE, "solve_ridge_in_place: a distributed owned system expected");
  double* a = sys->gram_cyclic.data();
  double t = MPI_Wtime();
  // A = G/W + τ diag(penalty) on the lower triangle, the only part ScaLAPACK reads.
  std::vector<double> diag(std::size_t(D), 0.0);
  for (long long lj = 0; lj < L.locc; ++lj) {
    const long long gj = L.global_col(lj);
    double* col = a + lj * lld;
    for (long long li = L.first_local_row_from(gj); li < L.locr; ++li) col[li] /= W;
    const long long ld = L.local_row(gj);
    if (ld >= 0) diag[std::size_t(gj)] = col[ld] += tau * penalty[std::size_t(gj)];
  }
  PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, diag.data(), int(diag.size()), MPI_DOUBLE, MPI_SUM, comm));
  const ReplicatedOp times = [&](const std::vector<double>& x, std::vector<double>* y) {
    return block_cyclic_symmetric_times(comm, L, a, x, y);
  };
  std::vector<double> s;
  bool positive = false;
  double lmax = 0;
  PetscCall(jacobi_lmax(diag, times, &s, &positive, &lmax));  // needs A: before the factor overwrites it
  rep->t_convert = MPI_Wtime() - t;

  t = MPI_Wtime();
  BlacsGrid grid;
  PetscCall(grid.init(comm, L));
  int info = 0;
  PetscCall(block_cyclic_cholesky(comm, grid, L, a, &info));
  rep->factor_failed = info != 0;
  rep->t_setup = MPI_Wtime() - t;
  if (rep->factor_failed) PetscFunctionReturn(PETSC_SUCCESS);
  rep->method = "cholesky (scalapack pdpotrf, factored in place)";
  if (positive) {
    double inv = 0;
    const ReplicatedOp solve = [&](const std::vector<double>& b, std::vector<double>* x) {
      return block_cyclic_cholesky_solve(comm, grid, L, a, b, 1, x);
    };
    PetscCall(jacobi_inverse(solve, s, &inv));
    rep->condition = std::isfinite(lmax * inv) ? lmax * inv : HUGE_VAL;
  } else {
    rep->condition = HUGE_VAL;
  }

  t = MPI_Wtime();
  std::vector<double> b(sys->rhs_rows);
  for (double& v : b) v /= W;
  PetscCall(block_cyclic_cholesky_solve(comm, grid, L, a, b, k, coef));
  rep->iterations += k;
  rep->t_solve = MPI_Wtime() - t;
  std::vector<double>().swap(sys->gram_cyclic);

  // The true residual (G/W + τ diag(penalty)) x − rhs/W, with G·x from the data; every
  // rank holds everything, so every rank computes the same numbers.
  rep->max_rel_residual = -1.0;
  if (sys->gram_times) {
    t = MPI_Wtime();
    std::vector<double> gx;
    PetscCall(sys->gram_times(*coef, &gx));
    rep->max_rel_residual = 0.0;
    for (int c = 0; c < k; ++c) {
      double rr = 0, bb = 0;
      for (long long i = 0; i < D; ++i) {
        const std::size_t g = std::size_t(i) * k + c;
        const double ri = gx[g] / W + tau * penalty[std::size_t(i)] * (*coef)[g] - b[g];
        rr += ri * ri;
        bb += b[g] * b[g];
      }
      rep->max_rel_residual = std::max(rep->max_rel_residual, bb > 0 ? std::sqrt(rr / bb) : std::sqrt(rr));
    }
    rep->t_residual = MPI_Wtime() - t;
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

}  // namespace specavg
