#include "specavg/basis/torus_fourier.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <random>
#include <stdexcept>
#include <utility>
#include <vector>

using specavg::Isometry;
using specavg::SparseRows;
using specavg::torus_multiplicity;
using specavg::TorusShell;

namespace {
const double kPi = 3.14159265358979323846;

// Local helpers (isometry.cpp is not used here): y = P x + t.
std::vector<double> apply_iso(const Isometry& g, const std::vector<double>& x) {
  std::vector<double> y(g.dim);
  for (int i = 0; i < g.dim; ++i) {
    double s = g.t.empty() ? 0.0 : g.t[i];
    for (int j = 0; j < g.dim; ++j) s += g.P[i * g.dim + j] * x[j];
    y[i] = s;
  }
  return y;
}

Isometry random_signed_perm(int d, std::mt19937& rng, int shift_kind) {
  Isometry g;
  g.dim = d;
  g.P.assign(std::size_t(d) * d, 0.0);
  g.t.assign(d, 0.0);
  std::vector<int> perm(d);
  for (int i = 0; i < d; ++i) perm[i] = i;
  std::shuffle(perm.begin(), perm.end(), rng);
  std::uniform_real_distribution<double> u(-1.0, 1.0);
  std::uniform_int_distribution<int> half(-2, 2);
  for (int i = 0; i < d; ++i) {
    g.P[i * d + perm[i]] = (rng() & 1) ? 1.0 : -1.0;
    if (shift_kind == 1) g.t[i] = 1.5 * u(rng);     // generic shift
    if (shift_kind == 2) g.t[i] = 0.5 * half(rng);  // multiples of 1/2
  }
  return g;
}

std::vector<double> eval_point(const TorusShell& s, const std::vector<double>& x) {
  std::vector<double> v(s.size());
  s.evaluate(x.data(), 1, v.data(), 1);
  return v;
}

std::vector<double> random_point(int d, std::mt19937& rng) {
  std::uniform_real_distribution<double> u(-1.0, 1.0);
  std::vector<double> x(d);
  for (auto& v : x) v = u(rng);
  return x;
}

// max |D φ(x) − φ(g x)| over the given points.
double action_error(const TorusShell& s, const SparseRows& D, const Isometry& g, std::mt19937& rng, int npts) {
  double err = 0;
  for (int q = 0; q < npts; ++q) {
    const auto x = random_point(s.dim(), rng);
    const auto fx = eval_point(s, x), fgx = eval_point(s, apply_iso(g, x));
    for (int a = 0; a < D.m; ++a) {
      double v = 0;
      for (int p = D.rowptr[a]; p < D.rowptr[a + 1]; ++p) v += D.val[p] * fx[D.col[p]];
      err = std::max(err, std::abs(v - fgx[a]));
    }
  }
  return err;
}

// max |DᵀD − I| computed sparsely.
double orthogonality_error(const SparseRows& D) {
  std::map<std::pair<int, int>, double> m;
  for (int a = 0; a < D.m; ++a)
    for (int p = D.rowptr[a]; p < D.rowptr[a + 1]; ++p)
      for (int q = D.rowptr[a]; q < D.rowptr[a + 1]; ++q) m[{D.col[p], D.col[q]}] += D.val[p] * D.val[q];
  double err = 0;
  for (int i = 0; i < D.m; ++i)
    if (!m.count({i, i})) err = 1.0;
  for (const auto& e : m) err = std::max(err, std::abs(e.second - (e.first.first == e.first.second ? 1.0 : 0.0)));
  return err;
}
}  // namespace

TEST(TorusFourier, Multiplicities) {
  const std::size_t d10[] = {1, 20, 180, 960, 3380};
  for (int n = 0; n <= 4; ++n) EXPECT_EQ(torus_multiplicity(10, n), d10[n]);
  EXPECT_EQ(torus_multiplicity(2, 1), 4u);
  EXPECT_EQ(torus_multiplicity(2, 2), 4u);
  EXPECT_EQ(torus_multiplicity(2, 3), 0u);
  EXPECT_EQ(torus_multiplicity(2, 5), 8u);
  EXPECT_EQ(torus_multiplicity(2, 25), 12u);
  EXPECT_EQ(torus_multiplicity(3, 7), 0u);
  EXPECT_EQ(torus_multiplicity(1, 4), 2u);
  EXPECT_EQ(torus_multiplicity(4, 1), 8u);
  EXPECT_EQ(torus_multiplicity(4, 2), 24u);  // r_4(n) = 8 σ(n) for odd n, 24 σ(odd part) for even n
  for (int d = 1; d <= 6; ++d)
    for (int n = 0; n <= 12; ++n) {
      const TorusShell s(d, n);
      EXPECT_EQ(s.size(), torus_multiplicity(d, n)) << "d=" << d << " n=" << n;
    }
  EXPECT_EQ(TorusShell(10, 4).size(), 3380u);
  EXPECT_THROW(torus_multiplicity(0, 1), std::invalid_argument);
  EXPECT_THROW(torus_multiplicity(2, -1), std::invalid_argument);
  EXPECT_THROW(TorusShell(0, 1), std::invalid_argument);
  EXPECT_THROW(TorusShell(65, 1), std::invalid_argument);
  EXPECT_THROW(TorusShell(3, -2), std::invalid_argument);
}

TEST(TorusFourier, OrderingAndLambda) {
  const TorusShell s(2, 1);
  ASSERT_EQ(s.size(), 4u);
  const std::vector<std::vector<int>> k = {{0, 1}, {0, 1}, {1, 0}, {1, 0}};
  const std::uint64_t masks[] = {0, 2, 0, 1};
  for (int a = 0; a < 4; ++a) {
    EXPECT_EQ(s.modes()[a].kappa, k[a]);
    EXPECT_EQ(s.modes()[a].sine_mask, masks[a]);
  }
  EXPECT_NEAR(TorusShell(3, 5).lambda(), kPi * kPi * 5, 1e-12);
  const TorusShell z(4, 0);
  ASSERT_EQ(z.size(), 1u);
  double x[4] = {0.3, -0.2, 0.9, 0.1}, v = 0;
  z.evaluate(x, 1, &v, 1);
  EXPECT_EQ(v, 1.0);
}

// Tensor trapezoid rule with N > 2 max κ points per coordinate integrates the products exactly.
TEST(TorusFourier, Orthonormality) {
  for (const auto& cfg : std::vector<std::pair<int, int>>{{2, 25}, {3, 6}}) {
    const int d = cfg.first, nmax = cfg.second, N = 16;
    std::size_t npts = 1;
    for (int i = 0; i < d; ++i) npts *= N;
    std::vector<double> x(npts * d);
    for (std::size_t p = 0; p < npts; ++p) {
      std::size_t r = p;
      for (int i = 0; i < d; ++i, r /= N) x[p * d + i] = -1.0 + 2.0 * double(r % N) / N;
    }
    std::vector<double> phi;  // all shells n ≤ nmax, column-major npts × m
    for (int n = 0; n <= nmax; ++n) {
      const TorusShell s(d, n);
      const std::size_t off = phi.size();
      phi.resize(off + s.size() * npts);
      s.evaluate(x.data(), npts, phi.data() + off, npts);
    }
    const std::size_t m = phi.size() / npts;
    double err = 0;
    for (std::size_t a = 0; a < m; ++a)
      for (std::size_t b = 0; b <= a; ++b) {
        double g = 0;
        for (std::size_t p = 0; p < npts; ++p) g += phi[a * npts + p] * phi[b * npts + p];
        err = std::max(err, std::abs(g / npts - (a == b ? 1.0 : 0.0)));
      }
    EXPECT_LT(err, 1e-12) << "d=" << d << " functions=" << m;
  }
}

// evaluate() against the defining product formula, across internal blocks and with ld > npts.
TEST(TorusFourier, EvaluateMatchesFormula) {
  std::mt19937 rng(7);
  const TorusShell s(10, 4);
  const std::size_t npts = 1300, ld = 1305, m = s.size();
  std::vector<double> x(npts * 10);
  std::uniform_real_distribution<double> u(-1.0, 1.0);
  for (auto& v : x) v = u(rng);
  std::vector<double> out(ld * m, -7.0);
  s.evaluate(x.data(), npts, out.data(), ld);
  double err = 0;
  for (std::size_t a = 0; a < m; ++a) {
    const auto& mode = s.modes()[a];
    for (std::size_t p = 0; p < npts; ++p) {
      double v = 1;
      for (int i = 0; i < 10; ++i)
        if (mode.kappa[i] > 0) {
          const double arg = kPi * mode.kappa[i] * x[p * 10 + i];
          v *= std::sqrt(2.0) * (((mode.sine_mask >> i) & 1) ? std::sin(arg) : std::cos(arg));
        }
      err = std::max(err, std::abs(out[a * ld + p] - v));
    }
    for (std::size_t p = npts; p < ld; ++p) ASSERT_EQ(out[a * ld + p], -7.0);  // padding untouched
  }
  EXPECT_LT(err, 1e-13);
  // Periodic in every coordinate.
  const TorusShell s3(3, 6);
  const std::vector<double> y = {0.3, -0.7, 0.55}, y2 = {2.3, -4.7, 0.55 - 2.0};
  const auto f = eval_point(s3, y), f2 = eval_point(s3, y2);
  for (std::size_t a = 0; a < f.size(); ++a) EXPECT_NEAR(f[a], f2[a], 1e-13);
}

// Σ_i ∂²φ/∂x_i² = −π² n φ, by centered second differences.
TEST(TorusFourier, LaplacianEigenfunctions) {
  std::mt19937 rng(3);
  const double h = 1e-4;
  for (const auto& cfg : std::vector<std::pair<int, int>>{{2, 5}, {2, 13}, {3, 6}, {5, 3}, {10, 4}}) {
    const TorusShell s(cfg.first, cfg.second);
    const int d = s.dim();
    for (int q = 0; q < 5; ++q) {
      const auto x = random_point(d, rng);
      const auto f0 = eval_point(s, x);
      std::vector<double> lap(s.size(), 0.0);
      for (int i = 0; i < d; ++i) {
        auto xp = x, xm = x;
        xp[i] += h;
        xm[i] -= h;
        const auto fp = eval_point(s, xp), fm = eval_point(s, xm);
        for (std::size_t a = 0; a < s.size(); ++a) lap[a] += (fp[a] - 2 * f0[a] + fm[a]) / (h * h);
      }
      const double scale = s.lambda() * std::pow(2.0, 0.5 * d);  // λ · max|φ|
      for (std::size_t a = 0; a < s.size(); ++a)
        EXPECT_NEAR(lap[a], -s.lambda() * f0[a], 1e-5 * scale) << "d=" << d << " n=" << s.n() << " a=" << a;
    }
  }
}

TEST(TorusFourier, ActionMatchesPullback) {
  std::mt19937 rng(11);
  for (const auto& cfg : std::vector<std::pair<int, int>>{{3, 5}, {5, 5}, {10, 4}, {10, 5}})
    for (int n = 0; n <= cfg.second; ++n) {
      const TorusShell s(cfg.first, n);
      if (s.size() == 0) continue;
      for (int kind = 0; kind < 3; ++kind)
        for (int rep = 0; rep < 2; ++rep) {
          const Isometry g = random_signed_perm(s.dim(), rng, kind);
          const SparseRows D = s.action(g);
          ASSERT_EQ(D.m, int(s.size()));
          ASSERT_EQ(D.rowptr.size(), s.size() + 1);
          EXPECT_LT(action_error(s, D, g, rng, 3), 1e-13) << "d=" << s.dim() << " n=" << n << " kind=" << kind;
          if (s.size() <= 3380) {
            EXPECT_LT(orthogonality_error(D), 1e-13) << "d=" << s.dim() << " n=" << n;
          }
          for (int a = 0; a < D.m; ++a) {
            for (int p = D.rowptr[a] + 1; p < D.rowptr[a + 1]; ++p) ASSERT_LT(D.col[p - 1], D.col[p]);
            // Without a generic shift D is a signed permutation: one exact ±1 per row.
            if (kind != 1) {
              ASSERT_EQ(D.rowptr[a + 1] - D.rowptr[a], 1);
              ASSERT_EQ(std::abs(D.val[D.rowptr[a]]), 1.0);
            }
          }
        }
    }
}

// Cos-only modes are exactly the functions fixed by every sign flip x_i → −x_i.
TEST(TorusFourier, SignFlipInvariants) {
  const int d = 10;
  std::vector<SparseRows> flips;
  std::size_t total = 0;
  const std::size_t expect[] = {1, 11, 56, 176, 396};
  for (int n = 0; n <= 4; ++n) {
    const TorusShell s(d, n);
    std::size_t cos_only = 0, fixed = 0;
    std::vector<char> inv(s.size(), 1);
    for (int i = 0; i < d; ++i) {
      Isometry g;
      g.dim = d;
      g.P.assign(d * d, 0.0);
      g.t.assign(d, 0.0);
      for (int j = 0; j < d; ++j) g.P[j * d + j] = j == i ? -1.0 : 1.0;
      const SparseRows D = s.action(g);
      for (int a = 0; a < D.m; ++a)
        if (!(D.rowptr[a + 1] - D.rowptr[a] == 1 && D.col[D.rowptr[a]] == a && D.val[D.rowptr[a]] == 1.0)) inv[a] = 0;
    }
    for (std::size_t a = 0; a < s.size(); ++a) {
      cos_only += s.modes()[a].sine_mask == 0;
      fixed += inv[a];
      EXPECT_EQ(bool(inv[a]), s.modes()[a].sine_mask == 0);
    }
    EXPECT_EQ(cos_only, fixed);
    total += cos_only;
    EXPECT_EQ(total, expect[n]) << "n <= " << n;
  }
}

TEST(TorusFourier, ActionRejectsBadIsometries) {
  const TorusShell s(3, 2);
  Isometry g;
  g.dim = 3;
  g.P = {1, 0, 0, 0, 1, 0, 0, 0, 1};
  g.t = {0, 0, 0};
  EXPECT_NO_THROW(s.action(g));
  Isometry rot = g;  // rotation by 45° in the (x0, x1) plane
  rot.P = {std::sqrt(0.5), -std::sqrt(0.5), 0, std::sqrt(0.5), std::sqrt(0.5), 0, 0, 0, 1};
  EXPECT_THROW(s.action(rot), std::invalid_argument);
  Isometry twice = g;  // two non-zeros in a column
  twice.P = {1, 0, 0, 1, 0, 0, 0, 0, 1};
  EXPECT_THROW(s.action(twice), std::invalid_argument);
  Isometry scaled = g;
  scaled.P[0] = 2.0;
  EXPECT_THROW(s.action(scaled), std::invalid_argument);
  Isometry zero_row = g;
  zero_row.P[4] = 0.0;
  EXPECT_THROW(s.action(zero_row), std::invalid_argument);
  Isometry wrong_dim = g;
  wrong_dim.dim = 2;
  wrong_dim.P = {1, 0, 0, 1};
  wrong_dim.t = {0, 0};
  EXPECT_THROW(s.action(wrong_dim), std::invalid_argument);
  Isometry short_t = g;
  short_t.t = {0, 0};
  EXPECT_THROW(s.action(short_t), std::invalid_argument);
  Isometry nan_t = g;
  nan_t.t[1] = std::nan("");
  EXPECT_THROW(s.action(nan_t), std::invalid_argument);
  std::vector<double> out(4);
  const double x[3] = {0, 0, 0};
  EXPECT_THROW(s.evaluate(x, 2, out.data(), 1), std::invalid_argument);  // ld < npts
}
