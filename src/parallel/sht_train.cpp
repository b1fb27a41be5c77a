#include "specavg/parallel/sht_train.hpp"

#include <petscksp.h>

#include <algorithm>
#include <cmath>

#include "specavg/comm/collective.hpp"
#include "specavg/comm/petsc_util.hpp"
#include "specavg/io/h5_parallel.hpp"
#include "specavg/parallel/reduced_solve.hpp"
#include "specavg/parallel/sht_rings.hpp"

namespace specavg {
namespace {

// Coefficients of every degree ((lmax+1)², index l² + l + m) to invariant features: ψ = Qᵀc
// (a gather where Q is block sparse).
void project(const InvariantBasis& basis, const double* c, double* psi) {
  std::size_t f = 0;
  for (const SpaceInvariants& s : basis.spaces) {
    if (s.k == 0) continue;
    s.apply_transpose(c + std::size_t(s.label) * std::size_t(s.label), psi + f);
    f += std::size_t(s.k);
  }
}

// The transpose: c = Q a (c has (lmax+1)² entries, overwritten; a scatter where Q is block sparse).
void expand(const InvariantBasis& basis, const double* a, std::size_t ncoef, double* c) {
  std::fill(c, c + ncoef, 0.0);
  std::size_t f = 0;
  for (const SpaceInvariants& s : basis.spaces) {
    if (s.k == 0) continue;
    s.apply_add(a + f, c + std::size_t(s.label) * std::size_t(s.label));
    f += std::size_t(s.k);
  }
}

// The ridge operator a ↦ Qᵀ ΨᵀWΨ Q a / W + τ diag(penalty) a (MATSHELL context).
struct RidgeOperator {
  MPI_Comm comm = MPI_COMM_NULL;
  const ShtGrid* grid = nullptr;
  const InvariantBasis* basis = nullptr;
  const std::vector<double>* penalty = nullptr;
  double tau = 0, wsum = 1;
  PetscInt row0 = 0, rows = 0;
  std::vector<int> counts, displs;  // of the distributed vector
  std::vector<double> a, c, map, psi;
  long long products = 0;
};

PetscErrorCode ridge_mult(Mat A, Vec x, Vec y) {
  PetscFunctionBeginUser;
  RidgeOperator* op;
  PetscCall(MatShellGetContext(A, &op));
  const double* xa;
  PetscCall(VecGetArrayRead(x, &xa));
  PetscCallMPI(MPI_Allgatherv(xa, int(op->rows), MPI_DOUBLE, op->a.data(), op->counts.data(), op->displs.data(),
                              MPI_DOUBLE, op->comm));
  PetscCall(VecRestoreArrayRead(x, &xa));
  const ShtGrid& g = *op->grid;
  expand(*op->basis, op->a.data(), g.ncoef(), op->c.data());
  g.synthesis(op->c.data(), op->map.data());
  for (std::size_t i = 0; i < op->map.size(); ++i) op->map[i] *= g.weight[i];
  g.adjoint(op->map.data(), op->c.data());
  PetscCall(sht_allreduce(op->comm, &op->c));
  project(*op->basis, op->c.data(), op->psi.data());
  double* ya;
  PetscCall(VecGetArray(y, &ya));
  for (PetscInt j = 0; j < op->rows; ++j) {
    const std::size_t f = std::size_t(op->row0 + j);
    ya[j] = op->psi[f] / op->wsum + op->tau * (*op->penalty)[f] * op->a[f];
  }
  PetscCall(VecRestoreArray(y, &ya));
  ++op->products;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode ridge_diagonal(Mat A, Vec d) {
  PetscFunctionBeginUser;
  RidgeOperator* op;
  PetscCall(MatShellGetContext(A, &op));
  double* da;
  PetscCall(VecGetArray(d, &da));
  for (PetscInt j = 0; j < op->rows; ++j) da[j] = 1.0 + op->tau * (*op->penalty)[std::size_t(op->row0 + j)];
  PetscCall(VecRestoreArray(d, &da));
  PetscFunctionReturn(PETSC_SUCCESS);
}

// Right-hand sides Qᵀ ΨᵀWy / W of every target (D_inv × k, row-major), in batches of
// targets whose coefficient vectors take at most 256 MiB.
PetscErrorCode projected_rhs(MPI_Comm comm, const ShtGrid& g, const InvariantBasis& basis, std::vector<double>* rhs) {
  PetscFunctionBeginUser;
  const int k = g.ntargets, D = basis.dinv();
  const std::size_t nc = g.ncoef(), nloc = g.local_cells();
  const int batch = int(std::max<std::size_t>(1, std::min<std::size_t>(std::size_t(k), (std::size_t(256) << 20) / (8 * nc))));
  rhs->assign(std::size_t(D) * std::size_t(k), 0.0);
  std::vector<double> c, psi(static_cast<std::size_t>(D));
  for (int t0 = 0; t0 < k; t0 += batch) {
    const int nb = std::min(batch, k - t0);
    c.assign(nc * std::size_t(nb), 0.0);
    for (int t = 0; t < nb; ++t) g.adjoint(g.values.data() + std::size_t(t0 + t) * nloc, c.data() + std::size_t(t) * nc);
    PetscCall(sht_allreduce(comm, &c));
    for (int t = 0; t < nb; ++t) {
      project(basis, c.data() + std::size_t(t) * nc, psi.data());
      for (int j = 0; j < D; ++j) (*rhs)[std::size_t(j) * std::size_t(k) + std::size_t(t0 + t)] = psi[std::size_t(j)] / g.wsum;
    }
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode solve_ridge_cg(MPI_Comm comm, const ShtGrid& g, const InvariantBasis& basis, double tau,
                              const std::vector<double>& penalty, std::vector<double>* coef, SolveReport* rep) {
  PetscFunctionBeginUser;
  const int k = g.ntargets, D = basis.dinv();
  RidgeOperator op;
  op.comm = comm;
  op.grid = &g;
  op.basis = &basis;
  op.penalty = &penalty;
  op.tau = tau;
  op.wsum = g.wsum;
  int size, rank;
  PetscCallMPI(MPI_Comm_size(comm, &size));
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  PetscInt rbegin, rcount;
  row_block(comm, PetscInt(D), &rbegin, &rcount);
  op.row0 = rbegin;
  op.rows = rcount;
  op.counts.resize(std::size_t(size));
  op.displs.resize(std::size_t(size));
  int mine = int(rcount);
  PetscCallMPI(MPI_Allgather(&mine, 1, MPI_INT, op.counts.data(), 1, MPI_INT, comm));
  for (int p = 1; p < size; ++p) op.displs[std::size_t(p)] = op.displs[std::size_t(p) - 1] + op.counts[std::size_t(p) - 1];
  op.a.assign(std::size_t(D), 0.0);
  op.c.assign(g.ncoef(), 0.0);
  op.map.assign(g.local_cells(), 0.0);
  op.psi.assign(std::size_t(D), 0.0);
  std::vector<double> rhs;
  PetscCall(projected_rhs(comm, g, basis, &rhs));
  PetscHandle<Mat, MatDestroy> A;
  PetscCall(MatCreateShell(comm, rcount, rcount, D, D, &op, A.address()));
  PetscCall(MatShellSetOperation(A, MATOP_MULT, (void (*)(void))ridge_mult));
  PetscCall(MatShellSetOperation(A, MATOP_GET_DIAGONAL, (void (*)(void))ridge_diagonal));
  PetscCall(MatSetOption(A, MAT_SYMMETRIC, PETSC_TRUE));
  PetscHandle<KSP, KSPDestroy> ksp;
  PetscCall(KSPCreate(comm, ksp.address()));
  PetscCall(KSPSetOperators(ksp, A, A));
  PetscCall(KSPSetOptionsPrefix(ksp, "reduced_"));
  PetscCall(KSPSetType(ksp, KSPCG));
  PC pc;
  PetscCall(KSPGetPC(ksp, &pc));
  PetscCall(PCSetType(pc, PCJACOBI));
  PetscCall(KSPSetNormType(ksp, KSP_NORM_UNPRECONDITIONED));
  PetscCall(KSPSetTolerances(ksp, 1e-12, 0.0, PETSC_DEFAULT, 10000));
  PetscCall(KSPSetFromOptions(ksp));
  PetscHandle<Vec, VecDestroy> b, x, r;
  PetscCall(MatCreateVecs(A, x.address(), b.address()));
  PetscCall(VecDuplicate(b, r.address()));
  coef->assign(std::size_t(D) * std::size_t(k), 0.0);
  rep->iterations = 0;
  rep->max_rel_residual = 0;
  const double t0 = MPI_Wtime();
  for (int t = 0; t < k; ++t) {
    double* ba;
    PetscCall(VecGetArray(b, &ba));
    for (PetscInt j = 0; j < rcount; ++j) ba[j] = rhs[std::size_t(rbegin + j) * std::size_t(k) + std::size_t(t)];
    PetscCall(VecRestoreArray(b, &ba));
    PetscCall(VecSet(x, 0.0));
    KSPConvergedReason why;
    PetscInt its;
    double rel;
    PetscCall(ksp_solve_true_residual(ksp, A, b, x, r, &its, &why, &rel));
    rep->iterations += its;
    rep->max_rel_residual = std::max(rep->max_rel_residual, rel);
    PetscCall(collective_check(comm, why > 0,
                               "the CG solve of the grid path's ridge system did not converge for target " +
                                   std::to_string(t) + " (" + KSPConvergedReasons[why] + " after " +
                                   std::to_string(its) + " iterations, relative residual " + std::to_string(rel) +
                                   "): raise -tau, or -reduced_ksp_max_it, or use -features pointwise"));
    const double* xa;
    PetscCall(VecGetArrayRead(x, &xa));
    PetscCallMPI(MPI_Allgatherv(xa, int(rcount), MPI_DOUBLE, op.a.data(), op.counts.data(), op.displs.data(),
                                MPI_DOUBLE, comm));
    PetscCall(VecRestoreArrayRead(x, &xa));
    for (int j = 0; j < D; ++j) (*coef)[std::size_t(j) * std::size_t(k) + std::size_t(t)] = op.a[std::size_t(j)];
  }
  rep->t_solve = MPI_Wtime() - t0;
  KSPType type;
  PCType pctype;
  PetscCall(KSPGetType(ksp, &type));
  PetscCall(PCGetType(pc, &pctype));
  rep->method = std::string(type) + "/" + pctype + " on the SHT operator (" + std::to_string(op.products) +
                " products, " + std::to_string(rep->iterations) + " iterations)";
  PetscFunctionReturn(PETSC_SUCCESS);
}

}  // namespace

std::string sht_obstacle(const TrainOptions& opt, const Manifold& M, bool ring_layout) {
  if (!ring_layout)
    return "the data are scattered points, not a grid of rings (a HEALPix map or a rectilinear lat/lon netCDF grid)";
  if (M.name() != "s2") return "the transforms are for -manifold s2 (the job is on " + M.describe() + ")";
  if (opt.select.criterion != SelectCriterion::None)
    return "model selection (-select) needs the Gram matrix of the pointwise path";
  if (!opt.checkpoint.path.empty() || !opt.checkpoint.restart.empty())
    return "-checkpoint and -restart save the pointwise path's partial sums";
  if (opt.select.uncertainty == 1) return "the error model (-uncertainty 1) needs the Gram matrix of the pointwise path";
  return "";
}

PetscErrorCode sht_wanted(MPI_Comm comm, const TrainOptions& opt, const TrainState& st, bool* use) {
  PetscFunctionBeginUser;
  *use = false;
  PetscCall(collective_check(comm, opt.features == "auto" || opt.features == "sht" || opt.features == "pointwise",
                             "unknown -features '" + opt.features + "': expected pointwise, sht or auto"));
  if (opt.features == "pointwise") PetscFunctionReturn(PETSC_SUCCESS);
  const std::string why = sht_obstacle(opt, *st.manifold, st.source && st.source->ring_layout());
  if (opt.features == "sht")
    PetscCall(collective_check(comm, why.empty(), "-features sht cannot be used: " + why + "; use -features pointwise"));
  *use = why.empty();
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode train_sht(MPI_Comm comm, const TrainOptions& opt, TrainState* st, TrainReport* rep, bool* used) {
  PetscFunctionBeginUser;
  PetscCheck(st->done == TrainStage::Basis, comm, PETSC_ERR_ARG_WRONGSTATE, "train_sht: basis first");
  *used = false;
  const InvariantBasis& basis = st->basis;
  bool matrices = !basis.ring_route();
  for (const SpaceInvariants& s : basis.spaces) matrices = matrices && s.has_q();
  PetscCall(collective_check(comm, matrices || opt.features != "sht",
                             "-features sht needs the invariant basis as Q matrices (not the ring route)"));
  // auto keeps the pointwise path when it would compute the default error model of ridge.
  if (!matrices || (opt.features == "auto" && opt.wants_uncertainty(basis.dinv()))) PetscFunctionReturn(PETSC_SUCCESS);
  const double t_read = MPI_Wtime();
  ShtGrid g;
  std::string why;
  PetscCall(sht_gather(comm, *st->source, basis.top_label(), true, 1 << 16, &g, &why));
  const double t_gather = MPI_Wtime() - t_read;
  rep->t_read += t_gather;
  if (!why.empty()) {
    PetscCall(collective_check(comm, opt.features != "sht", "-features sht cannot be used: " + why +
                                                                "; use -features pointwise"));
    if (opt.verbose) PetscCall(PetscPrintf(comm, "[specavg] pointwise features: %s\n", why.c_str()));
    PetscCall(st->source->rewind());
    PetscFunctionReturn(PETSC_SUCCESS);
  }
  PetscCall(st->source->close());
  st->source.reset();
  *used = true;
  if (opt.verbose)
    PetscCall(PetscPrintf(comm,
                          "[specavg] grid path: %s, %d rings with data over %d rank(s), transforms to lmax %d "
                          "(libsharp); rows read and moved to their rings' ranks in %.2f s\n",
                          g.describe().c_str(), g.total_rings, st->nranks, g.lmax(), t_gather));
  PetscCall(train_penalty(comm, opt, st));
  const double t0 = MPI_Wtime();
  rep->solve = SolveReport{};
  if (!opt.estimator->penalized()) {
    PetscCall(projected_rhs(comm, g, basis, &st->coef));
    rep->solve.method = "spectral averaging by adjoint SHT (no solve)";
    rep->t_assembly = MPI_Wtime() - t0;
  } else {
    bool penalized = false;
    for (double w : st->penalty) penalized = penalized || opt.tau * w > 0;
    PetscCall(collective_check(comm, penalized || g.n_positive >= basis.dinv(),
                               ill_posed_message("no regularization and fewer points than invariant features, so the "
                                                 "reduced matrix is singular",
                                                 opt.tau, g.n_positive, basis.dinv())));
    PetscCall(solve_ridge_cg(comm, g, basis, opt.tau, st->penalty, &st->coef, &rep->solve));
    rep->t_solve = rep->solve.t_solve;
    rep->t_assembly = MPI_Wtime() - t0 - rep->t_solve;
  }
  rep->solve.wsum = g.wsum;
  rep->solve.n = g.n;
  st->reduced.n = g.n;
  st->reduced.n_positive = g.n_positive;
  st->reduced.wsum = g.wsum;
  st->ntargets = g.ntargets;
  if (opt.verbose) {
    if (opt.estimator->penalized())
      PetscCall(PetscPrintf(comm, "[specavg] reduced %s: %.3f s, final relative residual %.1e\n",
                            rep->solve.method.c_str(), rep->t_solve, rep->solve.max_rel_residual));
    else
      PetscCall(PetscPrintf(comm, "[specavg] %s: %.3f s\n", rep->solve.method.c_str(), rep->t_assembly));
  }
  st->done = TrainStage::Solved;
  PetscFunctionReturn(PETSC_SUCCESS);
}

}  // namespace specavg
