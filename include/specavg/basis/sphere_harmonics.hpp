#pragma once
// Real spherical harmonics on S² for all degrees 0..L, evaluated for blocks of points.
//
// Conventions
//  * Normalization: orthonormal for the *normalized* surface measure dσ/(4π), so
//    Y_00 ≡ 1 and (1/4π)∫ Y_lm Y_l'm' dσ = δ_ll' δ_mm' (geodesy "4π-normalized").
//  * Phase: no Condon–Shortley factor (−1)^m.
//      Y_l0      = sqrt(2l+1) P_l(cos θ)
//      Y_lm (m>0) = sqrt(2(2l+1)(l−m)!/(l+m)!) P_l^m(cos θ) cos(mφ)
//      Y_l,−m    = sqrt(2(2l+1)(l−m)!/(l+m)!) P_l^m(cos θ) sin(mφ)
//    with P_l^m(t) = (1−t²)^{m/2} d^m/dt^m P_l(t), θ the polar angle from +z,
//    φ = atan2(y, x).
//  * Ordering: degree-major, order ascending: index(l, m) = l² + l + m, m = −l..l;
//    the harmonics of degree l occupy the contiguous range [l², (l+1)²).
//  * Output layout: column-major point block, out[index * ld + i] for point i,
//    so each harmonic is a contiguous column (ready for BLAS-3 with lda = ld).
//
// Accuracy: the normalized column recurrence in l runs on a mantissa/exponent pair
// (X-number technique), so sin^m θ never underflows prematurely and nothing overflows;
// values are accurate to a few ulps·sqrt(l) up to L ≥ 2000.
// Thread-safety: evaluate() is const and reentrant.
#include <cstddef>
#include <vector>

namespace specavg {

inline constexpr std::size_t sh_index(int l, int m) {
  return std::size_t(l) * l + l + m;
}
inline constexpr std::size_t sh_count(int L) {
  return std::size_t(L + 1) * (L + 1);
}

class SphereHarmonics {
 public:
  explicit SphereHarmonics(int lmax);
  int lmax() const { return lmax_; }
  std::size_t size() const { return sh_count(lmax_); }

  // xyz: npts unit vectors, row-major (npts × 3). out: column-major, ld ≥ npts,
  // at least ld * size() doubles. Points need |x| = 1; they are not re-normalized.
  void evaluate(const double* xyz, std::size_t npts, double* out, std::size_t ld) const;
  // Degree l ≤ lmax only: out[(m + l) * ld + i], m = −l..l (same values as evaluate()).
  // Cheaper than evaluate() when one degree is wanted (no stores of lower degrees).
  void evaluate_degree(int l, const double* xyz, std::size_t npts, double* out, std::size_t ld) const;

 private:
  void sweep(const double* xyz, std::size_t npts, double* out, std::size_t ld, int only) const;
  int lmax_;
  std::vector<double> a_, b_;  // recurrence coefficients, triangular (l, m) storage
  std::vector<double> sect_;   // sectoral factor P̄_mm / P̄_{m−1,m−1} / sin θ
  std::size_t tri(int l, int m) const { return std::size_t(l) * (l + 1) / 2 + m; }
};

}  // namespace specavg
