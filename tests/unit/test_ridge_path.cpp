// RidgePath / LooAccumulator against brute-force refits on explicit rows: coefficients,
// residuals, GCV with an explicit hat matrix, leave-one-out and k-fold by refitting, and
// the posterior covariance against an explicit inverse.
#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <vector>

#include "specavg/estimate/ridge_path.hpp"
#include "ridge_test_rows.hpp"

namespace specavg {
namespace {
using namespace ridge_test;

const std::vector<double> kTaus = {0.0, 1e-4, 1e-2, 0.3, 5.0};

TEST(RidgePath, CoefficientsResidualsAndGcvMatchDirectFits) {
  const Rows r = make_rows(60, 8, 2, 1);
  const ReducedSums s = sums(r, [](int) { return true; });
  std::vector<double> pen(r.d);
  for (int j = 0; j < r.d; ++j) pen[j] = std::pow(1.0 + j, 1.3);
  for (int p : {3, 8}) {
    const RidgePath path(s, p, pen);
    for (double tau : kTaus) {
      const auto a = path.coefficients(tau), ad = direct_fit(s, p, pen, tau);
      for (std::size_t i = 0; i < a.size(); ++i) EXPECT_NEAR(a[i], ad[i], 1e-10 * (1 + std::fabs(ad[i])));
      // Explicit hat matrix trace: Σ_i (w_i/W) ψ_iᵀ (G/W + τΛ)⁻¹ ψ_i.
      std::vector<double> A(std::size_t(p) * p);
      for (int i = 0; i < p; ++i)
        for (int j = 0; j < p; ++j) A[i * p + j] = s.gram[i * r.d + j] / s.wsum + (i == j ? tau * pen[i] : 0.0);
      const auto Ai = inverse(p, A);
      double tr = 0;
      for (int i = 0; i < r.n; ++i)
        for (int a1 = 0; a1 < p; ++a1)
          for (int b1 = 0; b1 < p; ++b1)
            tr += r.w[i] / s.wsum * r.psi[i * r.d + a1] * Ai[a1 * p + b1] * r.psi[i * r.d + b1];
      EXPECT_NEAR(path.trace_hat(tau), tr, 1e-10 * p);
      const auto msr = path.mean_sq_residual(tau), g = path.gcv(tau), s2 = path.noise_variance(tau);
      for (int t = 0; t < r.k; ++t) {
        double sse = 0;
        for (int i = 0; i < r.n; ++i) sse += r.w[i] * std::pow(residual(r, i, p, ad, t), 2);
        EXPECT_NEAR(msr[t], sse / s.wsum, 1e-10 * sse / s.wsum);
        EXPECT_NEAR(g[t], sse / s.wsum / std::pow(1 - tr / r.n, 2), 1e-10 * g[t]);
        EXPECT_NEAR(s2[t], sse / (r.n - tr), 1e-10 * s2[t]);
      }
      if (tau > 0) {  // (G + WτΛ)⁻¹
        const auto cov = path.unit_covariance(tau);
        for (int i = 0; i < p; ++i)
          for (int j = 0; j < p; ++j) EXPECT_NEAR(cov[i * p + j], Ai[i * p + j] / s.wsum, 1e-10 * std::fabs(Ai[i * p + i]));
      }
    }
  }
}

TEST(RidgePath, LeaveOneOutEqualsRefitsWithoutEachRow) {
  const Rows r = make_rows(40, 6, 2, 2);
  const ReducedSums s = sums(r, [](int) { return true; });
  const std::vector<double> pen(r.d, 1.0);
  const int p = 5;
  const RidgePath path(s, p, pen);
  LooAccumulator loo(path, kTaus);
  loo.add(20, r.psi.data(), r.d, r.y.data(), r.w.data());  // two blocks
  loo.add(20, r.psi.data() + 20 * r.d, r.d, r.y.data() + 20 * r.k, r.w.data() + 20);
  for (std::size_t it = 0; it < kTaus.size(); ++it) {
    // Brute force: the leave-one-out fit keeps the full-data W in the normalization, which
    // is what the hat-matrix identity describes: (G − w_i ψψᵀ)/W + τΛ.
    std::vector<double> sse(r.k, 0.0);
    for (int i = 0; i < r.n; ++i) {
      ReducedSums si = sums(r, [i](int j) { return j != i; });
      si.wsum = s.wsum;
      const auto a = direct_fit(si, p, pen, kTaus[it]);
      for (int t = 0; t < r.k; ++t) sse[t] += r.w[i] * std::pow(residual(r, i, p, a, t), 2);
    }
    for (int t = 0; t < r.k; ++t) EXPECT_NEAR(loo.sse()[it * r.k + t], sse[t], 1e-10 * sse[t]);
  }
}

TEST(RidgePath, KFoldFromFoldSumsEqualsExplicitFoldRefits) {
  const Rows r = make_rows(50, 7, 3, 3);
  const int K = 5, p = 6;
  std::vector<double> pen(r.d);
  for (int j = 0; j < r.d; ++j) pen[j] = 1.0 + j;
  auto fold = [](int i) { return (i * 7 + 3) % 5; };
  ReducedSums total;
  std::vector<ReducedSums> folds;
  for (int f = 0; f < K; ++f) {
    folds.push_back(sums(r, [&](int i) { return fold(i) == f; }));
    total.add(folds.back());
  }
  for (double tau : kTaus) {
    std::vector<double> score(r.k, 0.0), brute(r.k, 0.0);
    for (int f = 0; f < K; ++f) {
      const RidgePath path(total.minus(folds[f]), p, pen);
      const auto sse = RidgePath::held_out_sse(folds[f], p, path.coefficients(tau));
      const auto a = direct_fit(sums(r, [&](int i) { return fold(i) != f; }), p, pen, tau);
      for (int t = 0; t < r.k; ++t) {
        score[t] += sse[t];
        for (int i = 0; i < r.n; ++i)
          if (fold(i) == f) brute[t] += r.w[i] * std::pow(residual(r, i, p, a, t), 2);
      }
    }
    for (int t = 0; t < r.k; ++t) EXPECT_NEAR(score[t], brute[t], 1e-10 * brute[t]);
  }
}

TEST(RidgePath, SingularSystemAtTauZeroIsFlagged) {
  const Rows r = make_rows(4, 6, 1, 4);  // fewer rows than features
  const ReducedSums s = sums(r, [](int) { return true; });
  const RidgePath path(s, 6, std::vector<double>(6, 1.0));
  EXPECT_TRUE(path.singular(0.0));
  EXPECT_FALSE(path.singular(1e-3));
  EXPECT_TRUE(std::isinf(path.gcv(0.0)[0]));
  EXPECT_THROW(RidgePath(s, 7, std::vector<double>(7, 1.0)), std::invalid_argument);
  EXPECT_THROW(RidgePath(s, 3, std::vector<double>(6, 0.0)), std::invalid_argument);
}

}  // namespace
}  // namespace specavg
