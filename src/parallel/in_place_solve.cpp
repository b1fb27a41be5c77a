#include "specavg/parallel/in_place_solve.hpp"

#include <petscksp.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <string>

#include "specavg/comm/petsc_util.hpp"
#include "specavg/parallel/condition_estimate.hpp"

namespace specavg {

PetscErrorCode in_place_solver_applies(MPI_Comm comm, bool* applies) {
  PetscFunctionBeginUser;
  int size;
  PetscCallMPI(MPI_Comm_size(comm, &size));
  *applies = false;
  if (size == 1) PetscFunctionReturn(PETSC_SUCCESS);
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
  *applies = preonly && chol && st && std::string(st) == MATSOLVERSCALAPACK;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode solve_ridge_in_place(MPI_Comm comm, ReducedSystem* sys, double tau, const std::vector<double>& penalty,
                                    std::vector<double>* coef, SolveReport* rep) {
  PetscFunctionBeginUser;
  const PetscInt D = sys->dinv, r0 = sys->row_begin, nloc = sys->row_count;
  const int k = sys->ntargets;
  const double W = sys->wsum;
  PetscCheck(sys->owned && !sys->redundant && sys->gram_rows.size() == std::size_t(nloc) * std::size_t(D), comm,
             PETSC_ERR_ARG_WRONGSTATE, "solve_ridge_in_place: distributed owned rows expected");
  double t = MPI_Wtime();
  PetscHandle<Mat, MatDestroy> A;
  PetscCall(MatCreateScaLAPACK(comm, PETSC_DECIDE, PETSC_DECIDE, D, D, 0, 0, A.address()));
  {
    // A = G/W + τ diag(penalty), row by row into ScaLAPACK's layout through PETSc's stash
    // (an index with every value), flushed every kFlushRows rows so it stays small; the
    // number of flushes is collective, hence the max over ranks.
    std::vector<PetscInt> cols(D);
    std::iota(cols.begin(), cols.end(), PetscInt(0));
    constexpr PetscInt kFlushRows = 256;
    PetscInt chunks = (nloc + kFlushRows - 1) / kFlushRows, max_chunks;
    PetscCallMPI(MPI_Allreduce(&chunks, &max_chunks, 1, MPIU_INT, MPI_MAX, comm));
    for (PetscInt c = 0; c < max_chunks; ++c) {
      for (PetscInt i = c * kFlushRows; i < std::min(nloc, (c + 1) * kFlushRows); ++i) {
        double* row = sys->gram_rows.data() + std::size_t(i) * D;
        for (PetscInt j = 0; j < D; ++j) row[j] /= W;
        row[r0 + i] += tau * penalty[std::size_t(r0 + i)];
        const PetscInt gi = r0 + i;
        PetscCall(MatSetValues(A, 1, &gi, D, cols.data(), row, INSERT_VALUES));
      }
      PetscCall(MatAssemblyBegin(A, MAT_FLUSH_ASSEMBLY));
      PetscCall(MatAssemblyEnd(A, MAT_FLUSH_ASSEMBLY));
    }
    std::vector<double>().swap(sys->gram_rows);  // from here on A is the only copy
    PetscCall(MatAssemblyBegin(A, MAT_FINAL_ASSEMBLY));
    PetscCall(MatAssemblyEnd(A, MAT_FINAL_ASSEMBLY));
    PetscCall(MatSetOption(A, MAT_SYMMETRIC, PETSC_TRUE));  // (MATSCALAPACK takes no MAT_SPD)
  }
  PetscHandle<Vec, VecDestroy> b, x, s, xall;
  PetscHandle<VecScatter, VecScatterDestroy> toall;
  PetscCall(MatCreateVecs(A, x.address(), b.address()));
  PetscCall(VecDuplicate(b, s.address()));
  bool positive = false;
  double lmax = 0;
  PetscCall(jacobi_lmax(A, s, b, x, &positive, &lmax));  // needs A: before the factor overwrites it
  rep->t_convert = MPI_Wtime() - t;

  t = MPI_Wtime();
  {
    MatFactorInfo info;
    PetscCall(MatFactorInfoInitialize(&info));
    PetscCall(PetscPushErrorHandler(PetscReturnErrorHandler, nullptr));
    const PetscErrorCode ierr = MatCholeskyFactor(A, nullptr, &info);
    PetscCall(PetscPopErrorHandler());
    MatFactorError err = MAT_FACTOR_NOERROR;
    if (!ierr) PetscCall(MatFactorGetError(A, &err));
    rep->factor_failed = ierr != 0 || err != MAT_FACTOR_NOERROR;
  }
  rep->t_setup = MPI_Wtime() - t;
  if (rep->factor_failed) PetscFunctionReturn(PETSC_SUCCESS);
  rep->method = "preonly/cholesky (scalapack, factored in place)";
  if (positive) {
    double inv = 0;
    PetscCall(jacobi_inverse([&](Vec rhs, Vec sol) { return MatSolve(A, rhs, sol); }, s, b, x, &inv));
    rep->condition = std::isfinite(lmax * inv) ? lmax * inv : HUGE_VAL;
  } else {
    rep->condition = HUGE_VAL;
  }

  t = MPI_Wtime();
  coef->assign(std::size_t(D) * k, 0.0);
  PetscCall(VecScatterCreateToAll(x, toall.address(), xall.address()));
  std::vector<PetscInt> idx(nloc);
  std::vector<PetscScalar> bcol(nloc);
  std::iota(idx.begin(), idx.end(), r0);
  for (int c = 0; c < k; ++c) {
    // Global indices: ScaLAPACK's vector layout is not our row split.
    for (PetscInt i = 0; i < nloc; ++i) bcol[i] = sys->rhs_rows[std::size_t(i) * k + c] / W;
    PetscCall(VecSet(b, 0.0));
    PetscCall(VecSetValues(b, nloc, idx.data(), bcol.data(), INSERT_VALUES));
    PetscCall(VecAssemblyBegin(b));
    PetscCall(VecAssemblyEnd(b));
    PetscCall(MatSolve(A, b, x));
    PetscCall(VecScatterBegin(toall, x, xall, INSERT_VALUES, SCATTER_FORWARD));
    PetscCall(VecScatterEnd(toall, x, xall, INSERT_VALUES, SCATTER_FORWARD));
    const PetscScalar* xv;
    PetscCall(VecGetArrayRead(xall, &xv));
    for (PetscInt i = 0; i < D; ++i) (*coef)[std::size_t(i) * k + c] = xv[i];
    PetscCall(VecRestoreArrayRead(xall, &xv));
  }
  rep->iterations += k;
  rep->t_solve = MPI_Wtime() - t;

  // The true residual (G/W + τ diag(penalty)) x − rhs/W, with G·x from the data.
  rep->max_rel_residual = -1.0;
  if (sys->gram_times) {
    t = MPI_Wtime();
    std::vector<double> gx;
    PetscCall(sys->gram_times(*coef, &gx));
    std::vector<double> sq(2 * std::size_t(k), 0.0);  // per target: ||r||², ||b||² (this rank's rows)
    for (PetscInt i = 0; i < nloc; ++i)
      for (int c = 0; c < k; ++c) {
        const std::size_t g = std::size_t(r0 + i) * k + c;
        const double bi = sys->rhs_rows[std::size_t(i) * k + c] / W;
        const double ri = gx[g] / W + tau * penalty[std::size_t(r0 + i)] * (*coef)[g] - bi;
        sq[2 * c] += ri * ri;
        sq[2 * c + 1] += bi * bi;
      }
    PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, sq.data(), int(sq.size()), MPI_DOUBLE, MPI_SUM, comm));
    rep->max_rel_residual = 0.0;
    for (int c = 0; c < k; ++c)
      rep->max_rel_residual =
          std::max(rep->max_rel_residual, sq[2 * c + 1] > 0 ? std::sqrt(sq[2 * c] / sq[2 * c + 1]) : std::sqrt(sq[2 * c]));
    rep->t_residual = MPI_Wtime() - t;
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

}  // namespace specavg
