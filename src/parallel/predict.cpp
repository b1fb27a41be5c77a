#include "specavg/parallel/predict.hpp"

#include <algorithm>
#include <cmath>
#include <memory>

#include "specavg/parallel/features.hpp"
#include "specavg/estimate/invariant_features.hpp"
#include "specavg/util/counter_rng.hpp"
#include "specavg/comm/petsc_util.hpp"

namespace specavg {

void predict_points(const Model& model, const double* x, PetscInt count, std::vector<double>* out) {
  out->assign(std::size_t(count) * std::size_t(model.ntargets), 0.0);
  model.predict(x, std::size_t(count), out->data());
}

void predict_std_points(const Model& model, const double* x, PetscInt count, std::vector<double>* out) {
  const int D = model.basis.dinv(), k = model.ntargets, dim = model.manifold().dim();
  out->assign(std::size_t(count) * k, 0.0);
  if (D == 0 || count == 0) return;
  InvariantFeatures feats(model.basis);
  const PetscInt nb = default_block_rows(feats);
  std::vector<double> psi, work;
  for (PetscInt i0 = 0; i0 < count; i0 += nb) {
    const PetscInt c = std::min(nb, count - i0);
    psi.resize(std::size_t(c) * D);
    feats.evaluate(x + std::size_t(i0) * dim, std::size_t(c), psi.data());
    predictive_std(model.uncertainty, D, psi.data(), std::size_t(c), out->data() + std::size_t(i0) * k, work);
  }
}

PetscErrorCode evaluate_model(MPI_Comm comm, const Model& model, const LocalData& d, PetscInt id_points, int nwords,
                              int wordlen, EvalReport* rep) {
  PetscFunctionBeginUser;
  const int k = model.ntargets;
  PetscCheck(d.ntargets == k, comm, PETSC_ERR_USER_INPUT,
             "the data have %d target column(s) but the model was trained for %d: evaluate with data of the same shape",
             d.ntargets, k);
  const double t0 = MPI_Wtime();
  std::vector<double> f;
  predict_points(model, d.points.data(), d.count, &f);
  const double t_local = MPI_Wtime() - t0;
  PetscCallMPI(MPI_Allreduce(&t_local, &rep->t_predict, 1, MPI_DOUBLE, MPI_MAX, comm));
  // Weighted like training: Σ_i w_i Σ_j err_ij² / (k Σ_i w_i); w ≡ 1 without weights.
  double loc[3] = {0, 0, 0}, glob[3];  // Σ w err², Σ w err_truth², Σ w
  for (PetscInt i = 0; i < d.count; ++i) {
    const double w = d.weights.empty() ? 1.0 : d.weights[std::size_t(i)];
    for (int j = 0; j < k; ++j) {
      const std::size_t ij = std::size_t(i) * k + j;
      loc[0] += w * (f[ij] - d.values[ij]) * (f[ij] - d.values[ij]);
      if (d.has_truth) loc[1] += w * (f[ij] - d.truth[ij]) * (f[ij] - d.truth[ij]);
    }
    loc[2] += w;
  }
  PetscCallMPI(MPI_Allreduce(loc, glob, 3, MPI_DOUBLE, MPI_SUM, comm));
  int weighted = !d.weights.empty(), any_weighted = 0;
  PetscCallMPI(MPI_Allreduce(&weighted, &any_weighted, 1, MPI_INT, MPI_MAX, comm));
  PetscCheck(glob[2] > 0, comm, PETSC_ERR_USER_INPUT,
             "the test data's weights sum to 0: give at least one row a positive weight");
  rep->n = (long long)d.n_global;
  rep->weighted = any_weighted != 0;
  rep->weight_sum = glob[2];
  const double denom = glob[2] * k;
  rep->rmse_values = std::sqrt(glob[0] / denom);
  rep->rmse_truth = d.has_truth ? std::sqrt(glob[1] / denom) : -1.0;

  // Invariance discrepancy on a proportional share of this rank's rows.
  const PetscInt m =
      d.n_global > 0 ? std::min<PetscInt>(d.count, (PetscInt)std::ceil(double(id_points) * d.count / d.n_global)) : 0;
  const int r = int(model.generators.size());
  const Manifold& M = model.manifold();
  std::vector<Isometry> words(model.generators);
  for (int w = 0; r > 0 && w < nwords; ++w) {
    Isometry g = isometry_identity(M.dim());
    for (int t = 0; t < wordlen; ++t)
      g = isometry_compose(model.generators[rng_bits(0xD15C, 77, std::uint64_t(w) * wordlen + t) % r], g);
    words.push_back(g);
  }
  double fmax = 0.0, dmax = 0.0;
  for (PetscInt i = 0; i < m * k; ++i) fmax = std::max(fmax, std::fabs(f[i]));
  const std::size_t dim = std::size_t(M.dim());
  std::vector<double> gx(std::size_t(m) * dim), fg;
  for (const Isometry& g : words) {
    for (PetscInt i = 0; i < m; ++i) M.map_point(g, &d.points[i * dim], &gx[i * dim]);
    predict_points(model, gx.data(), m, &fg);
    for (PetscInt i = 0; i < m * k; ++i) dmax = std::max(dmax, std::fabs(fg[i] - f[i]));
  }
  double lm[2] = {fmax, dmax}, gm[2];
  PetscCallMPI(MPI_Allreduce(lm, gm, 2, MPI_DOUBLE, MPI_MAX, comm));
  long long lp = m, gp = 0;
  PetscCallMPI(MPI_Allreduce(&lp, &gp, 1, MPI_LONG_LONG, MPI_SUM, comm));
  rep->max_abs_f = gm[0];
  rep->id_abs = gm[1];
  rep->id_rel = gm[0] > 0 ? gm[1] / gm[0] : gm[1];
  rep->id_words = int(words.size());
  rep->id_points = gp;
  PetscFunctionReturn(PETSC_SUCCESS);
}

}  // namespace specavg
