#include "specavg/parallel/features.hpp"

#include <algorithm>
#include <cmath>

#include "specavg/estimate/invariant_features.hpp"
#include "specavg/util/dense_linalg.hpp"
#include "specavg/comm/petsc_util.hpp"
#include "specavg/util/failure.hpp"

namespace specavg {

PetscInt default_block_rows(const InvariantFeatures& feats) {
  return PetscInt(feats.default_block_rows());
}

void start_normal_equations(int dinv, int ntargets, bool with_gram, NormalEquations* ne) {
  *ne = NormalEquations{};
  ne->dinv = dinv;
  ne->ntargets = ntargets;
  ne->with_gram = with_gram;
  const std::size_t gram_size = with_gram ? std::size_t(dinv) * dinv : 0;
  allocating("the " + std::to_string(dinv) + " x " + std::to_string(dinv) + " Gram matrix of the invariant features",
             8.0 * double(gram_size), [&] {
               inject_failure("alloc");  // test hook
               ne->gram.assign(gram_size, 0.0);
             });
  ne->rhs.assign(std::size_t(dinv) * ntargets, 0.0);
  ne->yy.assign(ntargets, 0.0);
}

PetscErrorCode accumulate_rows(InvariantFeatures& feats, const double* points, const double* values,
                               const double* weights, PetscInt count, PetscInt block_rows, NormalEquations* ne) {
  PetscFunctionBeginUser;
  PetscCheck(!ne->finished, PETSC_COMM_SELF, PETSC_ERR_ARG_WRONGSTATE, "accumulate_rows after finish");
  const int D = ne->dinv, k = ne->ntargets, dim = feats.dim();
  PetscCheck(feats.dinv() == D, PETSC_COMM_SELF, PETSC_ERR_ARG_INCOMP, "accumulate_rows: features of another basis");
  ne->values_per_point = double(feats.values_per_point());
  // Evaluate in cache-sized tiles of the I/O block: two ranks streaming 16 MiB blocks
  // through the shared cache ran at 60 % of their one-rank rate here.
  const PetscInt nb_max =
      std::min<PetscInt>(block_rows > 0 ? block_rows : default_block_rows(feats), PetscInt(feats.tile_rows()));
  std::vector<double> psi(std::size_t(std::min(nb_max, std::max<PetscInt>(count, 1))) * D);
  std::vector<double> yw(weights ? std::size_t(std::min(nb_max, count)) * k : 0), sw(weights ? nb_max : 0);
  for (PetscInt i0 = 0; i0 < count; i0 += nb_max) {
    const int nb = int(std::min(nb_max, count - i0));
    double t0 = MPI_Wtime();
    feats.evaluate(points + std::size_t(i0) * dim, nb, psi.data());
    const double* y = values + std::size_t(i0) * k;
    if (weights) {
      // Ψ ← W^{1/2}Ψ and Y ← W^{1/2}Y, so ΨᵀΨ and ΨᵀY carry the weights.
      for (int i = 0; i < nb; ++i) {
        const double w = weights[i0 + i];
        sw[i] = std::sqrt(w);
        ne->wsum += w;
        ne->n_positive += w > 0;
        for (int c = 0; c < k; ++c) yw[std::size_t(i) * k + c] = sw[i] * y[std::size_t(i) * k + c];
      }
      for (int j = 0; j < D; ++j)
        for (int i = 0; i < nb; ++i) psi[std::size_t(j) * nb + i] *= sw[i];
      y = yw.data();
    } else {
      ne->wsum += nb;
      ne->n_positive += nb;
    }
    for (std::size_t i = 0; i < std::size_t(nb) * k; ++i) ne->yy[i % k] += y[i] * y[i];
    double t1 = MPI_Wtime();
    if (ne->with_gram) dsyrk_upper(true, D, nb, 1.0, psi.data(), nb, 1.0, ne->gram.data(), D);
    // rhsᵀ (k × D, column-major = row-major D × k) += Yᵀ (k × nb) · Ψ (nb × D)
    dgemm(false, false, k, D, nb, 1.0, y, k, psi.data(), nb, 1.0, ne->rhs.data(), k);
    double t2 = MPI_Wtime();
    ne->n += nb;
    ne->t_features += t1 - t0;
    ne->t_assembly += t2 - t1;
    ne->flops_features += nb * feats.flops_per_point();
    ne->flops_assembly += (ne->with_gram ? double(nb) * D * (D + 1) : 0.0) + 2.0 * nb * D * k;
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

void finish_normal_equations(NormalEquations* ne) {
  if (ne->finished) return;
  const int D = ne->dinv;
  if (ne->with_gram && !ne->owned)  // mirror DSYRK's upper triangle so rows can be scattered as contiguous blocks
    for (int j = 0; j < D; ++j)
      for (int i = j + 1; i < D; ++i) ne->gram[std::size_t(j) * D + i] = ne->gram[std::size_t(i) * D + j];
  ne->finished = true;
}

PetscErrorCode assemble_local(const InvariantBasis& basis, const LocalData& data, PetscInt block_rows, bool with_gram,
                              NormalEquations* ne, const std::function<void(double)>& progress) {
  PetscFunctionBeginUser;
  start_normal_equations(basis.dinv(), data.ntargets, with_gram, ne);
  InvariantFeatures feats(basis);
  const PetscInt nb = block_rows > 0 ? block_rows : default_block_rows(feats);
  const double* w = data.weights.empty() ? nullptr : data.weights.data();
  const double t_begin = MPI_Wtime();
  int quarter = 1;
  for (PetscInt i0 = 0; i0 < data.count; i0 += nb) {
    const PetscInt c = std::min(nb, data.count - i0);
    PetscCall(accumulate_rows(feats, data.points.data() + std::size_t(i0) * data.dim,
                              data.values.data() + std::size_t(i0) * data.ntargets, w ? w + i0 : nullptr, c, nb, ne));
    const double done = double(i0 + c) / double(data.count);
    if (progress && done >= 0.25 * quarter && quarter < 4) {
      if (MPI_Wtime() - t_begin > 2.0) progress(done);
      while (quarter < 4 && done >= 0.25 * quarter) ++quarter;
    }
  }
  finish_normal_equations(ne);
  PetscFunctionReturn(PETSC_SUCCESS);
}

}  // namespace specavg
