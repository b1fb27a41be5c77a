#pragma once
// Data-only choice of the ridge penalty τ and of the cutoff (plain C++, no MPI/PETSc).
//
// Conventions
//  * Candidate cutoffs are nested: a cutoff keeps the leading p features (features are
//    ordered by eigenvalue, so every λ- or degree cutoff below the trained one is such a
//    prefix). `cutoffs` lists p ascending with a label each (e.g. "lmax 12").
//  * Scores are mean squared prediction errors with the data's weights, smaller is
//    better: GCV (RSS/W)/(1 − tr H/n)², k-fold Σ_f SSE_f / W, leave-one-out
//    Σ_i w_i (r_i/(1 − h_ii))² / W. They are stored cutoff-major, then τ, then target:
//    scores[(c * ntau + t) * k + target].
//  * Multi-target data choose per target by default; pooled selection minimizes the sum of
//    the targets' scores, so one (τ, cutoff) serves all targets.
//  * The spectral estimator has no τ: its grid is the single value 0 and only the cutoff
//    is chosen (its fit is a = b/W; its hat trace is tr(G)/W).
#include <string>
#include <vector>

#include "specavg/estimate/ridge_path.hpp"

namespace specavg {

enum class SelectCriterion { None, Gcv, KFold, Loo };
SelectCriterion parse_select_criterion(const std::string& name);  // throws with the valid names
const char* select_criterion_name(SelectCriterion c);

struct CutoffCandidate {
  int p = 0;          // leading features kept
  std::string label;  // e.g. "lmax 12" or "lambda <= 39.48"
};

struct SelectionResult {
  SelectCriterion criterion = SelectCriterion::None;
  bool pooled = false, spectral = false;
  int folds = 0;  // k-fold only
  std::vector<double> taus;
  std::vector<CutoffCandidate> cutoffs;
  int ntargets = 0;
  std::vector<double> scores;                  // (cutoff, τ, target), see above
  std::vector<int> chosen_tau, chosen_cutoff;  // per target: indices into taus / cutoffs
  double score(int c, int t, int target) const {
    return scores[(std::size_t(c) * taus.size() + t) * ntargets + target];
  }
};

// Log-spaced grid of `count` values from lo to hi (inclusive); throws for lo ≤ 0, hi < lo.
std::vector<double> log_grid(double lo, double hi, int count);

// GCV over the grid from the whole-data sums (one eigendecomposition per cutoff).
SelectionResult select_gcv(const ReducedSums& total, const std::vector<double>& penalty,
                           const std::vector<CutoffCandidate>& cutoffs, const std::vector<double>& taus, bool spectral,
                           bool pooled);
// k-fold from the per-fold sums (fold f is held out, the rest fits).
SelectionResult select_kfold(const std::vector<ReducedSums>& folds, const std::vector<double>& penalty,
                             const std::vector<CutoffCandidate>& cutoffs, const std::vector<double>& taus,
                             bool spectral, bool pooled);
// Leave-one-out: the caller accumulates loo_sse (cutoff, τ, target) over the rows with one
// LooAccumulator per cutoff (RidgePath(total, p, penalty)) and reduces it over ranks;
// for the spectral estimator use spectral_loo_add instead.
SelectionResult select_from_sse(SelectCriterion c, const std::vector<double>& sse, double wsum,
                                const std::vector<CutoffCandidate>& cutoffs, const std::vector<double>& taus,
                                int ntargets, bool spectral, bool pooled);
// Spectral leave-one-out: r_i = y_i − ψ_iᵀ (b − w_i ψ_i y_iᵀ)/(W − w_i), accumulated for
// every cutoff into sse (cutoff, target) of size cutoffs × k.
void spectral_loo_add(const ReducedSums& total, const std::vector<CutoffCandidate>& cutoffs, std::size_t rows,
                      const double* psi, std::size_t ld, const double* y, const double* w, std::vector<double>* sse);

// The fit of one (cutoff, τ) for every target: dinv × k, zero beyond the cutoff.
std::vector<double> fit_choice(const ReducedSums& total, const std::vector<double>& penalty, int p, double tau,
                               bool spectral);

// A compact text table of the criterion curve: one line per cutoff with the best τ and
// score for each target (at most `max_targets` shown), the choice marked with '*'.
std::string describe_selection(const SelectionResult& r, int max_targets = 4);

}  // namespace specavg
