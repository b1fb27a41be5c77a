// Real harmonics on S^{d−1} (basis/hypersphere_harmonics.hpp): multiplicities, addition
// theorem, exact-quadrature orthonormality, explicit low degrees, agreement with the S² basis.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <random>
#include <stdexcept>
#include <vector>

#include "specavg/basis/gauss_quadrature.hpp"
#include "specavg/basis/hypersphere_harmonics.hpp"
#include "specavg/basis/sphere_harmonics.hpp"
#include "specavg/util/dense_linalg.hpp"

namespace specavg {
namespace {

// n uniform points on S^{d−1}, row-major.
std::vector<double> random_unit(int d, std::size_t n, unsigned seed) {
  std::mt19937_64 gen(seed);
  std::normal_distribution<double> normal;
  std::vector<double> x(std::size_t(d) * n);
  for (std::size_t i = 0; i < n; ++i) {
    double s = 0;
    for (int c = 0; c < d; ++c) s += std::pow(x[i * d + c] = normal(gen), 2);
    for (int c = 0; c < d; ++c) x[i * d + c] /= std::sqrt(s);
  }
  return x;
}

// Σ_r Y_{k,r}(x)Y_{k,r}(y) as a function of t = x·y: m_k C_k^α(t)/C_k^α(1), α = (d−2)/2;
// for d = 2 the limit 2 T_k(t) (k > 0). Long double recurrences.
long double zonal(int d, int k, long double t) {
  if (k == 0) return 1.0L;
  long double p0 = 1, p1 = t, q0 = 1, q1 = 1;  // d = 2: Chebyshev T_k
  const long double alpha = (d - 2) / 2.0L;
  if (d > 2) p1 = 2 * alpha * t, q1 = 2 * alpha;
  for (int n = 2; n <= k; ++n) {
    const long double p = d == 2 ? 2 * t * p1 - p0 : (2 * (n + alpha - 1) * t * p1 - (n + 2 * alpha - 2) * p0) / n;
    const long double q = d == 2 ? 1.0L : (2 * (n + alpha - 1) * q1 - (n + 2 * alpha - 2) * q0) / n;
    p0 = p1, p1 = p, q0 = q1, q1 = q;
  }
  return d == 2 ? 2 * p1 : (long double)sphere_multiplicity(d, k) * p1 / q1;
}

// Normalized product rule on S^{e−1}, exact for polynomials of degree ≤ 2K: n = K+1 nodes in
// t = x_e for the weight (1−t²)^{(e−3)/2} times a rule on S^{e−2}; S¹: 2K+1 equispaced angles.
void sphere_rule(int e, int K, std::vector<double>& pts, std::vector<double>& w) {
  const double pi = std::acos(-1.0);
  if (e == 2) {
    pts.clear(), w.clear();
    for (int b = 0; b <= 2 * K; ++b) {
      pts.insert(pts.end(), {std::cos(2 * pi * b / (2 * K + 1)), std::sin(2 * pi * b / (2 * K + 1))});
      w.push_back(1.0 / (2 * K + 1));
    }
    return;
  }
  const int n = K + 1;
  std::vector<double> t, wt(n);
  if (e == 3) {
    gauss_legendre(n, t, wt);  // weight 1
  } else if (e == 4) {         // Gauss–Chebyshev of the second kind: weight √(1−t²)
    for (int i = 1; i <= n; ++i) {
      t.push_back(std::cos(i * pi / (n + 1)));
      wt[i - 1] = std::pow(std::sin(i * pi / (n + 1)), 2);
    }
  } else {  // Golub–Welsch for the Gegenbauer weight, λ = (e−2)/2
    const double lam = 0.5 * (e - 2);
    std::vector<double> J(std::size_t(n) * n, 0.0), ev;
    for (int m = 1; m < n; ++m)
      J[m * n + m - 1] = J[(m - 1) * n + m] = std::sqrt(m * (m + 2 * lam - 1) / (4 * (m + lam) * (m + lam - 1)));
    symmetric_eigen(n, J, ev);
    t = ev;
    for (int i = 0; i < n; ++i) wt[i] = J[std::size_t(i) * n] * J[std::size_t(i) * n];
  }
  double sum = 0;
  for (double v : wt) sum += v;
  std::vector<double> sp, sw;
  sphere_rule(e - 1, K, sp, sw);
  pts.clear(), w.clear();
  for (int a = 0; a < n; ++a) {
    const double s = std::sqrt(std::max(0.0, 1.0 - t[a] * t[a]));
    for (std::size_t q = 0; q < sw.size(); ++q) {
      for (int c = 0; c < e - 1; ++c) pts.push_back(s * sp[q * (e - 1) + c]);
      pts.push_back(t[a]);
      w.push_back(wt[a] / sum * sw[q]);
    }
  }
}

TEST(HypersphereHarmonics, MultiplicitiesAndSizes) {
  for (int k = 0; k <= 20; ++k) {
    EXPECT_EQ(sphere_multiplicity(2, k), k == 0 ? 1u : 2u);
    EXPECT_EQ(sphere_multiplicity(3, k), std::size_t(2 * k + 1));
    EXPECT_EQ(sphere_multiplicity(4, k), std::size_t((k + 1) * (k + 1)));
    EXPECT_EQ(sphere_multiplicity(5, k), std::size_t((k + 1) * (k + 2) * (2 * k + 3) / 6));
  }
  // m_k = (2k+d−2)(k+d−3)!/(k!(d−2)!) for d ≥ 3.
  for (int d = 3; d <= 14; ++d)
    for (int k = 0; k <= 10; ++k) {
      const double m =
          (2 * k + d - 2) * std::exp(std::lgamma(k + d - 2.0) - std::lgamma(k + 1.0) - std::lgamma(d - 1.0));
      EXPECT_NEAR(double(sphere_multiplicity(d, k)), m, 1e-9 * m) << "d=" << d << " k=" << k;
    }
  EXPECT_EQ(sphere_multiplicity(10, 6), 5005u - 715u);
  auto binom = [](int n, int r) {
    return std::round(std::exp(std::lgamma(n + 1.0) - std::lgamma(r + 1.0) - std::lgamma(n - r + 1.0)));
  };
  for (int d : {2, 3, 4, 5, 7, 10, 12})
    for (int K : {0, 1, 2, 6, 9}) {
      const HypersphereHarmonics h(d, K);
      EXPECT_EQ(double(h.size()), binom(K + d - 1, d - 1) + (K + d - 2 >= d - 1 ? binom(K + d - 2, d - 1) : 0.0));
      std::size_t off = 0;
      for (int k = 0; k <= K; ++k) {
        EXPECT_EQ(h.degree_offset(k), off);
        EXPECT_EQ(h.multiplicity(k), sphere_multiplicity(d, k));
        off += h.multiplicity(k);
      }
    }
  EXPECT_EQ(HypersphereHarmonics(10, 6).size(), 7007u);
  EXPECT_THROW(HypersphereHarmonics(1, 3), std::invalid_argument);
  EXPECT_THROW(HypersphereHarmonics(3, -1), std::invalid_argument);
  EXPECT_THROW(sphere_multiplicity(1, 0), std::invalid_argument);
  std::vector<double> out(9), p{0, 0, 1};
  EXPECT_THROW(HypersphereHarmonics(3, 2).evaluate_degree(3, p.data(), 1, out.data(), 1), std::invalid_argument);
  std::vector<double> two{0, 0, 1, 1, 0, 0}, big(18);
  EXPECT_THROW(HypersphereHarmonics(3, 2).evaluate(two.data(), 2, big.data(), 1), std::invalid_argument);  // ld < npts
  HypersphereHarmonics(3, 2).evaluate(two.data(), 0, big.data(), 0);  // no points: no-op
  HypersphereHarmonics(3, 0).evaluate(two.data(), 2, big.data(), 2);
  EXPECT_EQ(big[0], 1.0);
  EXPECT_EQ(big[1], 1.0);
}

TEST(HypersphereHarmonics, ExplicitLowDegrees) {
  const double s2 = std::sqrt(2.0), s3 = std::sqrt(3.0), s5 = std::sqrt(5.0), s15 = std::sqrt(15.0);
  const std::vector<double> x = random_unit(4, 1, 5);
  std::vector<double> y(15);
  // Circle: 1, √2 cos jφ, √2 sin jφ.
  const double phi = 0.7;
  const std::vector<double> c{std::cos(phi), std::sin(phi)};
  HypersphereHarmonics(2, 2).evaluate(c.data(), 1, y.data(), 1);
  const std::vector<double> want2{1, s2 * std::cos(phi), s2 * std::sin(phi), s2 * std::cos(2 * phi),
                                  s2 * std::sin(2 * phi)};
  for (int i = 0; i < 5; ++i) EXPECT_NEAR(y[i], want2[i], 1e-15);
  // S²: chains (j_2) = 0, 1c, 1s, 2c, 2s.
  const std::vector<double> p{x[0], x[1], x[2]};
  const double n3 = std::sqrt(p[0] * p[0] + p[1] * p[1] + p[2] * p[2]);
  const double a = p[0] / n3, b = p[1] / n3, z = p[2] / n3;
  const std::vector<double> pu{a, b, z};
  HypersphereHarmonics(3, 2).evaluate(pu.data(), 1, y.data(), 1);
  const std::vector<double> want3{
      1,          s3 * z, s3 * a, s3 * b, s5 * (3 * z * z - 1) / 2, s15 * a * z, s15 * b * z, s15 / 2 * (a * a - b * b),
      s15 * a * b};
  for (int i = 0; i < 9; ++i) EXPECT_NEAR(y[i], want3[i], 1e-14) << i;
  // S³ degree 1: chains (j_3, j_2) = (0,0), (1,0), (1,1c), (1,1s) → 2x_4, 2x_3, 2x_1, 2x_2.
  HypersphereHarmonics(4, 1).evaluate(x.data(), 1, y.data(), 1);
  const std::vector<double> want4{1, 2 * x[3], 2 * x[2], 2 * x[0], 2 * x[1]};
  for (int i = 0; i < 5; ++i) EXPECT_NEAR(y[i], want4[i], 1e-15) << i;
}

// Σ_r Y_{k,r}(x) Y_{k,r}(y) = zonal(x·y), relative to m_k, at random pairs, x = y and poles.
double addition_theorem_error(int d, int K, std::size_t n) {
  const HypersphereHarmonics h(d, K);
  std::vector<double> x = random_unit(d, n, 100 + d), y = random_unit(d, n, 200 + d);
  std::copy(x.begin(), x.begin() + d, y.begin());  // pair 0: x = y
  for (int c = 0; c < d && c + 1 < int(n); ++c) {  // coordinate axes (r_e = 0 at low levels)
    std::fill(x.begin() + (c + 1) * d, x.begin() + (c + 2) * d, 0.0);
    x[(c + 1) * d + c] = (c % 2) ? -1.0 : 1.0;
  }
  std::vector<double> fx(n * h.size()), fy(n * h.size());
  h.evaluate(x.data(), n, fx.data(), n);
  h.evaluate(y.data(), n, fy.data(), n);
  double worst = 0;
  for (std::size_t i = 0; i < n; ++i) {
    long double t = 0;
    for (int c = 0; c < d; ++c) t += (long double)x[i * d + c] * y[i * d + c];
    for (int k = 0; k <= K; ++k) {
      long double s = 0;
      for (std::size_t r = h.degree_offset(k); r < h.degree_offset(k + 1); ++r)
        s += (long double)fx[r * n + i] * fy[r * n + i];
      worst = std::max(worst, double(std::fabs(s - zonal(d, k, t)) / h.multiplicity(k)));
    }
  }
  return worst;
}

TEST(HypersphereHarmonics, AdditionTheorem) {
  for (int d : {2, 3, 4, 5, 10, 12}) {
    const int K = d >= 10 ? 6 : 10;
    const double err = addition_theorem_error(d, K, 40);
    EXPECT_LT(err, 1e-13) << "d=" << d << " K=" << K;
  }
}

TEST(HypersphereHarmonics, AdditionTheoremHighDegree) {
  EXPECT_LT(addition_theorem_error(3, 60, 20), 2e-12);  // ~k² ulps: conditioning of P_k(x·y)
  EXPECT_LT(addition_theorem_error(5, 24, 20), 1e-12);
  EXPECT_LT(addition_theorem_error(8, 12, 20), 1e-12);
}

TEST(HypersphereHarmonics, OrthonormalByExactQuadrature) {
  for (auto [d, K] : {std::pair{2, 12}, {3, 12}, {4, 8}, {5, 6}}) {
    std::vector<double> pts, w;
    sphere_rule(d, K, pts, w);
    const HypersphereHarmonics h(d, K);
    const int n = int(w.size()), N = int(h.size());
    std::vector<double> phi(std::size_t(n) * N), gram(std::size_t(N) * N);
    h.evaluate(pts.data(), n, phi.data(), n);
    for (int r = 0; r < N; ++r)
      for (int i = 0; i < n; ++i) phi[std::size_t(r) * n + i] *= std::sqrt(w[i]);
    dsyrk_upper(true, N, n, 1.0, phi.data(), n, 0.0, gram.data(), N);
    double worst = 0;
    for (int c = 0; c < N; ++c)
      for (int r = 0; r <= c; ++r) worst = std::max(worst, std::fabs(gram[std::size_t(c) * N + r] - (r == c)));
    EXPECT_LT(worst, 1e-12) << "d=" << d << " K=" << K << " points=" << n;
  }
}

TEST(HypersphereHarmonics, EvaluateDegreeMatchesEvaluate) {
  for (auto [d, K] : {std::pair{2, 5}, {3, 7}, {4, 6}, {6, 5}, {10, 4}}) {
    const HypersphereHarmonics h(d, K);
    const std::size_t n = 300, ld = 303;  // full and partial internal chunks, ld > npts
    const std::vector<double> x = random_unit(d, n, 7 * d);
    const double nan = std::numeric_limits<double>::quiet_NaN();
    std::vector<double> all(ld * h.size(), nan);
    h.evaluate(x.data(), n, all.data(), ld);
    for (std::size_t c = 0; c < h.size(); ++c)
      for (std::size_t i = n; i < ld; ++i) ASSERT_TRUE(std::isnan(all[c * ld + i])) << "padding rows written";
    for (int k = 0; k <= K; ++k) {
      std::vector<double> one(ld * h.multiplicity(k), nan);
      h.evaluate_degree(k, x.data(), n, one.data(), ld);
      for (std::size_t r = 0; r < h.multiplicity(k); ++r)
        for (std::size_t i = 0; i < n; ++i) {
          const double v = all[(h.degree_offset(k) + r) * ld + i];
          ASSERT_NEAR(one[r * ld + i], v, 1e-15 * std::max(1.0, std::fabs(v))) << "d=" << d << " k=" << k;
        }
    }
    // Point-by-point evaluation agrees with the chunked one.
    std::vector<double> single(h.size());
    for (std::size_t i : {std::size_t(0), std::size_t(140), n - 1}) {
      h.evaluate(&x[i * d], 1, single.data(), 1);
      for (std::size_t c = 0; c < h.size(); ++c)
        ASSERT_NEAR(single[c], all[c * ld + i], 1e-15 * std::max(1.0, std::fabs(single[c])));
    }
  }
}

// d = 3: each degree spans the same space as SphereHarmonics, by an orthogonal change of basis.
TEST(HypersphereHarmonics, MatchesSphereHarmonicsSpanOnS2) {
  const int L = 16;
  const HypersphereHarmonics h(3, L);
  const SphereHarmonics sh(L);
  double worst_res = 0, worst_orth = 0;
  for (int k = 0; k <= L; ++k) {
    const int m = 2 * k + 1, n = 4 * m;
    const std::vector<double> x = random_unit(3, n, 300 + k);
    std::vector<double> A(std::size_t(n) * m), Bm(std::size_t(n) * m);
    sh.evaluate_degree(k, x.data(), n, A.data(), n);
    h.evaluate_degree(k, x.data(), n, Bm.data(), n);
    std::vector<double> X = Bm;
    LeastSquares(n, m, A).solve(m, X.data());
    std::vector<double> coef(std::size_t(m) * m);
    for (int c = 0; c < m; ++c)
      for (int r = 0; r < m; ++r) coef[std::size_t(c) * m + r] = X[std::size_t(c) * n + r];
    std::vector<double> res = Bm;
    dgemm(false, false, n, m, m, -1.0, A.data(), n, coef.data(), m, 1.0, res.data(), n);
    for (double v : res) worst_res = std::max(worst_res, std::fabs(v));
    std::vector<double> ctc(std::size_t(m) * m);
    dgemm(true, false, m, m, m, 1.0, coef.data(), m, coef.data(), m, 0.0, ctc.data(), m);
    for (int c = 0; c < m; ++c)
      for (int r = 0; r < m; ++r) worst_orth = std::max(worst_orth, std::fabs(ctc[std::size_t(c) * m + r] - (r == c)));
  }
  EXPECT_LT(worst_res, 1e-12);
  EXPECT_LT(worst_orth, 1e-11);  // both bases orthonormal: the change of basis is orthogonal
}

}  // namespace
}  // namespace specavg
