// Model selection over (cutoff, τ): the chosen point is the argmin of scores that equal
// brute-force refits; spectral k-fold and LOO against explicit refits; pooled choice.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <random>
#include <vector>

#include "ridge_test_rows.hpp"
#include "specavg/estimate/model_selection.hpp"

namespace specavg {
namespace {
using namespace ridge_test;

const std::vector<CutoffCandidate> kCuts = {{2, "p2"}, {4, "p4"}, {7, "p7"}};

TEST(ModelSelection, GcvChoiceIsTheArgminOfBruteForceGcv) {
  const Rows r = make_rows(80, 7, 2, 11);
  const ReducedSums s = sums(r, [](int) { return true; });
  const std::vector<double> pen(r.d, 1.0);
  const auto taus = log_grid(1e-4, 10, 9);
  const SelectionResult sel = select_gcv(s, pen, kCuts, taus, false, false);
  for (int j = 0; j < r.k; ++j) {
    double best = 1e300;
    int bc = -1, bt = -1;
    for (int c = 0; c < 3; ++c)
      for (int t = 0; t < 9; ++t) {
        const int p = kCuts[c].p;
        const auto a = direct_fit(s, p, pen, taus[t]);
        std::vector<double> A(std::size_t(p) * p);
        for (int i = 0; i < p; ++i)
          for (int q = 0; q < p; ++q) A[i * p + q] = s.gram[i * r.d + q] / s.wsum + (i == q ? taus[t] : 0.0);
        const auto Ai = inverse(p, A);
        double tr = 0, sse = 0;
        for (int i = 0; i < r.n; ++i) {
          for (int a1 = 0; a1 < p; ++a1)
            for (int b1 = 0; b1 < p; ++b1)
              tr += r.w[i] / s.wsum * r.psi[i * r.d + a1] * Ai[a1 * p + b1] * r.psi[i * r.d + b1];
          sse += r.w[i] * std::pow(residual(r, i, p, a, j), 2);
        }
        const double g = sse / s.wsum / std::pow(1 - tr / r.n, 2);
        EXPECT_NEAR(sel.score(c, t, j), g, 1e-10 * g);
        if (g < best) best = g, bc = c, bt = t;
      }
    EXPECT_EQ(sel.chosen_cutoff[j], bc);
    EXPECT_EQ(sel.chosen_tau[j], bt);
  }
}

TEST(ModelSelection, SpectralKFoldAndLooEqualExplicitRefits) {
  const Rows r = make_rows(45, 7, 2, 12);
  const ReducedSums s = sums(r, [](int) { return true; });
  auto fold = [](int i) { return (i * 5 + 1) % 3; };
  std::vector<ReducedSums> folds;
  for (int f = 0; f < 3; ++f) folds.push_back(sums(r, [&](int i) { return fold(i) == f; }));
  const SelectionResult kf = select_kfold(folds, {}, kCuts, {0.0}, true, false);
  std::vector<double> loo_sse;
  spectral_loo_add(s, kCuts, std::size_t(r.n), r.psi.data(), std::size_t(r.d), r.y.data(), r.w.data(), &loo_sse);
  const SelectionResult loo = select_from_sse(SelectCriterion::Loo, loo_sse, s.wsum, kCuts, {0.0}, r.k, true, false);
  for (int c = 0; c < 3; ++c) {
    const int p = kCuts[c].p;
    for (int j = 0; j < r.k; ++j) {
      double kfold = 0, l = 0;
      for (int i = 0; i < r.n; ++i) {
        // spectral fit a = b/W of the rows kept
        const ReducedSums rest_f = sums(r, [&](int q) { return fold(q) != fold(i); });
        const ReducedSums rest_i = sums(r, [&](int q) { return q != i; });
        std::vector<double> af(std::size_t(p) * r.k), ai(std::size_t(p) * r.k);
        for (std::size_t q = 0; q < af.size(); ++q) af[q] = rest_f.rhs[q] / rest_f.wsum, ai[q] = rest_i.rhs[q] / rest_i.wsum;
        kfold += r.w[i] * std::pow(residual(r, i, p, af, j), 2);
        l += r.w[i] * std::pow(residual(r, i, p, ai, j), 2);
      }
      EXPECT_NEAR(kf.score(c, 0, j), kfold / s.wsum, 1e-10 * kfold / s.wsum);
      EXPECT_NEAR(loo.score(c, 0, j), l / s.wsum, 1e-10 * l / s.wsum);
    }
  }
}

TEST(ModelSelection, PooledChoiceMinimizesTheSumAndFitChoiceZeroPads) {
  const Rows r = make_rows(60, 7, 3, 13);
  const ReducedSums s = sums(r, [](int) { return true; });
  const std::vector<double> pen(r.d, 1.0);
  const auto taus = log_grid(1e-3, 1, 4);
  const SelectionResult sel = select_gcv(s, pen, kCuts, taus, false, true);
  double best = 1e300;
  for (int c = 0; c < 3; ++c)
    for (int t = 0; t < 4; ++t) best = std::min(best, sel.score(c, t, 0) + sel.score(c, t, 1) + sel.score(c, t, 2));
  const int c0 = sel.chosen_cutoff[0], t0 = sel.chosen_tau[0];
  for (int j = 1; j < 3; ++j) {
    EXPECT_EQ(sel.chosen_cutoff[j], c0);
    EXPECT_EQ(sel.chosen_tau[j], t0);
  }
  EXPECT_DOUBLE_EQ(sel.score(c0, t0, 0) + sel.score(c0, t0, 1) + sel.score(c0, t0, 2), best);
  const auto full = fit_choice(s, pen, 4, 0.1, false), direct = direct_fit(s, 4, pen, 0.1);
  for (int i = 0; i < r.d; ++i)
    for (int j = 0; j < r.k; ++j)
      EXPECT_NEAR(full[i * r.k + j], i < 4 ? direct[i * r.k + j] : 0.0, 1e-12 * (1 + std::fabs(full[i * r.k + j])));
  EXPECT_THROW(parse_select_criterion("cv"), std::invalid_argument);
  EXPECT_THROW(log_grid(0, 1, 3), std::invalid_argument);
  EXPECT_THROW(select_gcv(s, pen, {{4, "a"}, {3, "b"}}, taus, false, false), std::invalid_argument);
}

}  // namespace
}  // namespace specavg

namespace specavg {
namespace {
using namespace ridge_test;

// Synthetic regression with a known noise-free target: over 20 seeds, GCV's τ lands within
// one grid step of the τ that minimizes the true error (against the noise-free target on
// fresh points) in most seeds. The fraction is printed and must be a majority.
TEST(ModelSelection, GcvTauWithinOneGridStepOfTheTrueOptimumInMostSeeds) {
  const int d = 12, n = 300, ntest = 2000;
  const auto taus = log_grid(1e-4, 1e2, 25);
  std::vector<double> pen(d);
  for (int j = 0; j < d; ++j) pen[j] = std::pow(1.0 + j, 2);
  int hits = 0;
  for (unsigned seed = 1; seed <= 20; ++seed) {
    std::mt19937_64 g(seed);
    std::normal_distribution<double> N;
    std::vector<double> astar(d);
    for (int j = 0; j < d; ++j) astar[j] = N(g) / std::pow(1.0 + j, 1.5);
    auto draw = [&](int m, bool noisy, Rows* r) {
      r->n = m, r->d = d, r->k = 1;
      r->psi.resize(std::size_t(m) * d), r->y.resize(m), r->w.assign(m, 1.0);
      for (int i = 0; i < m; ++i) {
        double f = 0;
        for (int j = 0; j < d; ++j) f += (r->psi[std::size_t(i) * d + j] = N(g)) * astar[j];
        r->y[i] = f + (noisy ? 0.8 * N(g) : 0.0);
      }
    };
    Rows train, test;
    draw(n, true, &train);
    draw(ntest, false, &test);
    const ReducedSums s = sums(train, [](int) { return true; });
    const SelectionResult sel = select_gcv(s, pen, {{d, "all"}}, taus, false, false);
    const RidgePath path(s, d, pen);
    int best = 0;
    double best_err = 1e300;
    for (int t = 0; t < int(taus.size()); ++t) {
      const auto a = path.coefficients(taus[t]);
      double err = 0;
      for (int i = 0; i < ntest; ++i) err += std::pow(residual(test, i, d, a, 0), 2);
      if (err < best_err) best_err = err, best = t;
    }
    hits += std::abs(sel.chosen_tau[0] - best) <= 1;
  }
  std::printf("[selection] GCV tau within one grid step of the true optimum in %d of 20 seeds\n", hits);
  EXPECT_GE(hits, 11);  // a majority; 13 of 20 measured
}

}  // namespace
}  // namespace specavg
