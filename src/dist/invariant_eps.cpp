// ker C of a large eigenspace with SLEPc (see invariant_eps.hpp). C is a MATSHELL over
// apply_constraint; multi-vector products reach it as one block call (MatProduct AB with
// dense matrices), so collocation actions run as BLAS-3.
#include "specavg/dist/invariant_eps.hpp"

#include <petscmat.h>
#include <slepceps.h>

#include <algorithm>
#include <cmath>
#include <cstring>

#include "specavg/util/counter_rng.hpp"
#include "specavg/util/dense_linalg.hpp"
#include "specavg/util/petsc_util.hpp"

namespace specavg {
namespace {

using MatH = PetscHandle<Mat, MatDestroy>;
using VecH = PetscHandle<Vec, VecDestroy>;
using EpsH = PetscHandle<EPS, EPSDestroy>;

// The operator C on a row layout of comm: every rank gathers the full block, applies C
// redundantly (m is small enough for one rank) and keeps its rows.
struct Operator {
  MPI_Comm comm;
  const EigenspaceAction* action;
  int m = 0, mloc = 0, rstart = 0, size = 1;
  std::vector<int> counts, displs;
  long long matvecs = 0;  // vectors to which C was applied
  long long calls = 0;    // apply_constraint calls (block applications count once)

  // Full m × nv block (ld m) from the local rows (ld ldx) of every rank.
  void gather(int nv, const double* xloc, int ldx, double* full) const {
    std::vector<double> mine(static_cast<std::size_t>(mloc) * nv), all(static_cast<std::size_t>(m) * nv);
    for (int c = 0; c < nv; ++c)
      std::memcpy(&mine[static_cast<std::size_t>(c) * mloc], xloc + static_cast<std::size_t>(c) * ldx,
                  sizeof(double) * mloc);
    std::vector<int> cnt(size), dsp(size);
    for (int p = 0; p < size; ++p) cnt[p] = counts[p] * nv, dsp[p] = displs[p] * nv;
    MPI_Allgatherv(mine.data(), mloc * nv, MPI_DOUBLE, all.data(), cnt.data(), dsp.data(), MPI_DOUBLE, comm);
    for (int p = 0; p < size; ++p)
      for (int c = 0; c < nv; ++c)
        std::memcpy(full + static_cast<std::size_t>(c) * m + displs[p],
                    &all[dsp[p] + static_cast<std::size_t>(c) * counts[p]], sizeof(double) * counts[p]);
  }

  PetscErrorCode apply(int nv, const double* xloc, int ldx, double* yloc, int ldy) {
    PetscFunctionBegin;
    matvecs += nv;
    ++calls;
    if (size == 1) {
      SPECAVG_CALL_CXX(comm, apply_constraint(*action, nv, xloc, ldx, yloc, ldy));
      PetscFunctionReturn(PETSC_SUCCESS);
    }
    std::vector<double> x(static_cast<std::size_t>(m) * nv), y(x.size());
    gather(nv, xloc, ldx, x.data());
    SPECAVG_CALL_CXX(comm, apply_constraint(*action, nv, x.data(), m, y.data(), m));
    for (int c = 0; c < nv; ++c)
      std::memcpy(yloc + static_cast<std::size_t>(c) * ldy, &y[static_cast<std::size_t>(c) * m + rstart],
                  sizeof(double) * mloc);
    PetscFunctionReturn(PETSC_SUCCESS);
  }
};

PetscErrorCode shell_mult(Mat A, Vec x, Vec y) {
  Operator* op;
  const PetscScalar* px;
  PetscScalar* py;
  PetscFunctionBegin;
  PetscCall(MatShellGetContext(A, &op));
  PetscCall(VecGetArrayRead(x, &px));
  PetscCall(VecGetArrayWrite(y, &py));
  PetscCall(op->apply(1, px, op->mloc, py, op->mloc));
  PetscCall(VecRestoreArrayWrite(y, &py));
  PetscCall(VecRestoreArrayRead(x, &px));
  PetscFunctionReturn(PETSC_SUCCESS);
}

// C·B for a dense B (SLEPc's BVMatMult on many columns): one block application.
PetscErrorCode shell_mat_mult(Mat A, Mat B, Mat D, void*) {
  Operator* op;
  const PetscScalar* pb;
  PetscScalar* pd;
  PetscInt ldb, ldd, nv;
  PetscFunctionBegin;
  PetscCall(MatShellGetContext(A, &op));
  PetscCall(MatGetSize(B, nullptr, &nv));
  PetscCall(MatDenseGetLDA(B, &ldb));
  PetscCall(MatDenseGetLDA(D, &ldd));
  PetscCall(MatDenseGetArrayRead(B, &pb));
  PetscCall(MatDenseGetArrayWrite(D, &pd));
  PetscCall(op->apply(static_cast<int>(nv), pb, static_cast<int>(ldb), pd, static_cast<int>(ldd)));
  PetscCall(MatDenseRestoreArrayWrite(D, &pd));
  PetscCall(MatDenseRestoreArrayRead(B, &pb));
  PetscFunctionReturn(PETSC_SUCCESS);
}

// Residuals relative to the spectral bound 4r of C: SLEPc's default (relative to |θ|)
// can never accept the eigenvalue 0 we are after.
PetscErrorCode converged_bound(EPS, PetscScalar, PetscScalar, PetscReal res, PetscReal* errest, void* ctx) {
  *errest = res / *static_cast<double*>(ctx);
  return PETSC_SUCCESS;
}

PetscErrorCode set_local_rows(const Operator& op, const double* full, Vec v) {
  PetscScalar* pv;
  PetscFunctionBegin;
  PetscCall(VecGetArrayWrite(v, &pv));
  std::memcpy(pv, full + op.rstart, sizeof(double) * op.mloc);
  PetscCall(VecRestoreArrayWrite(v, &pv));
  PetscFunctionReturn(PETSC_SUCCESS);
}

}  // namespace

PetscErrorCode null_space_eps(MPI_Comm comm, const EigenspaceAction& action, const NullSpaceEpsOptions& opt,
                              std::vector<double>* V, int* k, NullSpaceEpsReport* rep) {
  PetscFunctionBegin;
  Operator op;
  op.comm = comm;
  op.action = &action;
  op.m = action.m();
  const int r = action.ngenerators();
  NullSpaceEpsReport report;
  std::vector<double> found;  // m × kf, column-major, on every rank
  int kf = 0;
  const int m = op.m;
  if (m <= 0 || r == 0) {  // no constraint: the whole space is invariant
    found.assign(static_cast<std::size_t>(std::max(m, 0)) * std::max(m, 0), 0.0);
    for (int i = 0; i < m; ++i) found[static_cast<std::size_t>(i) * m + i] = 1.0;
    *V = std::move(found);
    *k = std::max(m, 0);
    if (rep) *rep = report;
    PetscFunctionReturn(PETSC_SUCCESS);
  }
  PetscCallMPI(MPI_Comm_size(comm, &op.size));
  PetscInt mloc = PETSC_DECIDE, mglob = m;
  PetscCall(PetscSplitOwnership(comm, &mloc, &mglob));
  op.mloc = static_cast<int>(mloc);
  op.counts.resize(op.size);
  op.displs.resize(op.size);
  PetscCallMPI(MPI_Allgather(&op.mloc, 1, MPI_INT, op.counts.data(), 1, MPI_INT, comm));
  for (int p = 1; p < op.size; ++p) op.displs[p] = op.displs[p - 1] + op.counts[p - 1];
  int rank;
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  op.rstart = op.displs[rank];

  MatH C;
  PetscCall(MatCreateShell(comm, mloc, mloc, m, m, &op, C.address()));
  PetscCall(MatShellSetOperation(C, MATOP_MULT, (void (*)(void))shell_mult));
  PetscCall(MatShellSetOperation(C, MATOP_MULT_TRANSPOSE, (void (*)(void))shell_mult));
  for (MatType t : {MATSEQDENSE, MATMPIDENSE, MATDENSE})
    PetscCall(MatShellSetMatProductOperation(C, MATPRODUCT_AB, nullptr, shell_mat_mult, nullptr, t, t));
  PetscCall(MatSetOption(C, MAT_SYMMETRIC, PETSC_TRUE));

  const double thresh = opt.null_tol * std::max(1, r);
  double bound = 4.0 * r;
  const char* prefix = opt.prefix ? opt.prefix : "basis_";
  int nev = std::min(m, 16);
  bool certified = false;
  double gap = 0.0;
  while (!certified) {
    const int rem = m - kf;
    if (rem == 0) break;
    const int nreq = std::min(nev, rem);
    ++report.rounds;
    EpsH eps;
    PetscCall(EPSCreate(comm, eps.address()));
    PetscCall(EPSSetOperators(eps, C, nullptr));
    PetscCall(EPSSetProblemType(eps, EPS_HEP));
    PetscCall(EPSSetType(eps, EPSLOBPCG));
    PetscCall(EPSSetWhichEigenpairs(eps, EPS_SMALLEST_REAL));
    PetscCall(EPSSetDimensions(eps, nreq, PETSC_DEFAULT, PETSC_DEFAULT));
    PetscCall(EPSSetTolerances(eps, opt.eps_tol, opt.max_it > 0 ? opt.max_it : PETSC_DEFAULT));
    PetscCall(EPSSetConvergenceTestFunction(eps, converged_bound, &bound, nullptr));
    PetscCall(EPSLOBPCGSetBlockSize(eps, nreq));
    ST st;
    KSP ksp;
    PC pc;
    PetscCall(EPSGetST(eps, &st));
    PetscCall(STGetKSP(st, &ksp));
    PetscCall(KSPSetType(ksp, KSPPREONLY));
    PetscCall(KSPGetPC(ksp, &pc));
    PetscCall(PCSetType(pc, PCNONE));  // no preconditioner for an implicit C
    PetscCall(EPSSetOptionsPrefix(eps, prefix));
    PetscCall(EPSSetFromOptions(eps));

    // Deterministic start, independent of the rank count: normal entries by global row.
    std::vector<VecH> init(nreq), defl(kf);
    std::vector<Vec> iv(nreq), dv(kf);
    std::vector<double> col(m);
    for (int c = 0; c < nreq; ++c) {
      PetscCall(MatCreateVecs(C, init[c].address(), nullptr));
      for (int i = 0; i < m; ++i)
        col[i] = rng_normal(0x5eedULL, (static_cast<std::uint64_t>(report.rounds) << 32) + c, i);
      PetscCall(set_local_rows(op, col.data(), init[c]));
      iv[c] = init[c];
    }
    for (int c = 0; c < kf; ++c) {
      PetscCall(MatCreateVecs(C, defl[c].address(), nullptr));
      PetscCall(set_local_rows(op, &found[static_cast<std::size_t>(c) * m], defl[c]));
      dv[c] = defl[c];
    }
    if (kf > 0) PetscCall(EPSSetDeflationSpace(eps, kf, dv.data()));
    PetscCall(EPSSetInitialSpace(eps, nreq, iv.data()));
    PetscCall(EPSSolve(eps));

    PetscInt nconv;
    EPSConvergedReason reason;
    PetscCall(EPSGetConverged(eps, &nconv));
    PetscCall(EPSGetConvergedReason(eps, &reason));
    VecH x;
    PetscCall(MatCreateVecs(C, x.address(), nullptr));
    int newnull = 0;
    for (PetscInt i = 0; i < nconv; ++i) {
      PetscScalar lam;
      PetscCall(EPSGetEigenpair(eps, i, &lam, nullptr, x, nullptr));
      if (PetscRealPart(lam) >= thresh) {
        gap = certified ? std::min(gap, PetscRealPart(lam)) : PetscRealPart(lam);
        certified = true;
        continue;
      }
      const PetscScalar* px;
      found.resize(static_cast<std::size_t>(kf + 1) * m);
      PetscCall(VecGetArrayRead(x, &px));
      op.gather(1, px, op.mloc, &found[static_cast<std::size_t>(kf) * m]);
      PetscCall(VecRestoreArrayRead(x, &px));
      ++kf;
      ++newnull;
    }
    PetscInt its;
    PetscCall(EPSGetIterationNumber(eps, &its));
    PetscCall(PetscInfo(
        nullptr,
        "null_space_eps round %d: nev %d, converged %d (null %d), its %d, reason %d, matvecs %lld in %lld calls\n",
        report.rounds, nreq, (int)nconv, newnull, (int)its, (int)reason, op.matvecs, op.calls));
    PetscCheck(certified || reason > 0, comm, PETSC_ERR_NOT_CONVERGED,
               "SLEPc did not converge for the invariant subspace of an eigenspace of dimension %d after %d rounds "
               "(%d null vectors found, reason %s): raise -%seps_max_it or lower -basis_dense_max to use the "
               "dense solver",
               m, report.rounds, kf, EPSConvergedReasons[reason], prefix);
    nev = 2 * nev;
  }
  orthonormalize_columns(m, kf, found);
  double maxres = 0.0;
  if (kf > 0) {
    std::vector<double> cv(static_cast<std::size_t>(m) * kf);
    SPECAVG_CALL_CXX(comm, apply_constraint(action, kf, found.data(), m, cv.data(), m));
    op.matvecs += kf;
    for (int c = 0; c < kf; ++c) {
      double s = 0.0;
      for (int i = 0; i < m; ++i)
        s += cv[static_cast<std::size_t>(c) * m + i] * cv[static_cast<std::size_t>(c) * m + i];
      maxres = std::max(maxres, std::sqrt(s));
    }
  }
  report.matvecs = op.matvecs;
  report.gap = gap;
  report.max_residual = maxres;
  *V = std::move(found);
  *k = kf;
  if (rep) *rep = report;
  PetscFunctionReturn(PETSC_SUCCESS);
}

}  // namespace specavg
