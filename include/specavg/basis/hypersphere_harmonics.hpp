#pragma once
// Real spherical harmonics on S^{d−1} ⊂ R^d (d ≥ 2) for all degrees 0..K, evaluated for
// blocks of points: the Gelfand–Tsetlin (Gegenbauer chain) basis.
//
// Conventions
//  * Degree k spans the eigenspace of the Laplace–Beltrami operator with
//    λ = k(k + d − 2) and multiplicity m_k = C(k+d−1, d−1) − C(k+d−3, d−1).
//  * Normalization: orthonormal for the *normalized* surface measure, so Y_0 ≡ 1.
//  * Basis: for a chain k = j_d ≥ j_{d−1} ≥ … ≥ j_2 ≥ 0 and, when j_2 > 0, a choice
//    cos/sin, the function is
//      Π_{e=3..d} A_e · r_e^{j_e − j_{e−1}} C^{(j_{e−1} + (e−2)/2)}_{j_e − j_{e−1}}(x_e / r_e)
//      · B · Re/Im (x_1 + i x_2)^{j_2}
//    with r_e² = x_1² + … + x_e² (coordinates numbered 1..d here, columns 0..d−1 of the
//    point), C^{(α)}_n the Gegenbauer polynomials and A_e, B > 0 the normalizing
//    constants (B = √2 for j_2 > 0, else 1). Each factor is a polynomial evaluated by the
//    homogeneous three-term recurrence, so no division by r_e occurs.
//  * Ordering within degree k: chains in lexicographic order of (j_{d−1}, …, j_2)
//    ascending, cos before sin. Degrees are contiguous: degree k occupies columns
//    [degree_offset(k), degree_offset(k) + multiplicity(k)).
//  * Output layout: column-major point block, out[index * ld + i] for point i.
//  * Points must satisfy |x| = 1 (not re-normalized). Values are those of the homogeneous
//    harmonic polynomials at x itself (r_e² is summed from the coordinates).
//
// Cost: levels 2..m (m chosen by a cost model, 6 for d = 10, K = 6) are built per chunk of 128
// points, and every output value is one product (factor of the upper levels) × (level-m value),
// with loops over points. Single thread, d = 10, K = 6 (one 2.3 GHz Xeon core, SSE2 build):
// 1.5–2e9 values/s for out blocks of 32–256 rows, ~1e9 at 1024 rows; one call over 10^5 points
// (5.6 GB of out) runs at ~6e8, bound by memory bandwidth. Scratch: thread-local,
// 8·128·(N_m(K) + (d−m−1)(K+1)(K+2)/2 + 3K + 2d + 4) bytes with N_m(K) the number of
// harmonics of degree ≤ K in m variables (≈ 0.9 MB for d = 10, K = 6), kept per thread.
// Accuracy: a few ulps·k (addition theorem: ≤ 1e-14 relative for K ≤ 10; 2e-13 at d = 3, K = 60,
// limited there by the conditioning of the reference Legendre value); no overflow or
// underflow concerns for K up to several hundred (all factors are normalized recurrences).
// Thread-safety: evaluate() is const and reentrant (per-thread scratch).
#include <cstddef>
#include <vector>

namespace specavg {

// m_k on S^{d−1} (d ≥ 2, k ≥ 0).
std::size_t sphere_multiplicity(int dim, int k);

class HypersphereHarmonics {
 public:
  HypersphereHarmonics(int dim, int kmax);  // throws std::invalid_argument for dim < 2 or kmax < 0
  int dim() const { return dim_; }
  int kmax() const { return kmax_; }
  std::size_t size() const { return offset_.back(); }
  std::size_t degree_offset(int k) const { return offset_[std::size_t(k)]; }
  std::size_t multiplicity(int k) const { return offset_[std::size_t(k) + 1] - offset_[std::size_t(k)]; }

  // x: npts points, row-major npts × dim. out: ld ≥ npts, at least ld · size() doubles.
  void evaluate(const double* x, std::size_t npts, double* out, std::size_t ld) const;
  // Degree k ≤ kmax only: out[r * ld + i], r < multiplicity(k) (same values as evaluate()).
  void evaluate_degree(int k, const double* x, std::size_t npts, double* out, std::size_t ld) const;

 private:
  struct Chunk;  // per-chunk scratch pointers (defined in the .cpp)
  // only < 0: all degrees into out; only = k: degree k's columns only.
  void sweep(const double* x, std::size_t npts, double* out, std::size_t ld, int only) const;
  // Fused top levels: multiply the Gegenbauer factors of levels e, e−1, …, fuse_ + 1 along the chain
  // and write the resulting block of output columns (see the .cpp).
  void tail(const Chunk& c, int e, int je, std::ptrdiff_t base, const double* t) const;
  // Start of degree k among the solid harmonics of x_1..x_e (degree-major; k ≤ kmax + 1).
  std::size_t level_start(int e, int k) const { return level_[std::size_t(e - 2) * (kmax_ + 2) + k]; }
  // Index of the level-e Gegenbauer factor of order n for j_{e−1} = j (e ≥ 3, j + n ≤ kmax).
  std::size_t coef_index(int e, int j, int n) const {
    return std::size_t(e - 3) * (kmax_ + 1) * (kmax_ + 2) / 2 + std::size_t(j) * (kmax_ + 1) - j * (j - 1) / 2 + n;
  }
  int dim_, kmax_;
  int fuse_;                         // levels 2..fuse_ are materialized per chunk; levels fuse_+1..dim are fused
  std::vector<std::size_t> offset_;  // kmax + 2 entries (= level_start(dim, ·))
  std::vector<std::size_t> level_;   // level_start table, e = 2..dim
  // Normalized recurrence P_n = a_n t P_{n−1} − b_n r² P_{n−2} for P_n = A_e(n) G_n, per (e, j, n):
  // a_0 = P_0 = A_e(0) (a constant), b_0 = b_1 = 0.
  std::vector<double> a_, b_;
};

}  // namespace specavg
