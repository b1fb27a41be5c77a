#include "specavg/parallel/features.hpp"

#include <algorithm>
#include <cmath>

#include "specavg/estimate/invariant_features.hpp"
#include "specavg/util/dense_linalg.hpp"
#include "specavg/comm/petsc_util.hpp"

namespace specavg {

PetscInt default_block_rows(const InvariantFeatures& feats) {
  const double per_row = double(feats.values_per_point() + std::size_t(feats.dinv()));
  return std::clamp<PetscInt>(PetscInt((2u << 20) / per_row), 64, 8192);
}

PetscErrorCode assemble_local(const InvariantBasis& basis, const LocalData& data, PetscInt block_rows, bool with_gram,
                              NormalEquations* ne, const std::function<void(double)>& progress) {
  PetscFunctionBeginUser;
  const int D = basis.dinv(), k = data.ntargets;
  ne->dinv = D;
  ne->ntargets = k;
  ne->gram.assign(with_gram ? std::size_t(D) * D : 0, 0.0);
  ne->rhs.assign(std::size_t(D) * k, 0.0);
  ne->n = data.count;
  ne->wsum = 0.0;
  InvariantFeatures feats(basis);
  ne->values_per_point = double(feats.values_per_point());
  const PetscInt nb_max = block_rows > 0 ? block_rows : default_block_rows(feats);
  std::vector<double> psi(std::size_t(nb_max) * D), yw(std::size_t(nb_max) * k), sw(nb_max);
  const bool weighted = !data.weights.empty();
  const double t_begin = MPI_Wtime();
  int quarter = 1;
  for (PetscInt i0 = 0; i0 < data.count; i0 += nb_max) {
    const int nb = int(std::min(nb_max, data.count - i0));
    double t0 = MPI_Wtime();
    feats.evaluate(&data.points[std::size_t(i0) * data.dim], nb, psi.data());
    const double* y = &data.values[std::size_t(i0) * k];
    if (weighted) {
      // Ψ ← W^{1/2}Ψ and Y ← W^{1/2}Y, so ΨᵀΨ and ΨᵀY carry the weights.
      for (int i = 0; i < nb; ++i) {
        const double w = data.weights[i0 + i];
        sw[i] = std::sqrt(w);
        ne->wsum += w;
        for (int c = 0; c < k; ++c) yw[std::size_t(i) * k + c] = sw[i] * y[std::size_t(i) * k + c];
      }
      for (int j = 0; j < D; ++j)
        for (int i = 0; i < nb; ++i) psi[std::size_t(j) * nb + i] *= sw[i];
      y = yw.data();
    } else {
      ne->wsum += nb;
    }
    double t1 = MPI_Wtime();
    if (with_gram) dsyrk_upper(true, D, nb, 1.0, psi.data(), nb, 1.0, ne->gram.data(), D);
    // rhsᵀ (k × D, column-major = row-major D × k) += Yᵀ (k × nb) · Ψ (nb × D)
    dgemm(false, false, k, D, nb, 1.0, y, k, psi.data(), nb, 1.0, ne->rhs.data(), k);
    double t2 = MPI_Wtime();
    ne->t_features += t1 - t0;
    ne->t_assembly += t2 - t1;
    ne->flops_features += nb * feats.flops_per_point();
    ne->flops_assembly += (with_gram ? double(nb) * D * (D + 1) : 0.0) + 2.0 * nb * D * k;
    const double done = double(i0 + nb) / double(data.count);
    if (progress && done >= 0.25 * quarter && quarter < 4) {
      if (MPI_Wtime() - t_begin > 2.0) progress(done);
      while (quarter < 4 && done >= 0.25 * quarter) ++quarter;
    }
  }
  if (with_gram)  // mirror DSYRK's upper triangle so rows can be scattered as contiguous blocks
    for (int j = 0; j < D; ++j)
      for (int i = j + 1; i < D; ++i) ne->gram[std::size_t(j) * D + i] = ne->gram[std::size_t(i) * D + j];
  PetscFunctionReturn(PETSC_SUCCESS);
}

}  // namespace specavg
