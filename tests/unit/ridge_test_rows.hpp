#pragma once
// Explicit rows and brute-force ridge fits for the selection tests (small sizes only).
#include <cmath>
#include <random>
#include <vector>

#include "specavg/estimate/ridge_path.hpp"

namespace specavg::ridge_test {

// Dense Gauss–Jordan inverse with partial pivoting (tests only; n ≤ 20).
inline std::vector<double> inverse(int n, std::vector<double> a) {
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

inline Rows make_rows(int n, int d, int k, unsigned seed) {
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
inline std::vector<double> direct_fit(const ReducedSums& s, int p, const std::vector<double>& pen, double tau) {
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

inline double residual(const Rows& r, int i, int p, const std::vector<double>& a, int t) {
  double f = 0;
  for (int j = 0; j < p; ++j) f += r.psi[std::size_t(i) * r.d + j] * a[std::size_t(j) * r.k + t];
  return r.y[std::size_t(i) * r.k + t] - f;
}

}  // namespace specavg::ridge_test
