// The select stage of the training pipeline (parallel/train.hpp, selection_stage.hpp).
#include <petsclog.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <memory>
#include <utility>

#include "specavg/comm/collective.hpp"
#include "specavg/comm/petsc_util.hpp"
#include "specavg/estimate/invariant_features.hpp"
#include "specavg/parallel/train.hpp"

namespace specavg {
namespace {

// Second pass over the data: leave-one-out sums of squares per (cutoff, τ, target).
PetscErrorCode loo_pass(MPI_Comm comm, const TrainOptions& opt, const TrainState& st, const ReducedSums& g,
                        const std::vector<CutoffCandidate>& cuts, const std::vector<double>& taus, bool spectral,
                        std::vector<double>* sse) {
  PetscFunctionBeginUser;
  const int D = g.dinv, k = g.ntargets;
  std::vector<std::unique_ptr<RidgePath>> paths;
  std::vector<std::unique_ptr<LooAccumulator>> accs;
  if (!spectral)
    for (const auto& c : cuts) {
      SPECAVG_CALL_CXX(comm, paths.push_back(std::make_unique<RidgePath>(g, c.p, st.penalty)));
      accs.push_back(std::make_unique<LooAccumulator>(*paths.back(), taus));
    }
  std::vector<double> spec_sse;
  std::unique_ptr<RowSource> src;
  PetscCall(open_row_source(comm, opt.data, {"-data", ValuesNeed::Required, st.manifold.get()}, &src));
  InvariantFeatures feats(st.basis);
  const PetscInt nb = st.block_rows > 0 ? st.block_rows : default_block_rows(feats);
  const std::size_t tile = std::max<std::size_t>(feats.tile_rows(), 1);  // Ψ in cache tiles, not per I/O block
  std::vector<double> psi, rows, ones;
  RowBlock b;
  for (bool done = false;;) {
    PetscCall(src->next_block(nb, &b, &done));
    if (done) break;
    if (b.weights.empty()) ones.assign(std::size_t(b.count), 1.0);
    for (std::size_t i0 = 0; i0 < std::size_t(b.count); i0 += tile) {
      const std::size_t n = std::min(tile, std::size_t(b.count) - i0);
      psi.resize(n * D), rows.resize(n * D);
      feats.evaluate(b.points.data() + i0 * std::size_t(st.manifold->dim()), n, psi.data());  // column-major n × D
      for (int j = 0; j < D; ++j)
        for (std::size_t i = 0; i < n; ++i) rows[i * D + j] = psi[std::size_t(j) * n + i];
      const double* w = (b.weights.empty() ? ones.data() : b.weights.data()) + i0;
      const double* y = b.values.data() + i0 * std::size_t(k);
      if (spectral)
        spectral_loo_add(g, cuts, n, rows.data(), std::size_t(D), y, w, &spec_sse);
      else
        for (auto& a : accs) a->add(n, rows.data(), std::size_t(D), y, w);
    }
  }
  PetscCall(src->close());
  std::vector<double> local;
  if (spectral) {
    local = spec_sse;
    local.resize(cuts.size() * std::size_t(k), 0.0);  // a rank without rows
  } else {
    for (const auto& a : accs) local.insert(local.end(), a->sse().begin(), a->sse().end());
  }
  sse->assign(local.size(), 0.0);
  PetscCallMPI(MPI_Allreduce(local.data(), sse->data(), int(local.size()), MPI_DOUBLE, MPI_SUM, comm));
  PetscFunctionReturn(PETSC_SUCCESS);
}

// Coefficient covariance per distinct (cutoff, τ) of the targets, and the noise variances.
// One eigendecomposition per distinct cutoff and one noise estimate per distinct (cutoff,
// τ), shared by every target that chose them: a per-target RidgePath cost O(D_inv³) each,
// hours for 120 monthly fields at D_inv ~ 2000.
void error_model(const ReducedSums& g, const std::vector<double>& penalty, bool spectral,
                 const std::vector<std::pair<int, double>>& choice, ModelUncertainty* u) {
  const int D = g.dinv, k = g.ntargets;
  u->noise_variance.assign(k, 0.0);
  u->target_group.assign(k, 0);
  u->unit_covariance.clear();
  std::map<int, std::unique_ptr<RidgePath>> paths;  // by cutoff p (ridge)
  auto path = [&](int p) -> const RidgePath& {
    auto& r = paths[p];
    if (!r) r = std::make_unique<RidgePath>(g, p, penalty);
    return *r;
  };
  std::map<std::pair<int, double>, int> groups;
  std::vector<std::vector<double>> noise;  // per group: the noise variance of every target
  for (int t = 0; t < k; ++t) {
    const auto [p, tau] = choice[t];
    auto it = groups.find(choice[t]);
    if (it == groups.end()) {
      std::vector<double> full(std::size_t(D) * D, 0.0);
      if (spectral) {  // Cov(b/W) = σ² ΨᵀWΨ / W² under ε ~ N(0, σ²/w)
        for (int i = 0; i < p; ++i)
          for (int j = 0; j < p; ++j) full[std::size_t(i) * D + j] = g.gram[std::size_t(i) * D + j] / (g.wsum * g.wsum);
        std::vector<double> a(std::size_t(p) * k);
        for (int i = 0; i < p; ++i)
          for (int c = 0; c < k; ++c) a[std::size_t(i) * k + c] = g.rhs[std::size_t(i) * k + c] / g.wsum;
        double tr = 0;
        for (int i = 0; i < p; ++i) tr += g.gram[std::size_t(i) * D + i] / g.wsum;
        const double dof = double(g.n) - tr;
        std::vector<double> v = RidgePath::held_out_sse(g, p, a);
        for (double& x : v) x = dof > 0 ? std::max(0.0, x) / dof : 0.0;
        noise.push_back(std::move(v));
      } else {
        const RidgePath& r = path(p);
        const auto c = r.unit_covariance(tau);
        for (int i = 0; i < p; ++i) std::copy_n(&c[std::size_t(i) * p], p, &full[std::size_t(i) * D]);
        noise.push_back(r.noise_variance(tau));
      }
      it = groups.emplace(choice[t], int(u->unit_covariance.size())).first;
      u->unit_covariance.push_back(std::move(full));
    }
    u->target_group[t] = it->second;
    u->noise_variance[t] = noise[std::size_t(it->second)][std::size_t(t)];
  }
}

}  // namespace

PetscErrorCode train_select(MPI_Comm comm, const TrainOptions& opt, TrainState* st, TrainReport* rep) {
  PetscFunctionBeginUser;
  PetscCheck(st->done == TrainStage::Accumulated, comm, PETSC_ERR_ARG_WRONGSTATE, "train_select: accumulate first");
  const SelectOptions& so = opt.select;
  const int D = st->basis.dinv(), k = st->ntargets;
  const bool selecting = so.criterion != SelectCriterion::None, spectral = !opt.estimator->penalized();
  // Owned Gram rows (no rank has the whole sums): the default error model is skipped;
  // -select and -uncertainty 1 were refused before the accumulation.
  const bool uncertainty = opt.wants_uncertainty(D) && !st->owned_gram;
  if ((!selecting && !uncertainty) || D == 0) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCall(collective_check(
      comm, D <= so.uncertainty_max_dinv,
      "-select and -uncertainty need the D_inv x D_inv sums on every rank: D_inv = " + std::to_string(D) +
          " exceeds -uncertainty_max_dinv " + std::to_string(so.uncertainty_max_dinv) +
          " (raise it: it costs 8 D_inv^2 bytes per rank and O(D_inv^3) per cutoff) or lower the cutoff"));
  PetscLogStage s_select;
  PetscCall(PetscLogStageGetId("specavg: select", &s_select));
  if (s_select < 0) PetscCall(PetscLogStageRegister("specavg: select", &s_select));
  PetscCall(PetscLogStagePush(s_select));
  const double t0 = MPI_Wtime();
  PetscCall(train_penalty(comm, opt, st));
  ReducedSums g;
  PetscCall(allreduce_sums(comm, st->local, &g));
  std::vector<std::pair<int, double>> choice(k, {D, spectral ? 0.0 : opt.tau});
  if (selecting) {
    const std::vector<CutoffCandidate> cuts = cutoff_candidates(st->basis);
    std::vector<double> taus = so.taus;
    if (taus.empty()) SPECAVG_CALL_CXX(comm, taus = log_grid(1e-10, 10.0, 30));
    SelectionResult sel;
    if (so.criterion == SelectCriterion::Gcv) {
      SPECAVG_CALL_CXX(comm, sel = select_gcv(g, st->penalty, cuts, taus, spectral, so.pooled));
    } else if (so.criterion == SelectCriterion::KFold) {
      std::vector<ReducedSums> folds(st->fold_local.size());
      for (std::size_t f = 0; f < folds.size(); ++f) PetscCall(allreduce_sums(comm, st->fold_local[f], &folds[f]));
      st->fold_local.clear();
      for (std::size_t f = 0; f < folds.size(); ++f)
        PetscCall(collective_check(comm, folds[f].n > 0,
                                   "-select kfold: fold " + std::to_string(f) + " is empty; use fewer -select_folds"));
      SPECAVG_CALL_CXX(comm, sel = select_kfold(folds, st->penalty, cuts, taus, spectral, so.pooled));
      sel.folds = int(folds.size());
    } else {
      std::vector<double> sse;
      PetscCall(loo_pass(comm, opt, *st, g, cuts, spectral ? std::vector<double>{0.0} : taus, spectral, &sse));
      SPECAVG_CALL_CXX(comm,
                       sel = select_from_sse(SelectCriterion::Loo, sse, g.wsum, cuts, taus, k, spectral, so.pooled));
    }
    for (int t = 0; t < k; ++t) choice[t] = {cuts[sel.chosen_cutoff[t]].p, sel.taus[sel.chosen_tau[t]]};
    // Coefficients of each target's choice (one eigendecomposition per distinct choice).
    st->coef.assign(std::size_t(D) * k, 0.0);
    std::map<std::pair<int, double>, std::vector<double>> fits;
    for (int t = 0; t < k; ++t) {
      auto it = fits.find(choice[t]);
      if (it == fits.end())
        SPECAVG_CALL_CXX(
            comm,
            it =
                fits.emplace(choice[t], fit_choice(g, st->penalty, choice[t].first, choice[t].second, spectral)).first);
      for (int i = 0; i < D; ++i) st->coef[std::size_t(i) * k + t] = it->second[std::size_t(i) * k + t];
    }
    bool finite = true;
    for (double v : st->coef) finite = finite && std::isfinite(v);
    PetscCall(collective_check(comm, finite,
                               "the selected fit is singular: the tau grid reaches 0 with fewer points than features; "
                               "give -tau_grid a positive lower end"));
    st->selection = std::move(sel);
    st->has_selection = true;
    if (opt.verbose) {
      PetscCall(PetscPrintf(comm, "[specavg] %s selection over %zu cutoff(s) x %zu tau value(s)%s:\n%s",
                            select_criterion_name(so.criterion), cuts.size(), st->selection.taus.size(),
                            so.pooled ? ", pooled over targets" : (k > 1 ? ", per target" : ""),
                            describe_selection(st->selection).c_str()));
      PetscCall(PetscPrintf(comm, "[specavg] chosen (target 0): %s, p = %d features, tau = %.3e\n",
                            cuts[st->selection.chosen_cutoff[0]].label.c_str(), choice[0].first, choice[0].second));
    }
  }
  if (uncertainty) {
    bool ok = true;
    if (!spectral && !selecting) SPECAVG_CALL_CXX(comm, ok = !RidgePath(g, D, st->penalty).singular(opt.tau));
    if (ok) SPECAVG_CALL_CXX(comm, error_model(g, st->penalty, spectral, choice, &st->uncertainty));
  }
  if (spectral && !selecting) {  // a = b/W: the spectral fit needs no reduce/solve
    st->coef.assign(g.rhs.begin(), g.rhs.end());
    for (double& v : st->coef) v /= g.wsum;
  }
  PetscCall(PetscLogStagePop());
  rep->t_select = MPI_Wtime() - t0;
  if (opt.verbose && uncertainty && !st->uncertainty.empty())
    PetscCall(PetscPrintf(comm, "[specavg] error model: noise sd %.4g (target 0), %zu covariance block(s): %.2f s\n",
                          std::sqrt(st->uncertainty.noise_variance[0]), st->uncertainty.unit_covariance.size(),
                          rep->t_select));
  if (selecting || spectral) {
    rep->solve.method = selecting ? std::string("selected by ") + select_criterion_name(so.criterion) +
                                        " (eigendecomposition per cutoff)"
                                  : "spectral averaging (no solve)";
    rep->solve.wsum = g.wsum;
    rep->solve.n = g.n;
    st->reduced.wsum = g.wsum;
    st->reduced.n = g.n;
    st->done = TrainStage::Solved;
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

}  // namespace specavg
