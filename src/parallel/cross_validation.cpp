#include "specavg/parallel/cross_validation.hpp"

#include <petscmat.h>

#include <cmath>

#include "specavg/comm/collective.hpp"
#include "specavg/comm/petsc_util.hpp"
#include "specavg/estimate/model_selection.hpp"
#include "specavg/parallel/features.hpp"
#include "specavg/parallel/selection_stage.hpp"

namespace specavg {

std::vector<LocalData> split_by_fold(const LocalData& data, int folds) {
  std::vector<LocalData> parts(static_cast<std::size_t>(folds));
  for (LocalData& p : parts) {
    p.n_global = data.n_global;
    p.ntargets = data.ntargets;
    p.dim = data.dim;
    p.has_truth = data.has_truth;
  }
  const std::size_t d = std::size_t(data.dim), k = std::size_t(data.ntargets);
  for (PetscInt i = 0; i < data.count; ++i) {
    LocalData& p = parts[std::size_t(fold_of((long long)(data.begin + i), folds))];
    const std::size_t r = std::size_t(i);
    p.points.insert(p.points.end(), data.points.begin() + r * d, data.points.begin() + (r + 1) * d);
    p.values.insert(p.values.end(), data.values.begin() + r * k, data.values.begin() + (r + 1) * k);
    if (!data.weights.empty()) p.weights.push_back(data.weights[r]);
    if (data.has_truth) p.truth.insert(p.truth.end(), data.truth.begin() + r * k, data.truth.begin() + (r + 1) * k);
    ++p.count;
  }
  return parts;
}

PetscErrorCode kfold_invariant(MPI_Comm comm, const InvariantBasis& basis, const std::vector<LocalData>& parts,
                               const std::vector<double>& penalty, const std::vector<double>& taus, bool spectral,
                               std::vector<double>* rmse) {
  PetscFunctionBeginUser;
  std::vector<ReducedSums> sums(parts.size());
  for (std::size_t f = 0; f < parts.size(); ++f) {
    NormalEquations ne;
    PetscCall(assemble_local(basis, parts[f], 0, true, &ne));
    PetscCall(allreduce_sums(comm, ne, &sums[f]));
  }
  const std::vector<CutoffCandidate> whole{{basis.dinv(), basis.cutoff}};
  const std::vector<double> grid = spectral ? std::vector<double>{0.0} : taus;
  SelectionResult sel;
  SPECAVG_CALL_CXX(comm, sel = select_kfold(sums, penalty, whole, grid, spectral, true));
  rmse->assign(grid.size(), 0.0);
  for (std::size_t t = 0; t < grid.size(); ++t) {
    double s = 0;
    for (int j = 0; j < sel.ntargets; ++j) s += sel.score(0, int(t), j);
    (*rmse)[t] = std::sqrt(s / std::max(sel.ntargets, 1));
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode kfold_kernel_ridge(MPI_Comm comm, const KrrSystem& sys, const LocalData& data, int folds,
                                  const std::vector<double>& lambdas, std::vector<double>* rmse) {
  PetscFunctionBeginUser;
  PetscCheck(sys.K.get(), comm, PETSC_ERR_ARG_WRONGSTATE, "kfold_kernel_ridge: the kernel matrix was consumed");
  const long long reps = sys.n > 0 ? (long long)sys.N / sys.n : 1;  // |G| images per point (krr-aug)
  const std::size_t d = std::size_t(sys.M->dim()), k = std::size_t(sys.ntargets);
  PetscInt rs, re;
  PetscCall(MatGetOwnershipRange(sys.K, &rs, &re));
  const std::vector<LocalData> parts = split_by_fold(data, folds);
  std::vector<double> sse(lambdas.size(), 0.0);
  for (int f = 0; f < folds; ++f) {
    // The other folds' centers: global rows of K (all of them on every rank, for the
    // centers), and this rank's rows among them (the sub-matrix's local rows).
    std::vector<PetscInt> keep_local;
    KrrSystem sub;
    for (PetscInt r = 0; r < sys.N; ++r) {
      if (fold_of(r / reps, folds) == f) continue;
      sub.centers.insert(sub.centers.end(), sys.centers.begin() + std::size_t(r) * d,
                         sys.centers.begin() + std::size_t(r + 1) * d);
      if (r >= rs && r < re) {
        keep_local.push_back(r);
        const std::size_t lr = std::size_t(r - rs);
        sub.y.insert(sub.y.end(), sys.y.begin() + lr * k, sys.y.begin() + (lr + 1) * k);
      }
    }
    sub.M = sys.M;
    sub.estimator = sys.estimator;
    sub.kernel = sys.kernel;
    sub.group_spec = sys.group_spec;
    sub.generators = sys.generators;
    sub.elements = sys.elements;
    sub.order = sys.order;
    sub.redundant = sys.redundant;
    sub.ntargets = sys.ntargets;
    sub.N = PetscInt(sub.centers.size() / d);
    sub.n = (long long)sub.N / reps;
    const MPI_Comm scomm = sys.redundant ? PETSC_COMM_SELF : comm;
    PetscHandle<IS, ISDestroy> is;
    PetscCall(ISCreateGeneral(scomm, PetscInt(keep_local.size()), keep_local.data(), PETSC_COPY_VALUES, is.address()));
    PetscCall(MatCreateSubMatrix(sys.K, is, is, MAT_INITIAL_MATRIX, sub.K.address()));
    for (std::size_t l = 0; l < lambdas.size(); ++l) {
      Model m;
      KrrReport rep;
      PetscCall(krr_solve(comm, &sub, lambdas[l], true, &m, &rep));
      const LocalData& held = parts[std::size_t(f)];
      std::vector<double> pred(std::size_t(held.count) * k);
      m.predict(held.points.data(), std::size_t(held.count), pred.data());
      for (std::size_t i = 0; i < pred.size(); ++i) sse[l] += (pred[i] - held.values[i]) * (pred[i] - held.values[i]);
    }
  }
  std::vector<double> total(sse.size());
  PetscCallMPI(MPI_Allreduce(sse.data(), total.data(), int(sse.size()), MPI_DOUBLE, MPI_SUM, comm));
  rmse->resize(total.size());
  for (std::size_t l = 0; l < total.size(); ++l)
    (*rmse)[l] = std::sqrt(total[l] / (double(data.n_global) * double(std::max<std::size_t>(k, 1))));
  PetscFunctionReturn(PETSC_SUCCESS);
}

}  // namespace specavg
