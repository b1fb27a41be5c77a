#include "specavg/estimate/model_selection.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <sstream>
#include <stdexcept>

namespace specavg {

namespace {
constexpr double kInf = std::numeric_limits<double>::infinity();

void check_grid(int dinv, const std::vector<CutoffCandidate>& cutoffs, const std::vector<double>& taus) {
  if (cutoffs.empty() || taus.empty()) throw std::invalid_argument("model selection: empty cutoff or tau grid");
  int last = 0;
  for (const auto& c : cutoffs) {
    if (c.p <= last || c.p > dinv)
      throw std::invalid_argument("model selection: cutoffs must keep an increasing number of features within 1.." +
                                  std::to_string(dinv));
    last = c.p;
  }
  for (double t : taus)
    if (!(t >= 0) || !std::isfinite(t)) throw std::invalid_argument("model selection: tau values must be finite and >= 0");
}

// a = b/W on the leading p features (the spectral estimator), p × k.
std::vector<double> spectral_fit(const ReducedSums& s, int p) {
  std::vector<double> a(s.rhs.begin(), s.rhs.begin() + std::size_t(p) * s.ntargets);
  for (double& v : a) v /= s.wsum;
  return a;
}

SelectionResult start(SelectCriterion c, const std::vector<CutoffCandidate>& cutoffs, const std::vector<double>& taus,
                      int k, bool spectral, bool pooled) {
  SelectionResult r;
  r.criterion = c;
  r.pooled = pooled;
  r.spectral = spectral;
  r.cutoffs = cutoffs;
  r.taus = spectral ? std::vector<double>{0.0} : taus;
  r.ntargets = k;
  r.scores.assign(cutoffs.size() * r.taus.size() * std::size_t(k), kInf);
  return r;
}

// Per target (or pooled) argmin; ties go to the smaller cutoff, then the larger τ
// (the simpler model).
void choose(SelectionResult* r) {
  const int nc = int(r->cutoffs.size()), nt = int(r->taus.size()), k = r->ntargets;
  r->chosen_tau.assign(k, 0);
  r->chosen_cutoff.assign(k, 0);
  auto pick = [&](auto score_of, int* bc, int* bt) {
    double best = kInf;
    *bc = 0, *bt = nt - 1;
    for (int c = 0; c < nc; ++c)
      for (int t = nt - 1; t >= 0; --t) {
        const double s = score_of(c, t);
        if (s < best) best = s, *bc = c, *bt = t;
      }
  };
  if (r->pooled) {
    int bc, bt;
    pick(
        [&](int c, int t) {
          double s = 0;
          for (int j = 0; j < k; ++j) s += r->score(c, t, j);
          return s;
        },
        &bc, &bt);
    r->chosen_cutoff.assign(k, bc);
    r->chosen_tau.assign(k, bt);
  } else {
    for (int j = 0; j < k; ++j) pick([&](int c, int t) { return r->score(c, t, j); }, &r->chosen_cutoff[j], &r->chosen_tau[j]);
  }
}
}  // namespace

SelectCriterion parse_select_criterion(const std::string& name) {
  if (name == "none") return SelectCriterion::None;
  if (name == "gcv") return SelectCriterion::Gcv;
  if (name == "kfold") return SelectCriterion::KFold;
  if (name == "loo") return SelectCriterion::Loo;
  throw std::invalid_argument("unknown -select '" + name + "': expected gcv, kfold, loo or none");
}

const char* select_criterion_name(SelectCriterion c) {
  switch (c) {
    case SelectCriterion::Gcv: return "gcv";
    case SelectCriterion::KFold: return "kfold";
    case SelectCriterion::Loo: return "loo";
    default: return "none";
  }
}

std::vector<double> log_grid(double lo, double hi, int count) {
  if (!(lo > 0) || !(hi >= lo) || !std::isfinite(hi) || count < 1)
    throw std::invalid_argument("tau grid: need 0 < lo <= hi (finite) and at least one value");
  std::vector<double> g(count);
  for (int i = 0; i < count; ++i)
    g[i] = count == 1 ? lo : std::exp(std::log(lo) + (std::log(hi) - std::log(lo)) * i / (count - 1));
  return g;
}

SelectionResult select_gcv(const ReducedSums& total, const std::vector<double>& penalty,
                           const std::vector<CutoffCandidate>& cutoffs, const std::vector<double>& taus, bool spectral,
                           bool pooled) {
  check_grid(total.dinv, cutoffs, taus);
  SelectionResult r = start(SelectCriterion::Gcv, cutoffs, taus, total.ntargets, spectral, pooled);
  const int k = total.ntargets;
  for (std::size_t c = 0; c < cutoffs.size(); ++c) {
    const int p = cutoffs[c].p;
    if (spectral) {
      const auto a = spectral_fit(total, p);
      const auto sse = RidgePath::held_out_sse(total, p, a);
      double tr = 0;
      for (int i = 0; i < p; ++i) tr += total.gram[std::size_t(i) * total.dinv + i] / total.wsum;
      const double f = 1.0 - tr / double(total.n);
      for (int j = 0; j < k; ++j) r.scores[c * k + j] = f > 0 ? std::max(sse[j], 0.0) / total.wsum / (f * f) : kInf;
      continue;
    }
    const RidgePath path(total, p, penalty);
    for (std::size_t t = 0; t < r.taus.size(); ++t) {
      const auto g = path.gcv(r.taus[t]);
      for (int j = 0; j < k; ++j) r.scores[(c * r.taus.size() + t) * k + j] = g[j];
    }
  }
  choose(&r);
  return r;
}

SelectionResult select_kfold(const std::vector<ReducedSums>& folds, const std::vector<double>& penalty,
                             const std::vector<CutoffCandidate>& cutoffs, const std::vector<double>& taus,
                             bool spectral, bool pooled) {
  if (folds.size() < 2) throw std::invalid_argument("k-fold selection needs at least 2 folds");
  ReducedSums total;
  for (const auto& f : folds) total.add(f);
  check_grid(total.dinv, cutoffs, taus);
  SelectionResult r = start(SelectCriterion::KFold, cutoffs, taus, total.ntargets, spectral, pooled);
  r.folds = int(folds.size());
  const int k = total.ntargets;
  std::fill(r.scores.begin(), r.scores.end(), 0.0);
  for (const auto& fold : folds) {
    const ReducedSums rest = total.minus(fold);
    for (std::size_t c = 0; c < cutoffs.size(); ++c) {
      const int p = cutoffs[c].p;
      if (spectral) {
        const auto sse = RidgePath::held_out_sse(fold, p, spectral_fit(rest, p));
        for (int j = 0; j < k; ++j) r.scores[c * k + j] += sse[j] / total.wsum;
        continue;
      }
      const RidgePath path(rest, p, penalty);
      for (std::size_t t = 0; t < r.taus.size(); ++t) {
        const auto a = path.coefficients(r.taus[t]);
        const auto sse = path.singular(r.taus[t]) ? std::vector<double>(k, kInf) : RidgePath::held_out_sse(fold, p, a);
        for (int j = 0; j < k; ++j) r.scores[(c * r.taus.size() + t) * k + j] += sse[j] / total.wsum;
      }
    }
  }
  choose(&r);
  return r;
}

SelectionResult select_from_sse(SelectCriterion crit, const std::vector<double>& sse, double wsum,
                                const std::vector<CutoffCandidate>& cutoffs, const std::vector<double>& taus,
                                int ntargets, bool spectral, bool pooled) {
  SelectionResult r = start(crit, cutoffs, taus, ntargets, spectral, pooled);
  if (sse.size() != r.scores.size()) throw std::invalid_argument("model selection: score array of the wrong size");
  for (std::size_t i = 0; i < sse.size(); ++i) r.scores[i] = sse[i] / wsum;
  choose(&r);
  return r;
}

void spectral_loo_add(const ReducedSums& total, const std::vector<CutoffCandidate>& cutoffs, std::size_t rows,
                      const double* psi, std::size_t ld, const double* y, const double* w, std::vector<double>* sse) {
  const int k = total.ntargets;
  sse->resize(cutoffs.size() * std::size_t(k), 0.0);
  for (std::size_t r = 0; r < rows; ++r) {
    const double* ps = psi + r * ld;
    const double rest = total.wsum - w[r];
    for (int j = 0; j < k; ++j) {
      const double yi = y[r * k + j];
      double fit = 0, norm2 = 0;
      int i = 0;
      for (std::size_t c = 0; c < cutoffs.size(); ++c) {
        for (; i < cutoffs[c].p; ++i) fit += ps[i] * total.rhs[std::size_t(i) * k + j], norm2 += ps[i] * ps[i];
        const double res = rest > 0 ? yi - (fit - w[r] * norm2 * yi) / rest : kInf;
        (*sse)[c * k + j] += w[r] * res * res;
      }
    }
  }
}

std::vector<double> fit_choice(const ReducedSums& total, const std::vector<double>& penalty, int p, double tau,
                               bool spectral) {
  const int k = total.ntargets;
  const std::vector<double> a = spectral ? spectral_fit(total, p) : RidgePath(total, p, penalty).coefficients(tau);
  std::vector<double> full(std::size_t(total.dinv) * k, 0.0);
  std::copy(a.begin(), a.end(), full.begin());
  return full;
}

std::string describe_selection(const SelectionResult& r, int max_targets) {
  std::ostringstream os;
  const int k = std::min(r.ntargets, max_targets);
  char buf[160];
  for (std::size_t c = 0; c < r.cutoffs.size(); ++c) {
    std::snprintf(buf, sizeof buf, "  %-18s p = %5d", r.cutoffs[c].label.c_str(), r.cutoffs[c].p);
    os << buf;
    for (int j = 0; j < k; ++j) {
      int bt = 0;
      for (int t = 1; t < int(r.taus.size()); ++t)
        if (r.score(int(c), t, j) < r.score(int(c), bt, j)) bt = t;
      const bool chosen = r.chosen_cutoff[j] == int(c);
      if (r.spectral)
        std::snprintf(buf, sizeof buf, " | %.6e%s", r.score(int(c), bt, j), chosen ? "*" : " ");
      else
        std::snprintf(buf, sizeof buf, " | tau %.2e: %.6e%s", r.taus[chosen ? r.chosen_tau[j] : bt],
                      r.score(int(c), chosen ? r.chosen_tau[j] : bt, j), chosen ? "*" : " ");
      os << buf;
    }
    if (r.ntargets > k) os << " | ...";
    os << "\n";
  }
  return os.str();
}

}  // namespace specavg
