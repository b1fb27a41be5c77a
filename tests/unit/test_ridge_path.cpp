// RidgePath / LooAccumulator against brute-force refits on explicit rows: coefficients,
// residuals, GCV with an explicit hat matrix, leave-one-out and k-fold by refitting, and
// the posterior covariance against an explicit inverse.
#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <vector>

#include "specavg/estimate/ridge_path.hpp"

namespace specavg {
namespace {

// Dense Gauss–Jordan inverse with partial pivoting (tests only; n ≤ 20).
std::vector<double> inverse(int n, std::vector<double> a) {
  std::vector<double> inv(std::size_t(n) * n, 0.0);
  for (int i = 0; i < n; ++i) inv[std::size_t(i) * n + i] = 1;
  for (int c = 0; c < n; ++c) {
    int piv = c;
    for (int r = c + 1; r < n; ++r)
      if (std::fabs(a[std::size_t(r) * n + c]) > std::fabs(a[std::size_t(piv) * n + c])) piv = r;
    for (int j = 0; j < n; ++j) {
      std::swap(a[std::size_t(c) * n + j], a[std::size_t(piv) * n + j]);
      std::swap(inv[std::size_t(c) * n + j], inv[std::size_t(piv) * n + j]);
    }
    const double d = a[std::size_t(c) * n + c];
    for (int j = 0; j < n; ++j) a[std::size_t(c) * n + j] /= d, inv[std::size_t(c) * n + j] /= d;
    for (int r = 0; r < n; ++r) {
      if (r == c) continue;
      const double f = a[std::size_t(r) * n + c];
      for (int j = 0; j < n; ++j) a[std::size_t(r) * n + j] -= f * a[std::size_t(c) * n + j],
                                  inv[std::size_t(r) * n + j] -= f * inv[std::size_t(c) * n + j];
    }
  }
  return inv;
}

struct Rows {
  int n, d, k;
  std::vector<double> psi, y, w;
};

Rows make_rows(int n, int d, int k, unsigned seed) {
  std::mt19937_64 g(seed);
  std::normal_distribution<double> N;
  std::uniform_real_distribution<double> U(0.2, 2.0);
  Rows r{n, d, k, std::vector<double>(std::size_t(n) * d), std::vector<double>(std::size_t(n) * k),
         std::vector<double>(n)};
  for (auto& v : r.psi) v = N(g);
  for (int i = 0; i < n; ++i) {
    r.w[i] = U(g);
    for (int t = 0; t < k; ++t) {
      double s = 0;
      for (int j = 0; j < d; ++j) s += r.psi[std::size_t(i) * d + j] * (1.0 + j + t) / (1 + j * j);
      r.y[std::size_t(i) * k + t] = s + 0.3 * N(g);
    }
  }
  return r;
}

// Sums over the rows i with keep(i).
template <typename Keep>
ReducedSums sums(const Rows& r, Keep keep) {
  ReducedSums s;
  s.dinv = r.d, s.ntargets = r.k;
  s.gram.assign(std::size_t(r.d) * r.d, 0.0), s.rhs.assign(std::size_t(r.d) * r.k, 0.0), s.yy.assign(r.k, 0.0);
  for (int i = 0; i < r.n; ++i) {
    if (!keep(i)) continue;
    const double* p = &r.psi[std::size_t(i) * r.d];
    for (int a = 0; a < r.d; ++a) {
      for (int b = 0; b < r.d; ++b) s.gram[std::size_t(a) * r.d + b] += r.w[i] * p[a] * p[b];
      for (int t = 0; t < r.k; ++t) s.rhs[std::size_t(a) * r.k + t] += r.w[i] * p[a] * r.y[std::size_t(i) * r.k + t];
    }
    for (int t = 0; t < r.k; ++t) s.yy[t] += r.w[i] * r.y[std::size_t(i) * r.k + t] * r.y[std::size_t(i) * r.k + t];
    s.wsum += r.w[i];
    s.n += 1;
  }
  return s;
}

// Direct solve of (G/W + τΛ) a = b/W on the leading p features.
std::vector<double> direct_fit(const ReducedSums& s, int p, const std::vector<double>& pen, double tau) {
  std::vector<double> A(std::size_t(p) * p);
  for (int i = 0; i < p; ++i)
    for (int j = 0; j < p; ++j)
      A[std::size_t(i) * p + j] = s.gram[std::size_t(i) * s.dinv + j] / s.wsum + (i == j ? tau * pen[i] : 0.0);
  const auto Ai = inverse(p, A);
  std::vector<double> a(std::size_t(p) * s.ntargets, 0.0);
  for (int i = 0; i < p; ++i)
    for (int j = 0; j < p; ++j)
      for (int t = 0; t < s.ntargets; ++t)
        a[std::size_t(i) * s.ntargets + t] += Ai[std::size_t(i) * p + j] * s.rhs[std::size_t(j) * s.ntargets + t] / s.wsum;
  return a;
}

double residual(const Rows& r, int i, int p, const std::vector<double>& a, int t) {
  double f = 0;
  for (int j = 0; j < p; ++j) f += r.psi[std::size_t(i) * r.d + j] * a[std::size_t(j) * r.k + t];
  return r.y[std::size_t(i) * r.k + t] - f;
}

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
