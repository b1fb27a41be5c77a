#include "specavg/parallel/selection_stage.hpp"

#include <algorithm>
#include <cstdio>

#include "specavg/comm/petsc_util.hpp"
#include "specavg/util/counter_rng.hpp"

namespace specavg {

namespace {
constexpr std::uint64_t kFoldSeed = 0x6b666f6c64ULL;  // fixed: folds are part of the method
}

int fold_of(long long global_row, int folds) {
  return int(rng_bits(kFoldSeed, 0, std::uint64_t(global_row)) % std::uint64_t(folds));
}

PetscErrorCode accumulate_rows_by_fold(InvariantFeatures& feats, const RowBlock& b, PetscInt block_rows,
                                       std::vector<NormalEquations>* folds) {
  PetscFunctionBeginUser;
  const int K = int(folds->size()), dim = feats.dim(), k = folds->front().ntargets;
  std::vector<std::vector<PetscInt>> rows(K);
  for (PetscInt i = 0; i < b.count; ++i) rows[fold_of(b.offset + i, K)].push_back(i);
  std::vector<double> x, y, w;
  for (int f = 0; f < K; ++f) {
    const auto& r = rows[f];
    if (r.empty()) continue;
    x.resize(r.size() * dim), y.resize(r.size() * k), w.resize(b.weights.empty() ? 0 : r.size());
    for (std::size_t j = 0; j < r.size(); ++j) {
      std::copy_n(&b.points[std::size_t(r[j]) * dim], dim, &x[j * dim]);
      std::copy_n(&b.values[std::size_t(r[j]) * k], k, &y[j * k]);
      if (!w.empty()) w[j] = b.weights[r[j]];
    }
    PetscCall(accumulate_rows(feats, x.data(), y.data(), w.empty() ? nullptr : w.data(), PetscInt(r.size()), block_rows,
                              &(*folds)[f]));
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

void add_normal_equations(const NormalEquations& p, NormalEquations* t) {
  for (std::size_t i = 0; i < p.gram.size(); ++i) t->gram[i] += p.gram[i];
  for (std::size_t i = 0; i < p.rhs.size(); ++i) t->rhs[i] += p.rhs[i];
  for (std::size_t i = 0; i < p.yy.size(); ++i) t->yy[i] += p.yy[i];
  t->wsum += p.wsum;
  t->n += p.n;
  t->n_positive += p.n_positive;
  t->t_features += p.t_features;
  t->t_assembly += p.t_assembly;
  t->flops_features += p.flops_features;
  t->flops_assembly += p.flops_assembly;
  t->values_per_point = std::max(t->values_per_point, p.values_per_point);
}

PetscErrorCode allreduce_sums(MPI_Comm comm, const NormalEquations& local, ReducedSums* g) {
  PetscFunctionBeginUser;
  PetscCheck(local.finished && local.with_gram, comm, PETSC_ERR_ARG_WRONGSTATE,
             "allreduce_sums: finished sums with a Gram matrix expected");
  g->dinv = local.dinv;
  g->ntargets = local.ntargets;
  g->gram.resize(local.gram.size());
  g->rhs.resize(local.rhs.size());
  g->yy.resize(local.yy.size());
  PetscCallMPI(MPI_Allreduce(local.gram.data(), g->gram.data(), int(local.gram.size()), MPI_DOUBLE, MPI_SUM, comm));
  PetscCallMPI(MPI_Allreduce(local.rhs.data(), g->rhs.data(), int(local.rhs.size()), MPI_DOUBLE, MPI_SUM, comm));
  PetscCallMPI(MPI_Allreduce(local.yy.data(), g->yy.data(), int(local.yy.size()), MPI_DOUBLE, MPI_SUM, comm));
  double ws = local.wsum;
  long long n = local.n;
  PetscCallMPI(MPI_Allreduce(&ws, &g->wsum, 1, MPI_DOUBLE, MPI_SUM, comm));
  PetscCallMPI(MPI_Allreduce(&n, &g->n, 1, MPI_LONG_LONG, MPI_SUM, comm));
  PetscFunctionReturn(PETSC_SUCCESS);
}

std::vector<CutoffCandidate> cutoff_candidates(const InvariantBasis& basis) {
  std::vector<CutoffCandidate> c;
  int p = 0;
  for (const auto& s : basis.spaces) {
    if (s.k == 0) continue;
    p += s.k;
    char buf[96];
    std::snprintf(buf, sizeof buf, "label %d (lambda %.6g)", s.label, s.lambda);
    c.push_back({p, buf});
  }
  return c;
}

}  // namespace specavg
