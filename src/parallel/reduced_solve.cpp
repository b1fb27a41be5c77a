#include "specavg/parallel/reduced_solve.hpp"

#include <petscksp.h>

#include <algorithm>
#include <cmath>
#include <string>

#include "specavg/comm/collective.hpp"
#include "specavg/comm/petsc_util.hpp"

namespace specavg {
namespace {

// Distribute the reduced matrix only from this many rows per rank on: below, the
// reduction and a redundant factorization cost less than ScaLAPACK's communication
// (and ScaLAPACK's layout cannot split a few rows over many ranks).
constexpr int kDistributeFrom = 64;

// Each rank's share of the rows of a row-major (rows × width) array, summed over ranks.
PetscErrorCode reduce_scatter_rows(MPI_Comm comm, const double* full, const PetscInt* ranges, int width,
                                   std::vector<double>* mine) {
  PetscFunctionBeginUser;
  int rank, size;
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  PetscCallMPI(MPI_Comm_size(comm, &size));
  std::vector<int> counts(size);
  for (int p = 0; p < size; ++p) counts[p] = int((ranges[p + 1] - ranges[p]) * width);
  mine->resize(counts[rank]);
  PetscCallMPI(MPI_Reduce_scatter(full, mine->data(), counts.data(), MPI_DOUBLE, MPI_SUM, comm));
  PetscFunctionReturn(PETSC_SUCCESS);
}

}  // namespace

PetscErrorCode configure_reduced_ksp(MPI_Comm comm, KSP ksp) {
  return configure_spd_ksp(comm, ksp, "reduced_");
}

PetscErrorCode configure_spd_ksp(MPI_Comm comm, KSP ksp, const char* prefix) {
  PetscFunctionBeginUser;
  int size;
  PetscCallMPI(MPI_Comm_size(comm, &size));
  PC pc;
  PetscCall(KSPSetOptionsPrefix(ksp, prefix));
  PetscCall(KSPSetType(ksp, KSPPREONLY));
  PetscCall(KSPGetPC(ksp, &pc));
  PetscCall(PCSetType(pc, PCCHOLESKY));
  PetscCall(PCFactorSetMatSolverType(pc, size > 1 ? MATSOLVERSCALAPACK : MATSOLVERPETSC));
  PetscCall(KSPSetTolerances(ksp, 1e-13, 1e-300, PETSC_DEFAULT, 10000));
  PetscCall(KSPSetFromOptions(ksp));
  PetscBool preonly, pc_given;
  PetscCall(PetscObjectTypeCompare((PetscObject)ksp, KSPPREONLY, &preonly));
  PetscCall(PetscOptionsHasName(nullptr, prefix, "-pc_type", &pc_given));
  if (!preonly && !pc_given) PetscCall(PCSetType(pc, PCJACOBI));  // an iterative KSP wants a cheap PC
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode solve_reduced(MPI_Comm comm, const NormalEquations& local, EstimatorKind estimator, double tau,
                             const std::vector<double>& penalty, std::vector<double>* coef, SolveReport* rep) {
  PetscFunctionBeginUser;
  const int D = local.dinv, k = local.ntargets;
  double t0 = MPI_Wtime();
  double ws[2] = {local.wsum, double(local.n)}, wg[2];
  PetscCallMPI(MPI_Allreduce(ws, wg, 2, MPI_DOUBLE, MPI_SUM, comm));
  rep->wsum = wg[0];
  rep->n = (long long)wg[1];
  PetscCall(
      collective_check(comm, wg[0] > 0, "the weights sum to zero: at least one data point needs a positive weight"));
  const double W = wg[0];
  coef->assign(std::size_t(D) * k, 0.0);

  if (estimator == EstimatorKind::Spectral) {
    PetscCallMPI(MPI_Allreduce(local.rhs.data(), coef->data(), D * k, MPI_DOUBLE, MPI_SUM, comm));
    for (double& c : *coef) c /= W;
    rep->method = "spectral averaging (no solve)";
    rep->t_reduce = MPI_Wtime() - t0;
    PetscFunctionReturn(PETSC_SUCCESS);
  }

  // Small systems are solved redundantly on every rank (identical results everywhere);
  // larger ones live distributed by rows on comm.
  int size;
  PetscCallMPI(MPI_Comm_size(comm, &size));
  const PetscInt per_rank = (D + size - 1) / size;  // ScaLAPACK's row split: equal but the last
  const bool redundant = size == 1 || D < kDistributeFrom * size || D - (size - 1) * per_rank < 0;
  const MPI_Comm scomm = redundant ? PETSC_COMM_SELF : comm;
  PetscHandle<Mat, MatDestroy> A;
  PetscCall(MatCreateDense(scomm, PETSC_DECIDE, PETSC_DECIDE, D, D, nullptr, A.address()));
  const PetscInt* ranges;
  PetscInt r0, r1;
  PetscCall(MatGetOwnershipRanges(A, &ranges));
  PetscCall(MatGetOwnershipRange(A, &r0, &r1));
  const PetscInt nloc = r1 - r0;
  std::vector<double> arows, brows;
  if (redundant) {
    arows.resize(local.gram.size());
    brows.resize(local.rhs.size());
    PetscCallMPI(MPI_Allreduce(local.gram.data(), arows.data(), int(arows.size()), MPI_DOUBLE, MPI_SUM, comm));
    PetscCallMPI(MPI_Allreduce(local.rhs.data(), brows.data(), int(brows.size()), MPI_DOUBLE, MPI_SUM, comm));
  } else {
    PetscCall(reduce_scatter_rows(comm, local.gram.data(), ranges, D, &arows));
    PetscCall(reduce_scatter_rows(comm, local.rhs.data(), ranges, k, &brows));
  }
  rep->t_reduce = MPI_Wtime() - t0;

  PetscScalar* a;
  PetscInt lda;
  PetscCall(MatDenseGetLDA(A, &lda));
  PetscCall(MatDenseGetArrayWrite(A, &a));
  for (PetscInt i = 0; i < nloc; ++i)
    for (PetscInt j = 0; j < D; ++j) {
      double v = arows[std::size_t(i) * D + j] / W;
      if (r0 + i == j) v += tau * penalty[j];
      a[std::size_t(j) * lda + i] = v;
    }
  PetscCall(MatDenseRestoreArrayWrite(A, &a));
  PetscCall(MatAssemblyBegin(A, MAT_FINAL_ASSEMBLY));
  PetscCall(MatAssemblyEnd(A, MAT_FINAL_ASSEMBLY));
  PetscCall(MatSetOption(A, MAT_SYMMETRIC, PETSC_TRUE));
  PetscCall(MatSetOption(A, MAT_SPD, PETSC_TRUE));
  PetscCall(solve_dense_spd(scomm, A, "reduced_", brows, k, 1.0 / W, 0.0, coef, rep));
  if (redundant && size > 1) rep->method += ", redundant on each rank";
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode solve_dense_spd(MPI_Comm comm, Mat A, const char* prefix, const std::vector<double>& brows, int k,
                               double bscale, double shift, std::vector<double>* x_all, SolveReport* rep) {
  PetscFunctionBeginUser;
  PetscInt D, r0, r1, lda;
  PetscCall(MatGetSize(A, &D, nullptr));
  PetscCall(MatGetOwnershipRange(A, &r0, &r1));
  PetscCall(MatDenseGetLDA(A, &lda));
  const PetscInt nloc = r1 - r0;
  x_all->assign(std::size_t(D) * k, 0.0);
  PetscHandle<KSP, KSPDestroy> ksp;
  PetscHandle<Mat, MatDestroy> Asl, Ashift;
  PetscCall(KSPCreate(comm, ksp.address()));
  PetscCall(KSPSetOperators(ksp, A, A));
  PetscCall(configure_spd_ksp(comm, ksp, prefix));
  {
    // ScaLAPACK factors its own block-cyclic matrix type, whose row layout it chooses
    // itself (MatConvert would insist on ours, which it rejects for uneven splits):
    // copy our rows in by global index.
    PC pc;
    MatSolverType st = nullptr;
    PetscBool factor;
    PetscCall(KSPGetPC(ksp, &pc));
    PetscCall(PetscObjectTypeCompareAny((PetscObject)pc, &factor, PCCHOLESKY, PCLU, ""));
    if (factor) PetscCall(PCFactorGetMatSolverType(pc, &st));
    if (factor && st && std::string(st) == MATSOLVERSCALAPACK) {
      PetscCall(MatCreateScaLAPACK(comm, PETSC_DECIDE, PETSC_DECIDE, D, D, 0, 0, Asl.address()));
      const PetscScalar* av;
      PetscCall(MatDenseGetArrayRead(A, &av));
      std::vector<PetscInt> cols(D);
      std::vector<PetscScalar> row(D);
      for (PetscInt j = 0; j < D; ++j) cols[j] = j;
      // Rows go to their block-cyclic owners through PETSc's stash, which keeps an index
      // with every value: flush every kFlushRows rows so it stays small (the number of
      // flushes is collective, hence the max over ranks).
      constexpr PetscInt kFlushRows = 256;
      PetscInt chunks = (nloc + kFlushRows - 1) / kFlushRows, max_chunks;
      PetscCallMPI(MPI_Allreduce(&chunks, &max_chunks, 1, MPIU_INT, MPI_MAX, comm));
      for (PetscInt c = 0; c < max_chunks; ++c) {
        for (PetscInt i = c * kFlushRows; i < std::min(nloc, (c + 1) * kFlushRows); ++i) {
          const PetscInt gi = r0 + i;
          for (PetscInt j = 0; j < D; ++j) row[j] = av[std::size_t(j) * lda + i];
          PetscCall(MatSetValues(Asl, 1, &gi, D, cols.data(), row.data(), INSERT_VALUES));
        }
        PetscCall(MatAssemblyBegin(Asl, MAT_FLUSH_ASSEMBLY));
        PetscCall(MatAssemblyEnd(Asl, MAT_FLUSH_ASSEMBLY));
      }
      PetscCall(MatDenseRestoreArrayRead(A, &av));
      PetscCall(MatAssemblyBegin(Asl, MAT_FINAL_ASSEMBLY));
      PetscCall(MatAssemblyEnd(Asl, MAT_FINAL_ASSEMBLY));
      if (shift != 0.0) PetscCall(MatShift(Asl, shift));
      PetscCall(MatSetOption(Asl, MAT_SYMMETRIC, PETSC_TRUE));
      PetscCall(KSPSetOperators(ksp, Asl, Asl));
    } else if (shift != 0.0) {  // other solvers use A itself: a shifted copy leaves the caller's A alone
      PetscCall(MatDuplicate(A, MAT_COPY_VALUES, Ashift.address()));
      PetscCall(MatShift(Ashift, shift));
      PetscCall(MatSetOption(Ashift, MAT_SYMMETRIC, PETSC_TRUE));
      PetscCall(MatSetOption(Ashift, MAT_SPD, PETSC_TRUE));
      PetscCall(KSPSetOperators(ksp, Ashift, Ashift));
    }
  }
  double t1 = MPI_Wtime();
  PetscCall(KSPSetUp(ksp));  // the factorization, shared by every target
  rep->t_setup = MPI_Wtime() - t1;
  {
    KSPType kt;
    PCType pt;
    MatSolverType st = nullptr;
    PC pc;
    PetscCall(KSPGetType(ksp, &kt));
    PetscCall(KSPGetPC(ksp, &pc));
    PetscCall(PCGetType(pc, &pt));
    PetscBool factor;
    PetscCall(PetscObjectTypeCompareAny((PetscObject)pc, &factor, PCCHOLESKY, PCLU, ""));
    if (factor) PetscCall(PCFactorGetMatSolverType(pc, &st));
    rep->method = std::string(kt) + "/" + pt + (st ? std::string(" (") + st + ")" : "");
  }

  PetscHandle<Vec, VecDestroy> b, x, r, xall;
  PetscHandle<VecScatter, VecScatterDestroy> toall;
  Mat op = Asl.get() ? Asl.get() : Ashift.get() ? Ashift.get() : A;
  PetscCall(MatCreateVecs(op, x.address(), b.address()));
  std::vector<PetscInt> idx(nloc);
  std::vector<PetscScalar> bcol(nloc);
  for (PetscInt i = 0; i < nloc; ++i) idx[i] = r0 + i;
  PetscCall(VecDuplicate(b, r.address()));
  PetscCall(VecScatterCreateToAll(x, toall.address(), xall.address()));
  t1 = MPI_Wtime();
  for (int c = 0; c < k; ++c) {
    // Global indices: the operator's row layout may differ from A's (ScaLAPACK's does).
    for (PetscInt i = 0; i < nloc; ++i) bcol[i] = brows[std::size_t(i) * k + c] * bscale;
    PetscCall(VecSet(b, 0.0));
    PetscCall(VecSetValues(b, nloc, idx.data(), bcol.data(), INSERT_VALUES));
    PetscCall(VecAssemblyBegin(b));
    PetscCall(VecAssemblyEnd(b));
    PetscCall(KSPSolve(ksp, b, x));
    KSPConvergedReason reason;
    PetscInt its;
    PetscCall(KSPGetConvergedReason(ksp, &reason));
    PetscCall(KSPGetIterationNumber(ksp, &its));
    rep->iterations += its;
    PetscCheck(reason >= 0, comm, PETSC_ERR_NOT_CONVERGED,
               "the %ssystem (target %d) did not converge (%s): increase the regularization, or use the direct "
               "default (-%sksp_type preonly -%spc_type cholesky)",
               prefix, c, KSPConvergedReasons[reason], prefix, prefix);
    PetscReal nb, nr;
    PetscCall(MatMult(op, x, r));
    PetscCall(VecAXPY(r, -1.0, b));
    PetscCall(VecNorm(b, NORM_2, &nb));
    PetscCall(VecNorm(r, NORM_2, &nr));
    rep->max_rel_residual = std::max(rep->max_rel_residual, nb > 0 ? double(nr / nb) : double(nr));
    PetscCall(VecScatterBegin(toall, x, xall, INSERT_VALUES, SCATTER_FORWARD));
    PetscCall(VecScatterEnd(toall, x, xall, INSERT_VALUES, SCATTER_FORWARD));
    const PetscScalar* xv;
    PetscCall(VecGetArrayRead(xall, &xv));
    for (int i = 0; i < D; ++i) (*x_all)[std::size_t(i) * k + c] = xv[i];
    PetscCall(VecRestoreArrayRead(xall, &xv));
  }
  rep->t_solve = MPI_Wtime() - t1;
  PetscFunctionReturn(PETSC_SUCCESS);
}

}  // namespace specavg
