// ker C of a large eigenspace with SLEPc (see invariant_eps.hpp). C is a MATSHELL over
// apply_constraint; multi-vector products reach it as one block call (MatProduct AB with
// dense matrices, used by SLEPc's BVMatMult), so collocation actions run as BLAS-3.
#include "specavg/parallel/invariant_eps.hpp"

#include <petscmat.h>
#include <slepceps.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <unordered_map>

#include "specavg/util/counter_rng.hpp"
#include "specavg/util/dense_linalg.hpp"
#include "specavg/comm/petsc_util.hpp"

namespace specavg {
namespace {

using std::size_t;
using MatH = PetscHandle<Mat, MatDestroy>;
using VecH = PetscHandle<Vec, VecDestroy>;
using EpsH = PetscHandle<EPS, EPSDestroy>;

// Column c of a column-major block with leading dimension ld.
template <typename T>
T* column(T* a, int c, int ld) {
  return a + static_cast<size_t>(c) * ld;
}

// Flop models (dgemm-equivalent; within 2x of measured times) choosing between another
// LOBPCG round and the dense completion; A = flops of C on one vector. A LOBPCG iteration
// with block b and kf deflated vectors: 3b products (SLEPc applies C to X, then to [X R P];
// the X part comes from the cache below), orthogonalization against the deflated vectors,
// block Gram/update work and a 3b-dimensional dense eigenproblem.
double lobpcg_round_flops(double A, double m, double kf, double b, double its) {
  return its * b * (3.0 * A + 4.0 * m * kf + 40.0 * m * b + 270.0 * b * b);
}
// Dense completion on rem = m − kf dimensions: rem products, Qᵀ(CQ) and the eigensolve.
double dense_completion_flops(double A, double m, double rem) {
  return rem * A + 4.0 * m * rem * rem + 7.0 * rem * rem * rem;
}
constexpr int kPriorIterations = 75;  // LOBPCG iterations to 1e-12 seen on the test actions

std::uint64_t hash_column(const double* v, int n) {  // FNV-1a over the bit patterns
  std::uint64_t h = 1469598103934665603ULL, w;
  for (int i = 0; i < n; ++i) {
    std::memcpy(&w, v + i, sizeof w);
    h = (h ^ w) * 1099511628211ULL;
  }
  return h;
}

// C on a row layout of comm: every rank gathers the full block, applies C redundantly
// (an eigenspace fits one rank) and keeps its rows.
struct Operator {
  MPI_Comm comm;
  const EigenspaceAction* action;
  int m = 0, mloc = 0, rstart = 0, size = 1;
  std::vector<int> counts, displs;
  long long matvecs = 0, calls = 0;
  // SLEPc's LOBPCG applies C to the Ritz block X and, next iteration, to [X R P] whose first
  // columns are bitwise copies of X: the previous block's products are reused by column.
  std::vector<double> cache_x, cache_y;
  std::unordered_map<std::uint64_t, int> cache_index;

  // Full m × nv block (ld m) from the local rows (ld ldx) of every rank.
  void gather(int nv, const double* xloc, int ldx, double* full) const {
    std::vector<double> mine(static_cast<size_t>(mloc) * nv), all(static_cast<size_t>(m) * nv);
    for (int c = 0; c < nv; ++c) std::memcpy(column(mine.data(), c, mloc), column(xloc, c, ldx), sizeof(double) * mloc);
    std::vector<int> cnt(size), dsp(size);
    for (int p = 0; p < size; ++p) cnt[p] = counts[p] * nv, dsp[p] = displs[p] * nv;
    MPI_Allgatherv(mine.data(), mloc * nv, MPI_DOUBLE, all.data(), cnt.data(), dsp.data(), MPI_DOUBLE, comm);
    for (int p = 0; p < size; ++p)
      for (int c = 0; c < nv; ++c)
        std::memcpy(column(full, c, m) + displs[p], column(all.data() + dsp[p], c, counts[p]),
                    sizeof(double) * counts[p]);
  }

  // Y = C X for nv vectors given by their local rows (copies are cheap next to C).
  PetscErrorCode apply(int nv, const double* xloc, int ldx, double* yloc, int ldy) {
    const size_t bytes = sizeof(double) * m;
    std::vector<double> x(static_cast<size_t>(m) * nv), y(x.size()), xm, ym;
    std::vector<std::uint64_t> h(nv);
    std::vector<int> miss;
    PetscFunctionBegin;
    gather(nv, xloc, ldx, x.data());
    for (int c = 0; c < nv; ++c) {
      h[c] = hash_column(column(x.data(), c, m), m);
      const auto it = cache_index.find(h[c]);
      if (it != cache_index.end() && !std::memcmp(column(cache_x.data(), it->second, m), column(x.data(), c, m), bytes))
        std::memcpy(column(y.data(), c, m), column(cache_y.data(), it->second, m), bytes);
      else
        miss.push_back(c);
    }
    const int nm = static_cast<int>(miss.size());
    xm.resize(static_cast<size_t>(m) * nm);
    ym.resize(xm.size());
    for (int i = 0; i < nm; ++i) std::memcpy(column(xm.data(), i, m), column(x.data(), miss[i], m), bytes);
    if (nm > 0) SPECAVG_CALL_CXX(comm, apply_constraint(*action, nm, xm.data(), m, ym.data(), m));
    for (int i = 0; i < nm; ++i) std::memcpy(column(y.data(), miss[i], m), column(ym.data(), i, m), bytes);
    matvecs += nm;
    calls += nm > 0;
    for (int c = 0; c < nv; ++c)
      std::memcpy(column(yloc, c, ldy), column(y.data(), c, m) + rstart, sizeof(double) * mloc);
    cache_x = std::move(x);
    cache_y = std::move(y);
    cache_index.clear();
    for (int c = 0; c < nv; ++c) cache_index[h[c]] = c;
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

// D = C·B for a dense B: one block application.
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

struct ConvergenceRule {
  double bound, thresh, loose;  // 4r, the null threshold, certify_tol
};

// Below the threshold ||Cx − θx|| ≤ tol·4r (SLEPc's default, relative to |θ|, can never
// accept θ = 0). Above it ||Cx − θx|| ≤ loose·θ suffices: then x has at most `loose` of its
// norm in ker C, and the eigenvalue only has to prove completeness, not give a vector.
PetscErrorCode converged_two_regime(EPS eps, PetscScalar er, PetscScalar, PetscReal res, PetscReal* errest, void* ctx) {
  const auto* rule = static_cast<const ConvergenceRule*>(ctx);
  const double theta = PetscRealPart(er);
  PetscReal tol;
  PetscFunctionBegin;
  PetscCall(EPSGetTolerances(eps, &tol, nullptr));
  *errest = theta > rule->thresh ? res / theta * (tol / rule->loose) : res / rule->bound;
  PetscFunctionReturn(PETSC_SUCCESS);
}

// A Vec of C's layout holding the local rows of a full column.
PetscErrorCode make_vec(const Operator& op, Mat C, const double* full, VecH* v) {
  PetscScalar* pv;
  PetscFunctionBegin;
  PetscCall(MatCreateVecs(C, v->address(), nullptr));
  PetscCall(VecGetArrayWrite(*v, &pv));
  std::memcpy(pv, full + op.rstart, sizeof(double) * op.mloc);
  PetscCall(VecRestoreArrayWrite(*v, &pv));
  PetscFunctionReturn(PETSC_SUCCESS);
}

struct State {
  std::vector<double> found;  // m × kf null vectors, column-major, identical on every rank
  int kf = 0;
  bool certified = false;
  double gap = 0.0;
};

// Finish on the orthogonal complement Q of the vectors found: Qᵀ C Q (m − kf applications
// of C in blocks, then a dense eigensolve) shows every remaining eigenvalue, so it
// certifies by itself. Redundant on all ranks; rank 0's result is kept.
PetscErrorCode dense_completion(Operator& op, double thresh, State& st) {
  const int m = op.m, rem = m - st.kf;
  std::vector<double> Q(static_cast<size_t>(m) * rem, 0.0), CQ(Q.size()), H(static_cast<size_t>(rem) * rem), w;
  PetscFunctionBegin;
  if (st.kf == 0) {
    for (int i = 0; i < m; ++i) column(Q.data(), i, m)[i] = 1.0;
  } else {
    orthonormalize_columns(m, st.kf, st.found);
    for (int c = 0; c < rem; ++c)
      for (int i = 0; i < m; ++i) column(Q.data(), c, m)[i] = rng_normal(0xc0deULL, c, i);
    std::vector<double> P(static_cast<size_t>(st.kf) * rem);
    for (int pass = 0; pass < 2; ++pass) {  // project out the found vectors (twice: accuracy)
      dgemm(true, false, st.kf, rem, m, 1.0, st.found.data(), m, Q.data(), m, 0.0, P.data(), st.kf);
      dgemm(false, false, m, rem, st.kf, -1.0, st.found.data(), m, P.data(), st.kf, 1.0, Q.data(), m);
    }
    orthonormalize_columns(m, rem, Q);
  }
  constexpr int kChunk = 256;  // bounds apply_constraint's workspace
  for (int c0 = 0; c0 < rem; c0 += kChunk) {
    const int nb = std::min(kChunk, rem - c0);
    SPECAVG_CALL_CXX(op.comm,
                     apply_constraint(*op.action, nb, column(Q.data(), c0, m), m, column(CQ.data(), c0, m), m));
    op.matvecs += nb;
    ++op.calls;
  }
  dgemm(true, false, rem, rem, m, 1.0, Q.data(), m, CQ.data(), m, 0.0, H.data(), rem);
  auto h = [&](int i, int j) -> double& { return column(H.data(), j, rem)[i]; };
  for (int i = 0; i < rem; ++i)  // symmetrize Qᵀ(CQ)
    for (int j = 0; j < i; ++j) h(i, j) = h(j, i) = 0.5 * (h(i, j) + h(j, i));
  SPECAVG_CALL_CXX(op.comm, symmetric_eigen(rem, H, w));
  int nnull = 0;
  while (nnull < rem && w[nnull] < thresh) ++nnull;
  if (op.size > 1) PetscCallMPI(MPI_Bcast(&nnull, 1, MPI_INT, 0, op.comm));  // rank 0 decides
  if (nnull < rem) st.gap = w[nnull];
  st.found.resize(static_cast<size_t>(st.kf + nnull) * m);
  if (nnull > 0)
    dgemm(false, false, m, nnull, rem, 1.0, Q.data(), m, H.data(), rem, 0.0, column(st.found.data(), st.kf, m), m);
  st.kf += nnull;
  if (op.size > 1) {
    PetscCallMPI(MPI_Bcast(st.found.data(), static_cast<int>(st.found.size()), MPI_DOUBLE, 0, op.comm));
    PetscCallMPI(MPI_Bcast(&st.gap, 1, MPI_DOUBLE, 0, op.comm));
  }
  st.certified = true;
  PetscFunctionReturn(PETSC_SUCCESS);
}

// One EPS solve for the nreq smallest eigenpairs of C with the found vectors deflated.
PetscErrorCode eps_round(Operator& op, Mat C, const NullSpaceEpsOptions& opt, ConvergenceRule& rule, int round,
                         int nreq, int max_it, State& st, EPSConvergedReason* reason, int* iterations) {
  const int m = op.m;
  EpsH eps;
  ST stx;
  KSP ksp;
  PC pc;
  PetscBool set;
  PetscInt nconv, its;
  PetscFunctionBegin;
  PetscCall(EPSCreate(op.comm, eps.address()));
  PetscCall(EPSSetOperators(eps, C, nullptr));
  PetscCall(EPSSetProblemType(eps, EPS_HEP));
  PetscCall(PetscOptionsHasName(nullptr, opt.prefix, "-eps_type", &set));
  if (!set) PetscCall(EPSSetType(eps, EPSLOBPCG));  // before the ST defaults below
  PetscCall(EPSSetWhichEigenpairs(eps, EPS_SMALLEST_REAL));
  PetscCall(EPSSetDimensions(eps, nreq, PETSC_DEFAULT, PETSC_DEFAULT));
  PetscCall(EPSSetTolerances(eps, opt.eps_tol, max_it));
  PetscCall(EPSSetConvergenceTestFunction(eps, converged_two_regime, &rule, nullptr));
  PetscCall(EPSLOBPCGSetBlockSize(eps, nreq));  // the whole request in one block: multiplicity
  PetscCall(EPSGetST(eps, &stx));
  PetscCall(STGetKSP(stx, &ksp));
  PetscCall(KSPSetType(ksp, KSPPREONLY));  // no preconditioner for an implicit C (else GMRES on C)
  PetscCall(KSPGetPC(ksp, &pc));
  PetscCall(PCSetType(pc, PCNONE));
  PetscCall(EPSSetOptionsPrefix(eps, opt.prefix));
  PetscCall(EPSSetFromOptions(eps));

  // Deterministic start, independent of the rank count: normal entries by global row.
  std::vector<VecH> init(nreq), defl(st.kf);
  std::vector<Vec> iv(nreq), dv(st.kf);
  std::vector<double> col(m);
  for (int c = 0; c < nreq; ++c) {
    for (int i = 0; i < m; ++i) col[i] = rng_normal(0x5eedULL, (static_cast<std::uint64_t>(round) << 32) + c, i);
    PetscCall(make_vec(op, C, col.data(), &init[c]));
    iv[c] = init[c];
  }
  for (int c = 0; c < st.kf; ++c) {
    PetscCall(make_vec(op, C, column(st.found.data(), c, m), &defl[c]));
    dv[c] = defl[c];
  }
  if (st.kf > 0) PetscCall(EPSSetDeflationSpace(eps, st.kf, dv.data()));
  PetscCall(EPSSetInitialSpace(eps, nreq, iv.data()));
  PetscCall(EPSSolve(eps));

  PetscCall(EPSGetConverged(eps, &nconv));
  PetscCall(EPSGetConvergedReason(eps, reason));
  PetscCall(EPSGetIterationNumber(eps, &its));
  *iterations = static_cast<int>(its);
  VecH x;
  PetscCall(MatCreateVecs(C, x.address(), nullptr));
  for (PetscInt i = 0; i < nconv; ++i) {  // ascending: the null vectors, then the certificate
    PetscScalar lam;
    const PetscScalar* px;
    PetscCall(EPSGetEigenpair(eps, i, &lam, nullptr, x, nullptr));
    if (PetscRealPart(lam) >= rule.thresh) {
      st.gap = st.certified ? std::min(st.gap, PetscRealPart(lam)) : PetscRealPart(lam);
      st.certified = true;
      continue;
    }
    st.found.resize(static_cast<size_t>(st.kf + 1) * m);
    PetscCall(VecGetArrayRead(x, &px));
    op.gather(1, px, op.mloc, column(st.found.data(), st.kf, m));
    PetscCall(VecRestoreArrayRead(x, &px));
    ++st.kf;
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

}  // namespace

PetscErrorCode null_space_eps(MPI_Comm comm, const EigenspaceAction& action, const NullSpaceEpsOptions& options,
                              std::vector<double>* V, int* k, NullSpaceEpsReport* rep) {
  NullSpaceEpsOptions opt = options;
  if (!opt.prefix) opt.prefix = "basis_";
  Operator op;
  op.comm = comm;
  op.action = &action;
  op.m = std::max(action.m(), 0);
  const int m = op.m, r = action.ngenerators();
  NullSpaceEpsReport report;
  State st;
  MatH C;
  PetscFunctionBegin;
  if (r == 0) {  // no constraint: the whole space is invariant
    st.found.assign(static_cast<size_t>(m) * m, 0.0);
    for (int i = 0; i < m; ++i) column(st.found.data(), i, m)[i] = 1.0;
    st.kf = m;
  }
  PetscCallMPI(MPI_Comm_size(comm, &op.size));
  PetscInt mloc = PETSC_DECIDE, mglob = m;
  PetscCall(PetscSplitOwnership(comm, &mloc, &mglob));
  op.mloc = static_cast<int>(mloc);
  op.counts.resize(op.size);
  op.displs.assign(op.size, 0);
  PetscCallMPI(MPI_Allgather(&op.mloc, 1, MPI_INT, op.counts.data(), 1, MPI_INT, comm));
  for (int p = 1; p < op.size; ++p) op.displs[p] = op.displs[p - 1] + op.counts[p - 1];
  int rank;
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  op.rstart = op.displs[rank];
  PetscCall(MatCreateShell(comm, mloc, mloc, m, m, &op, C.address()));
  PetscCall(MatShellSetOperation(C, MATOP_MULT, (void (*)(void))shell_mult));
  PetscCall(MatShellSetOperation(C, MATOP_MULT_TRANSPOSE, (void (*)(void))shell_mult));  // symmetric
  for (MatType t : {MATSEQDENSE, MATMPIDENSE, MATDENSE})
    PetscCall(MatShellSetMatProductOperation(C, MATPRODUCT_AB, nullptr, shell_mat_mult, nullptr, t, t));
  PetscCall(MatSetOption(C, MAT_SYMMETRIC, PETSC_TRUE));

  ConvergenceRule rule{4.0 * r, opt.null_tol * std::max(1, r), opt.certify_tol};
  const double A = 2.0 * r * (action.apply_flops() + m);
  int nev = std::min(m, std::max(1, opt.initial_nev)), its_pred = kPriorIterations;
  bool dense = false;
  while (!st.certified && st.kf < m) {
    const int rem = m - st.kf, nreq = std::min(nev, rem), kbefore = st.kf;
    const double dense_flops = dense_completion_flops(A, m, rem);
    // LOBPCG needs five blocks of room; and a round dearer than finishing densely is not worth it.
    dense = dense || rem < 5 * nreq ||
            (opt.dense_completion && lobpcg_round_flops(A, m, st.kf, nreq, its_pred) >= dense_flops);
    if (dense) {
      PetscCall(
          PetscInfo(nullptr, "dense completion on %d of %d dimensions (model %g Gflop)\n", rem, m, 1e-9 * dense_flops));
      PetscCall(dense_completion(op, rule.thresh, st));
      report.dense_completion = true;
      break;
    }
    // With the dense completion as fallback, stop LOBPCG where it would have cost as much.
    const double budget = dense_flops / lobpcg_round_flops(A, m, st.kf, nreq, 1);
    const int max_it = opt.max_it > 0         ? opt.max_it
                       : opt.dense_completion ? static_cast<int>(std::min(budget, 1e5))
                                              : static_cast<int>(PETSC_DEFAULT);
    const long long before = op.matvecs;
    const double t0 = MPI_Wtime();
    EPSConvergedReason reason = EPS_CONVERGED_ITERATING;
    int its = 0;
    PetscCall(eps_round(op, C, opt, rule, ++report.rounds, nreq, max_it, st, &reason, &its));
    PetscCall(PetscInfo(nullptr, "round %d: nev %d, %d null, its %d, %s, %lld matvecs, %g s (model %g Gflop)\n",
                        report.rounds, nreq, st.kf - kbefore, its, EPSConvergedReasons[reason], op.matvecs - before,
                        MPI_Wtime() - t0, 1e-9 * lobpcg_round_flops(A, m, kbefore, nreq, its)));
    dense = !st.certified && reason < 0 && opt.dense_completion;  // e.g. a tiny gap: dense always works
    PetscCheck(st.certified || reason > 0 || dense, comm, PETSC_ERR_NOT_CONVERGED,
               "SLEPc did not converge for the invariant subspace of an eigenspace of dimension %d after %d rounds "
               "(%d invariant vectors found, %s): raise -%seps_max_it, or raise -basis_dense_max above %d to use "
               "the dense solver",
               m, report.rounds, st.kf, EPSConvergedReasons[reason], opt.prefix, m);
    its_pred = std::max(its, 10);
    nev *= 2;
  }
  orthonormalize_columns(m, st.kf, st.found);
  if (st.kf > 0 && r > 0) {  // independent check of the final basis: max ||C v||
    std::vector<double> cv(st.found.size());
    SPECAVG_CALL_CXX(comm, apply_constraint(action, st.kf, st.found.data(), m, cv.data(), m));
    op.matvecs += st.kf;
    ++op.calls;
    for (int c = 0; c < st.kf; ++c) {
      double s = 0.0;
      for (int i = 0; i < m; ++i) s += column(cv.data(), c, m)[i] * column(cv.data(), c, m)[i];
      report.max_residual = std::max(report.max_residual, std::sqrt(s));
    }
    PetscCheck(report.max_residual <= rule.thresh, comm, PETSC_ERR_NOT_CONVERGED,
               "The invariant vectors of an eigenspace of dimension %d are inaccurate (max ||C v|| = %g > %g): use "
               "-%seps_type lobpcg or lower -%seps_tol",
               m, report.max_residual, rule.thresh, opt.prefix, opt.prefix);
  }
  report.matvecs = op.matvecs;
  report.block_calls = op.calls;
  report.gap = st.gap;
  *V = std::move(st.found);
  *k = st.kf;
  if (rep) *rep = report;
  PetscFunctionReturn(PETSC_SUCCESS);
}

}  // namespace specavg
