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
  const PetscInt nb = PetscInt(feats.tile_rows());
  std::vector<double> psi, work;
  for (PetscInt i0 = 0; i0 < count; i0 += nb) {
    const PetscInt c = std::min(nb, count - i0);
    psi.resize(std::size_t(c) * D);
    feats.evaluate(x + std::size_t(i0) * dim, std::size_t(c), psi.data());
    predictive_std(model.uncertainty, D, psi.data(), std::size_t(c), out->data() + std::size_t(i0) * k, work);
  }
}

namespace {

// The words of the invariance discrepancy: the generators, then nwords random words of
// length wordlen (fixed seed: identical on every rank).
std::vector<Isometry> discrepancy_words(const Model& model, int nwords, int wordlen) {
  const int r = int(model.generators.size());
  std::vector<Isometry> words(model.generators);
  for (int w = 0; r > 0 && w < nwords; ++w) {
    Isometry g = isometry_identity(model.manifold().dim());
    for (int t = 0; t < wordlen; ++t)
      g = isometry_compose(model.generators[rng_bits(0xD15C, 77, std::uint64_t(w) * wordlen + t) % r], g);
    words.push_back(g);
  }
  return words;
}

// Running sums of evaluate_model over this rank's rows, block by block.
struct EvalSums {
  double sq[3] = {0, 0, 0};  // Σ w err², Σ w err_truth², Σ w
  double fmax = 0, dmax = 0, t_predict = 0;
  long long id_rows = 0;  // rows of the discrepancy so far
};

// One block of rows; its first `id` rows also enter the invariance discrepancy.
void evaluate_block(const Model& model, const std::vector<Isometry>& words, const double* x, const double* y,
                    const double* truth, const double* weights, PetscInt count, PetscInt id, EvalSums* s) {
  const int k = model.ntargets;
  std::vector<double> f;
  const double t0 = MPI_Wtime();
  predict_points(model, x, count, &f);
  s->t_predict += MPI_Wtime() - t0;
  // Weighted like training: Σ_i w_i Σ_j err_ij² / (k Σ_i w_i); w ≡ 1 without weights.
  for (PetscInt i = 0; i < count; ++i) {
    const double w = weights ? weights[i] : 1.0;
    for (int j = 0; j < k; ++j) {
      const std::size_t ij = std::size_t(i) * k + j;
      s->sq[0] += w * (f[ij] - y[ij]) * (f[ij] - y[ij]);
      if (truth) s->sq[1] += w * (f[ij] - truth[ij]) * (f[ij] - truth[ij]);
    }
    s->sq[2] += w;
  }
  if (id <= 0) return;
  const Manifold& M = model.manifold();
  const std::size_t dim = std::size_t(M.dim());
  for (PetscInt i = 0; i < id * k; ++i) s->fmax = std::max(s->fmax, std::fabs(f[i]));
  std::vector<double> gx(std::size_t(id) * dim), fg;
  for (const Isometry& g : words) {
    for (PetscInt i = 0; i < id; ++i) M.map_point(g, &x[i * dim], &gx[i * dim]);
    predict_points(model, gx.data(), id, &fg);
    for (PetscInt i = 0; i < id * k; ++i) s->dmax = std::max(s->dmax, std::fabs(fg[i] - f[i]));
  }
  s->id_rows += id;
}

PetscErrorCode finish_eval(MPI_Comm comm, const EvalSums& s, int k, long long n_global, bool weighted, bool has_truth,
                           int nwords, EvalReport* rep) {
  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Allreduce(&s.t_predict, &rep->t_predict, 1, MPI_DOUBLE, MPI_MAX, comm));
  double glob[3];
  PetscCallMPI(MPI_Allreduce(s.sq, glob, 3, MPI_DOUBLE, MPI_SUM, comm));
  int w = weighted, any_weighted = 0;
  PetscCallMPI(MPI_Allreduce(&w, &any_weighted, 1, MPI_INT, MPI_MAX, comm));
  PetscCheck(glob[2] > 0, comm, PETSC_ERR_USER_INPUT,
             "the test data's weights sum to 0: give at least one row a positive weight");
  rep->n = n_global;
  rep->weighted = any_weighted != 0;
  rep->weight_sum = glob[2];
  const double denom = glob[2] * k;
  rep->rmse_values = std::sqrt(glob[0] / denom);
  rep->rmse_truth = has_truth ? std::sqrt(glob[1] / denom) : -1.0;
  double lm[2] = {s.fmax, s.dmax}, gm[2];
  PetscCallMPI(MPI_Allreduce(lm, gm, 2, MPI_DOUBLE, MPI_MAX, comm));
  long long lp = s.id_rows, gp = 0;
  PetscCallMPI(MPI_Allreduce(&lp, &gp, 1, MPI_LONG_LONG, MPI_SUM, comm));
  rep->max_abs_f = gm[0];
  rep->id_abs = gm[1];
  rep->id_rel = gm[0] > 0 ? gm[1] / gm[0] : gm[1];
  rep->id_words = nwords;
  rep->id_points = gp;
  PetscFunctionReturn(PETSC_SUCCESS);
}

// Rows of this rank in the invariance discrepancy: a proportional share of id_points.
PetscInt discrepancy_rows(PetscInt count, long long n_global, PetscInt id_points) {
  return n_global > 0 ? std::min<PetscInt>(count, (PetscInt)std::ceil(double(id_points) * count / n_global)) : 0;
}

}  // namespace

PetscErrorCode evaluate_model(MPI_Comm comm, const Model& model, const LocalData& d, PetscInt id_points, int nwords,
                              int wordlen, EvalReport* rep) {
  PetscFunctionBeginUser;
  const int k = model.ntargets;
  PetscCheck(d.ntargets == k, comm, PETSC_ERR_USER_INPUT,
             "the data have %d target column(s) but the model was trained for %d: evaluate with data of the same shape",
             d.ntargets, k);
  const std::vector<Isometry> words = discrepancy_words(model, nwords, wordlen);
  EvalSums s;
  evaluate_block(model, words, d.points.data(), d.values.data(), d.has_truth ? d.truth.data() : nullptr,
                 d.weights.empty() ? nullptr : d.weights.data(), d.count,
                 discrepancy_rows(d.count, (long long)d.n_global, id_points), &s);
  PetscCall(finish_eval(comm, s, k, (long long)d.n_global, !d.weights.empty(), d.has_truth, int(words.size()), rep));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode evaluate_model_stream(MPI_Comm comm, const Model& model, RowSource& src, PetscInt block_rows,
                                     PetscInt id_points, int nwords, int wordlen, EvalReport* rep) {
  PetscFunctionBeginUser;
  const int k = model.ntargets;
  PetscCheck(src.ntargets() == k, comm, PETSC_ERR_USER_INPUT,
             "the data have %d target column(s) but the model was trained for %d: evaluate with data of the same shape",
             src.ntargets(), k);
  const std::vector<Isometry> words = discrepancy_words(model, nwords, wordlen);
  const PetscInt id_total = discrepancy_rows(src.local_count(), (long long)src.rows_total(), id_points);
  EvalSums s;
  RowBlock b;
  PetscInt seen = 0;
  for (bool done = false;;) {
    PetscCall(src.next_block(block_rows, &b, &done));
    if (done) break;
    evaluate_block(model, words, b.points.data(), b.values.data(), src.has_truth() ? b.truth.data() : nullptr,
                   b.weights.empty() ? nullptr : b.weights.data(), b.count,
                   std::max<PetscInt>(0, std::min(b.count, id_total - seen)), &s);
    seen += b.count;
  }
  PetscCall(src.close());
  PetscCall(
      finish_eval(comm, s, k, (long long)src.rows_total(), src.has_weights(), src.has_truth(), int(words.size()), rep));
  PetscFunctionReturn(PETSC_SUCCESS);
}

}  // namespace specavg
