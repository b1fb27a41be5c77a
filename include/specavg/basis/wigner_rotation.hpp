#pragma once
// Exact action of O(3) on the real spherical harmonics of basis/sphere_harmonics.hpp
// (4π-normalized, no Condon–Shortley phase, index m + l within degree l, m = −l..l).
//
// Convention: D_l(g) is defined by Y_l(g x) = D_l(g) Y_l(x) (Y_l the column of the
// 2l+1 harmonics of degree l), so D_l(g h) = D_l(g) D_l(h) and D_l(g) is orthogonal.
//
// Route: g = det(g) · Rz(α) Ry(β) Rz(γ) (ZYZ Euler angles of the proper part, active
// rotations). Inversion acts as (−1)^l, a rotation about z by 2×2 rotations of each
// (Y_m, Y_−m) pair, and Ry(β) through the Wigner d-matrix: with d^l_{ac}(β) (first index
// a, Wigner's/Varshalovich's convention) and the quadrants A = d_{m,c}, B = d_{m,−c}
// (m, c ≥ 0) of the row orders m,
//     T[m, c]   = (−1)^m ((−1)^c A + B),   T[−m, −c] = (−1)^m ((−1)^c A − B)   (m, c > 0)
//     T[m, 0]   = (−1)^m √2 A,  T[0, c] = ((−1)^c A + B)/√2,  T[0, 0] = A,
// all other entries 0 (Ry keeps the parity in y, so cos-type and sin-type harmonics do
// not mix). d_{a,c} comes from the three-term recursion in l at fixed (a, c) (Jacobi
// polynomials), seeded at l = max(|a|, |c|) by the closed form with long-double
// logarithms, run on mantissa/exponent pairs so seeds below the double range do not
// flush to zero. Why this and not healpix_cxx's Risbo (wigner.h): Risbo produces the whole
// (2l+1)² matrix at every degree, O(l²) work per degree for all of it, while the invariant
// subspace needs only the rows of the orders that survive the z-axis generators (m ≡ 0 mod
// n for C_n); the fixed-(a, c) recursion computes exactly those rows, O(l·rows) per degree.
// The forward recursion computes the dominant solution and is stable: rows stay orthonormal
// to ≲ 5e-13 at l = 4000 for 0.3 ≤ β ≤ 2.9 (tests/unit/test_wigner.cpp). Near the poles the
// recurrence's roots merge and rounding grows like l·ε/sin β (3e-11 at β = 1e-3, l = 4000);
// elements that keep the z-axis (β = 0, π exactly) never go through it.
// Euler angles: α ± γ are taken from the blocks that determine them well near β = 0 and π,
// so D_l stays a homomorphism to ~1e-12 also for rotations a hair off the z-axis.
//
// Plain C++ (no MPI/PETSc); objects are not thread-safe.
#include <array>
#include <cstddef>
#include <memory>
#include <vector>

#include "specavg/basis/eigenspace_action.hpp"
#include "specavg/basis/isometry.hpp"

namespace specavg {

// Row-major 3×3 (y_i = Σ_j g[3i+j] x_j); the same type as group/point_group.hpp's Mat3.
using Mat3 = std::array<double, 9>;

// g = det · Rz(alpha) Ry(beta) Rz(gamma), beta ∈ [0, π]; det = ±1. When sin β is exactly 0,
// gamma = 0. Throws std::invalid_argument when |det g| is not 1 within 1e-6.
struct EulerZYZ {
  double alpha = 0, beta = 0, gamma = 0;
  int det = 1;
};
EulerZYZ euler_zyz(const Mat3& g);

// Rows of T = D_l(Ry(beta)) for a fixed set of row orders, advanced degree by degree.
// The state holds, for each row order m and every column order c ≤ l, d_{m,c} and
// d_{m,−c} at the current and previous degree: O(rows · lmax) memory, O(rows · l) work
// per degree.
class WignerRows {
 public:
  // orders: distinct m ≥ 0, ascending. The object starts at degree 0.
  WignerRows(double beta, std::vector<int> orders, int lmax);
  int degree() const { return l_; }
  void advance();  // to degree + 1 (≤ lmax)
  // Real rows of T at the current degree l for the row orders m ≤ l, in order: for each m,
  // the row of Y_m then (m > 0) the row of Y_−m. Row-major nrows × (2l+1); `rows`
  // receives the real indices (m + l) of these rows.
  void rows(std::vector<double>& out, std::vector<int>& rows) const;
  const std::vector<int>& orders() const { return orders_; }

 private:
  void seed(std::size_t i, int c);
  double beta_, cb_, vers_, covers_;  // β, cos β, 1 − cos β, 1 + cos β
  bool near_pi_;
  long double lcos_, lsin_;  // log2 |cos β/2|, log2 |sin β/2|
  int sgn_sin_ = 1;          // sign of sin β/2
  bool zero_sin_ = false, zero_cos_ = false;
  int lmax_, l_ = 0;
  std::vector<int> orders_;
  std::size_t ld_;  // columns per row order (lmax + 1)
  // quadrant q (0: d_{m,c}, 1: d_{m,−c}) of row i and column c at index (2 i + q) ld + c
  std::vector<double> cur_, prev_;
  std::vector<int> ex_;  // true value = cur · 2^(−kShift · ex), ex ≥ 0
  std::vector<double> sq_;   // sqrt(l² − k²) for k = 0..l at the current degree
  std::vector<int> nscaled_;  // scaled entries per (row, quadrant)
  std::vector<long double> lfact_;  // log2 n!
};

// Rows `rows` (real indices, as from WignerRows::rows) of D_l(g) for g = det · Rz(α) Ry(β)
// Rz(γ): out (row-major, rows × (2l+1)) holds T's rows on entry (those of Ry(β) at the
// degree l, for a row set closed under m ↔ −m) and D's rows on exit.
void finish_rotation_rows(int l, const EulerZYZ& e, const std::vector<int>& rows, std::vector<double>& out);

// The full D_l(g), row-major (2l+1)², through WignerRows (O(l³): for tests and checks).
std::vector<double> wigner_matrix(int l, const Mat3& g);

// g acts within each (m, −m) pair when it maps the z-axis to ±z (entries g[2], g[5],
// g[6], g[7] below tol). Then D_l(g) restricted to the pair (Y_m, Y_−m) (m > 0) is the
// 2×2 block {b00, b01, b10, b11} (row-major) and on Y_0 the number b00.
bool is_z_block(const Mat3& g, double tol = 1e-12);
struct PairBlock {
  double b00 = 1, b01 = 0, b10 = 0, b11 = 1;
};
// Requires is_z_block(g); angles taken from g. Exact up to the rounding of cos/sin(mα).
PairBlock z_block_pair(const Mat3& g, int l, int m);

// cos(m α), sin(m α) for many m. When α = 2π k/n with n ≤ 720 (to 1e-10 turns), m α is
// reduced exactly modulo 2π first, so a C_n generator gives exactly cos = 1, sin = 0 on
// m ≡ 0 mod n at every m (m α in floating point would carry an error of m·1e-16).
struct AngleMultiples {
  double alpha = 0;
  long k = 0, n = 0;  // α = 2π k/n; n = 0: not such a fraction
  static AngleMultiples of(double alpha);
  void sincos(long m, double* c, double* s) const;
};
// A pair-diagonal element prepared once: det, whether it flips z, and its angle about z.
struct ZBlock {
  int det = 1;
  bool flip = false;
  AngleMultiples angle;
  PairBlock pair(int l, int m) const;
};
ZBlock z_block_of(const Mat3& g);  // requires is_z_block(g)

// The exact action of the generators (3×3 orthogonal, dim 3) on degree l: D_l(g_j) stored
// dense, (2l+1)² each, O(l³) to build. What S2Manifold::eigenspace_action returns; the
// structured route of group/wigner_invariants.hpp avoids the full matrices.
std::unique_ptr<EigenspaceAction> wigner_action(int l, const std::vector<Isometry>& gens);

// Axis a (unit) of the proper part det(g)·g when it is not the identity (|angle| > 1e-9);
// returns false otherwise (g = ±I).
bool rotation_axis(const Mat3& g, double axis[3]);

}  // namespace specavg
