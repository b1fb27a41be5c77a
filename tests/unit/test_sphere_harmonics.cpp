// Real spherical harmonics (basis/sphere_harmonics.hpp) and Gauss quadrature.
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "specavg/estimate/synthetic_target.hpp"
#include "specavg/basis/gauss_quadrature.hpp"
#include "specavg/basis/sphere_harmonics.hpp"
#include "specavg/util/counter_rng.hpp"
#include "specavg/util/dense_linalg.hpp"

namespace specavg {
namespace {

std::vector<double> unit_from_angles(double theta, double phi) {
  return {std::sin(theta) * std::cos(phi), std::sin(theta) * std::sin(phi), std::cos(theta)};
}

std::vector<double> random_points(std::size_t n, std::uint64_t stream) {
  std::vector<double> x(3 * n);
  for (std::size_t i = 0; i < n; ++i) synthetic_point(77 * 1000 + stream, i, &x[3 * i]);
  return x;
}

// Legendre P_l(t) by the three-term recurrence in long double.
long double legendre(int l, long double t) {
  long double p0 = 1.0L, p1 = t;
  if (l == 0) return p0;
  for (int j = 2; j <= l; ++j) {
    const long double p = ((2.0L * j - 1) * t * p1 - (j - 1.0L) * p0) / j;
    p0 = p1;
    p1 = p;
  }
  return p1;
}

TEST(GaussLegendre, IntegratesMonomialsExactly) {
  std::vector<double> x, w;
  for (int n = 1; n <= 40; ++n) {
    gauss_legendre(n, x, w);
    for (int i = 1; i < n; ++i) ASSERT_LT(x[i - 1], x[i]);
    for (int k = 0; k <= 2 * n - 1; ++k) {
      double s = 0;
      for (int i = 0; i < n; ++i) s += w[i] * std::pow(x[i], k);
      const double exact = (k % 2 == 0) ? 2.0 / (k + 1) : 0.0;
      EXPECT_NEAR(s, exact, 1e-14) << "n = " << n << ", k = " << k;
    }
  }
}

TEST(SphereHarmonics, OrthonormalByQuadratureL40) {
  const int L = 40;
  const SphereQuadrature q = sphere_quadrature(2 * L);
  double wsum = 0;
  for (double w : q.weights) wsum += w;
  EXPECT_NEAR(wsum, 1.0, 1e-14);
  const SphereHarmonics sh(L);
  const int n = int(q.size()), N = int(sh.size());
  std::vector<double> phi(std::size_t(n) * N), wphi;
  sh.evaluate(q.points.data(), n, phi.data(), n);
  wphi = phi;
  for (int j = 0; j < N; ++j)
    for (int i = 0; i < n; ++i) wphi[std::size_t(j) * n + i] *= q.weights[i];
  std::vector<double> G(std::size_t(N) * N);
  dgemm(true, false, N, N, n, 1.0, wphi.data(), n, phi.data(), n, 0.0, G.data(), N);
  double err = 0;
  for (int j = 0; j < N; ++j)
    for (int i = 0; i < N; ++i) err = std::max(err, std::fabs(G[std::size_t(j) * N + i] - (i == j ? 1.0 : 0.0)));
  EXPECT_LT(err, 1e-12);
}

TEST(SphereHarmonics, LowDegreeClosedForms) {
  const SphereHarmonics sh(1);
  const std::vector<double> x = random_points(50, 1);
  std::vector<double> out(50 * 4);
  sh.evaluate(x.data(), 50, out.data(), 50);
  const double s3 = std::sqrt(3.0);
  for (int i = 0; i < 50; ++i) {
    EXPECT_EQ(out[i], 1.0);  // Y_00 ≡ 1 (normalized measure)
    EXPECT_NEAR(out[sh_index(1, -1) * 50 + i], s3 * x[3 * i + 1], 1e-15);
    EXPECT_NEAR(out[sh_index(1, 0) * 50 + i], s3 * x[3 * i + 2], 1e-15);
    EXPECT_NEAR(out[sh_index(1, 1) * 50 + i], s3 * x[3 * i + 0], 1e-15);
  }
}

TEST(SphereHarmonics, ZonalAtNorthPole) {
  const int L = 300;
  const SphereHarmonics sh(L);
  const double pole[3] = {0, 0, 1};
  std::vector<double> out(sh.size());
  sh.evaluate(pole, 1, out.data(), 1);
  for (int l = 0; l <= L; ++l)
    for (int m = -l; m <= l; ++m) {
      const double expect = m == 0 ? std::sqrt(2.0 * l + 1) : 0.0;
      ASSERT_NEAR(out[sh_index(l, m)], expect, 1e-12 * std::sqrt(2.0 * l + 1)) << "l = " << l << ", m = " << m;
    }
}

// |Y_ll(θ = π/2, φ)| = sqrt(2(2l+1)!/(4^l (l!)²)) · |cos lφ| (no Condon–Shortley phase):
// P_l^l(0) = (2l−1)!! = (2l)!/(2^l l!) and the normalization sqrt(2(2l+1)/(2l)!).
TEST(SphereHarmonics, SectoralAtEquatorL1000) {
  const int L = 1000;
  const SphereHarmonics sh(L);
  const long double lf = L;
  const double expect = double(std::exp(
      0.5L * (std::log(2.0L) + std::lgamma(2.0L * lf + 2.0L) - lf * std::log(4.0L) - 2.0L * std::lgamma(lf + 1.0L))));
  const double pi = std::acos(-1.0);
  std::vector<double> pts = unit_from_angles(pi / 2, 0.0), p2 = unit_from_angles(pi / 2, pi / (2.0 * L));
  pts.insert(pts.end(), p2.begin(), p2.end());
  pts[2] = pts[5] = 0.0;  // exactly on the equator
  std::vector<double> out(2 * sh.size());
  sh.evaluate(pts.data(), 2, out.data(), 2);
  EXPECT_NEAR(out[sh_index(L, L) * 2], expect, 1e-11 * expect);
  EXPECT_NEAR(out[sh_index(L, -L) * 2], 0.0, 1e-11 * expect);
  // φ = π/(2l): the cos and sin parts swap roles.
  EXPECT_NEAR(out[sh_index(L, -L) * 2 + 1], expect, 1e-10 * expect);
  EXPECT_NEAR(out[sh_index(L, L) * 2 + 1], 0.0, 1e-10 * expect);
}

// Σ_m Y_lm(x) Y_lm(y) = (2l+1) P_l(x·y), including pairs near the pole.
TEST(SphereHarmonics, AdditionTheoremL1000) {
  const int L = 1000;
  const SphereHarmonics sh(L);
  const double pairs[][4] = {// θx, φx, θy, φy
                             {0.3, 0.1, 2.0, 4.0},
                             {1e-3, 0.5, 0.7, 2.5},
                             {1e-4, 0.2, 2.5e-4, 3.0},
                             {1.5707, 1.0, 1.5709, 1.001}};
  std::vector<double> out(2 * sh.size());
  for (const auto& p : pairs) {
    std::vector<double> pts = unit_from_angles(p[0], p[1]), y = unit_from_angles(p[2], p[3]);
    pts.insert(pts.end(), y.begin(), y.end());
    sh.evaluate(pts.data(), 2, out.data(), 2);
    long double t = 0;
    for (int c = 0; c < 3; ++c) t += (long double)pts[c] * pts[3 + c];
    const double rhs = double((2.0L * L + 1) * legendre(L, t));
    double lhs = 0;
    for (int m = -L; m <= L; ++m) lhs += out[sh_index(L, m) * 2] * out[sh_index(L, m) * 2 + 1];
    // Relative 1e-9 (the pairs are chosen with |(2l+1)P_l| ≥ 50, away from its zeros;
    // observed ≤ 4e-11, dominated near the pole by the rounding of the inputs × P_l').
    ASSERT_GT(std::fabs(rhs), 50.0);
    EXPECT_NEAR(lhs, rhs, 1e-9 * std::fabs(rhs)) << "pair θx = " << p[0] << ", θy = " << p[2];
  }
}

TEST(SphereHarmonics, FiniteAndSumRuleAtHighDegree) {
  const int L = 1000;
  const SphereHarmonics sh(L);
  std::vector<double> pts = random_points(8, 2);
  // Points at and next to both poles, where sin θ underflows in naive recurrences.
  const double near[][3] = {{0, 0, 1}, {0, 0, -1}, {1e-12, 0, 1}, {0, -3e-9, -1}};
  for (const auto& p : near) {
    const double n = std::sqrt(p[0] * p[0] + p[1] * p[1] + p[2] * p[2]);
    for (int c = 0; c < 3; ++c) pts.push_back(p[c] / n);
  }
  const std::size_t np = pts.size() / 3, block = 4;
  std::vector<double> out(block * sh.size());
  for (std::size_t i0 = 0; i0 < np; i0 += block) {
    sh.evaluate(pts.data() + 3 * i0, block, out.data(), block);
    for (std::size_t i = 0; i < block; ++i) {
      for (std::size_t j = 0; j < sh.size(); ++j) ASSERT_TRUE(std::isfinite(out[j * block + i]));
      for (int l : {1, 17, 500, 999, 1000}) {
        double s = 0;
        for (int m = -l; m <= l; ++m) s += out[sh_index(l, m) * block + i] * out[sh_index(l, m) * block + i];
        EXPECT_NEAR(s, 2.0 * l + 1, 1e-10 * (2.0 * l + 1)) << "point " << i0 + i << ", l = " << l;
      }
    }
  }
}

}  // namespace
}  // namespace specavg

namespace specavg {
namespace {

TEST(SphereHarmonics, SingleDegreeMatchesFullEvaluation) {
  const int L = 300;
  const SphereHarmonics sh(L);
  std::vector<double> x(3 * 40);
  for (std::size_t i = 0; i < 40; ++i) synthetic_point(4242, i, &x[3 * i]);
  x[0] = 0.0, x[1] = 0.0, x[2] = 1.0;  // a pole
  std::vector<double> all(40 * sh.size());
  sh.evaluate(x.data(), 40, all.data(), 40);
  for (int l : {0, 1, 7, 150, 300}) {
    std::vector<double> one(40 * std::size_t(2 * l + 1));
    sh.evaluate_degree(l, x.data(), 40, one.data(), 40);
    double dev = 0;
    for (int m = -l; m <= l; ++m)
      for (int i = 0; i < 40; ++i)
        dev = std::max(dev, std::fabs(one[std::size_t(m + l) * 40 + i] - all[sh_index(l, m) * 40 + i]));
    EXPECT_EQ(dev, 0.0) << "degree " << l;
  }
  EXPECT_THROW(sh.evaluate_degree(L + 1, x.data(), 40, all.data(), 40), std::invalid_argument);
}

}  // namespace
}  // namespace specavg
