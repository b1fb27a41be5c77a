#include "specavg/basis/hypersphere_harmonics.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

namespace specavg {
namespace {

// Points per internal chunk: inner loops run over them (vectorized), and the per-chunk scratch
// (the materialized level, e.g. 714 columns for d = 10, K = 6) stays within L2. 128 rather than
// 64 also halves the scattered column segments written into a caller's out with a large ld.
constexpr std::size_t kBlock = 128;

// C(n, r), 0 for n < r (also for negative n); exact while the result fits.
std::size_t binomial(long n, long r) {
  if (r < 0 || n < r) return 0;
  r = std::min(r, n - r);
  std::size_t c = 1;
  for (long i = 1; i <= r; ++i) c = c * std::size_t(n - r + i) / std::size_t(i);  // exact at each step
  return c;
}

// Column kernels over the points of a chunk. Full chunks use the compile-time length so the
// loops vectorize even under GCC's -O2 "very cheap" cost model.
inline void mul_col(double* __restrict dst, const double* __restrict src, const double* __restrict g, std::size_t n) {
  if (n == kBlock) {
    for (std::size_t i = 0; i < kBlock; ++i) dst[i] = g[i] * src[i];
  } else {
    for (std::size_t i = 0; i < n; ++i) dst[i] = g[i] * src[i];
  }
}
inline void scale_col(double* __restrict dst, const double* __restrict src, double a, std::size_t n) {
  if (n == kBlock) {
    for (std::size_t i = 0; i < kBlock; ++i) dst[i] = a * src[i];
  } else {
    for (std::size_t i = 0; i < n; ++i) dst[i] = a * src[i];
  }
}

}  // namespace

std::size_t sphere_multiplicity(int dim, int k) {
  if (dim < 2 || k < 0) throw std::invalid_argument("sphere_multiplicity: need dim >= 2 and k >= 0");
  return binomial(long(k) + dim - 1, dim - 1) - binomial(long(k) + dim - 3, dim - 1);
}

HypersphereHarmonics::HypersphereHarmonics(int dim, int kmax) : dim_(dim), kmax_(kmax), fuse_(2) {
  if (dim < 2) throw std::invalid_argument("HypersphereHarmonics: dim must be >= 2 (got " + std::to_string(dim) + ")");
  if (kmax < 0)
    throw std::invalid_argument("HypersphereHarmonics: kmax must be >= 0 (got " + std::to_string(kmax) + ")");
  const int K = kmax;
  // Solid harmonics of x_1..x_e, degree-major: degree k is preceded by the
  // C(k+e−2, e−1) + C(k+e−3, e−1) harmonics of lower degree.
  level_.assign(std::size_t(dim - 1) * (K + 2), 0);
  for (int e = 2; e <= dim; ++e)
    for (int k = 0; k <= K; ++k)
      level_[std::size_t(e - 2) * (K + 2) + k + 1] = level_start(e, k) + sphere_multiplicity(e, k);
  offset_.assign(level_.end() - (K + 2), level_.end());

  // Level e multiplies the level-(e−1) harmonic of degree j by A·G_n with α = j + (e−2)/2.
  // Normalization: the normalized measure on S^{e−1} is c_e (1−t²)^{(e−3)/2} dt dσ_{e−1} with
  // c_e = Γ(e/2)/(√π Γ((e−1)/2)), and ∫(C_n^α)²(1−t²)^{α−1/2} = h_n^α
  // = π 2^{1−2α} Γ(n+2α)/(n! (n+α) Γ(α)²), so A(n) = (c_e h_n^α)^{−1/2}. By the duplication
  // formula c_e h_0^α = Π_{i<j} (e−1+2i)/(e+2i), and h_n/h_{n−1} = (n+2α−1)(n+α−1)/(n(n+α)):
  // exact rational factors, more accurate than differences of lgamma for large j, n.
  a_.assign(dim > 2 ? coef_index(dim + 1, 0, 0) : 0, 0.0);
  b_.assign(a_.size(), 0.0);
  for (int e = 3; e <= dim; ++e) {
    double a0sq = 1.0;
    for (int j = 0; j <= K; ++j) {
      if (j > 0) a0sq *= double(e + 2 * (j - 1)) / double(e - 1 + 2 * (j - 1));
      const double alpha = j + 0.5 * (e - 2);
      double* a = &a_[coef_index(e, j, 0)];
      double* b = &b_[coef_index(e, j, 0)];
      a[0] = std::sqrt(a0sq);
      double rho_prev = 0.0;
      for (int n = 1; n <= K - j; ++n) {
        // A(n)/A(n−1) and the homogeneous recurrence n G_n = 2(n+α−1) t G_{n−1} − (n+2α−2) r² G_{n−2}.
        const double rho = std::sqrt(n * (n + alpha) / ((n + 2 * alpha - 1) * (n + alpha - 1)));
        a[n] = 2.0 * (n + alpha - 1) / n * rho;
        b[n] = n >= 2 ? (n + 2 * alpha - 2) / n * rho * rho_prev : 0.0;
        rho_prev = rho;
      }
    }
  }

  // Levels above fuse_ are not materialized: each output block is (product of the factors of
  // the fused levels along the chain) × (a degree block of level fuse_). That saves building
  // the large upper levels (for d = 10, K = 6 level 9 alone has 4290 columns per point) at the
  // price of one vector product per tree node. Pick the level minimizing the column operations.
  double best = 0;
  for (int m = 2; m < dim; ++m) {
    double cost = 0;
    for (int e = 3; e <= m; ++e) cost += double(level_start(e, K + 1));                        // in-place level builds
    for (int e = m + 1; e < dim; ++e) cost += double(binomial(K + dim - e + 2, dim - e + 2));  // tree nodes
    cost += 0.5 * double(binomial(K + dim - m + 1, dim - m + 1));                              // per-block overhead
    cost += 1.5 * (dim - m) * (K + 1) * (K + 2) / 2;                                           // Gegenbauer factors
    if (m == 2 || cost < best) best = cost, fuse_ = m;
  }
}

void HypersphereHarmonics::evaluate(const double* x, std::size_t npts, double* out, std::size_t ld) const {
  sweep(x, npts, out, ld, -1);
}

void HypersphereHarmonics::evaluate_degree(int k, const double* x, std::size_t npts, double* out,
                                           std::size_t ld) const {
  if (k < 0 || k > kmax_)
    throw std::invalid_argument("HypersphereHarmonics::evaluate_degree: degree " + std::to_string(k) + " outside 0.." +
                                std::to_string(kmax_));
  sweep(x, npts, out, ld, k);
}

struct HypersphereHarmonics::Chunk {
  const double* S;  // materialized level fuse_, column c at S + c·kBlock
  const double* G;  // factors of fused levels below the top, at (coef_index(e, j, n) − g0)·kBlock
  std::size_t g0;   // coef_index(fuse_ + 1, 0, 0)
  const double* R;  // top level: factor of order n for j_{d−1} = j at (2j + n mod 2)·kBlock
  double* T;        // running products, one vector per fused level
  double* out;
  std::size_t ld, nb;
};

// Output column of the chain (j_d, …, j_2) is Σ_e level_start(e, j_e) + (index in the j_2 block):
// walking j_{e−1} = 0..j_e ascending writes each degree's columns in increasing order.
void HypersphereHarmonics::tail(const Chunk& c, int e, int je, std::ptrdiff_t base, const double* t) const {
  base += std::ptrdiff_t(level_start(e, je));
  if (e == fuse_) {
    const std::size_t len = level_start(e, je + 1) - level_start(e, je);
    const double* src = c.S + level_start(e, je) * kBlock;
    double* dst = c.out + base * std::ptrdiff_t(c.ld);
    for (std::size_t r = 0; r < len; ++r) mul_col(dst + r * c.ld, src + r * kBlock, t, c.nb);
    return;
  }
  for (int j = 0; j <= je; ++j) {
    const double* g = e == dim_ ? c.R + std::size_t(2 * j + ((je - j) & 1)) * kBlock
                                : c.G + (coef_index(e, j, je - j) - c.g0) * kBlock;
    const double* tn = g;
    if (t) {  // below the top level: extend the product
      double* p = c.T + std::size_t(e) * kBlock;
      for (std::size_t i = 0; i < kBlock; ++i) p[i] = t[i] * g[i];
      tn = p;
    }
    tail(c, e - 1, j, base, tn);
  }
}

// Per chunk of points held column-wise in scratch: level 2 is √2 Re/Im (x_1 + i x_2)^j; levels
// 3..fuse_ are built in place; the Gegenbauer factors of the fused levels are tabulated (the top
// level's advanced along k instead, two rows per j, so d = 3 with large K needs no K²/2 table)
// and multiplied along the chains by tail(). Only degrees ≤ K are built (K = only when only ≥ 0).
void HypersphereHarmonics::sweep(const double* x, std::size_t npts, double* out, std::size_t ld, int only) const {
  if (npts == 0) return;
  if (ld < npts) throw std::invalid_argument("HypersphereHarmonics: ld must be >= npts");
  const int d = dim_, K = only < 0 ? kmax_ : only, m = fuse_;
  const std::size_t B = kBlock, out_shift = only < 0 ? 0 : offset_[only];
  // Scratch: level m; the factors of the fused levels below the top (all j, n) and one row for
  // the materialized levels; two rows per j for the top level.
  const std::size_t ns = level_start(m, K + 1), g0 = d > 2 ? coef_index(m + 1, 0, 0) : 0;
  const std::size_t ng = d > 2 ? coef_index(d, 0, 0) - g0 + K + 1 : 0, nr = 2 * std::size_t(K + 1);
  // Per-thread scratch, grown on demand and never zero-filled: callers evaluate many small
  // blocks, and a fresh allocation per call would cost as much as the work.
  thread_local std::vector<double> buf;
  const std::size_t need = B * (ns + ng + nr + 2 * std::size_t(d) + 1);
  if (buf.size() < need) buf.resize(need);
  double* S = buf.data();
  double* G = S + ns * B;
  double* R = G + ng * B;
  double* xc = R + nr * B;
  double* T = xc + std::size_t(d) * B;
  double* r2 = T + std::size_t(d) * B;
  const double sqrt2 = std::sqrt(2.0);

  for (std::size_t i0 = 0; i0 < npts; i0 += B) {
    const std::size_t nb = std::min(B, npts - i0);
    // Transpose to columns; pad a partial chunk with its last point: the short loops over the
    // chunk keep their compile-time length, the column kernels run over nb points only.
    for (int c = 0; c < d; ++c)
      for (std::size_t i = 0; i < B; ++i) xc[c * B + i] = x[(i0 + std::min(i, nb - 1)) * d + c];
    const double* x1 = xc;
    const double* x2 = xc + B;

    // Level 2: 1, √2 Re z^j, √2 Im z^j (z = x_1 + i x_2) at columns 0, 2j−1, 2j.
    std::fill(S, S + B, 1.0);
    if (K >= 1)
      for (std::size_t i = 0; i < B; ++i) {
        S[B + i] = sqrt2 * x1[i];
        S[2 * B + i] = sqrt2 * x2[i];
      }
    for (int j = 2; j <= K; ++j) {
      const double* cp = S + (2 * j - 3) * B;
      const double* sp = cp + B;
      double* cj = S + (2 * j - 1) * B;
      double* sj = cj + B;
      for (std::size_t i = 0; i < B; ++i) {
        cj[i] = cp[i] * x1[i] - sp[i] * x2[i];
        sj[i] = cp[i] * x2[i] + sp[i] * x1[i];
      }
    }
    for (std::size_t i = 0; i < B; ++i) r2[i] = x1[i] * x1[i] + x2[i] * x2[i];

    if (d == 2) {
      for (std::size_t c = level_start(2, only < 0 ? 0 : only); c < level_start(2, K + 1); ++c)
        std::copy(S + c * B, S + c * B + nb, out + (c - out_shift) * ld + i0);
      continue;
    }

    for (int e = 3; e <= d; ++e) {
      const double* t = xc + std::size_t(e - 1) * B;
      for (std::size_t i = 0; i < B; ++i) r2[i] += t[i] * t[i];  // r_e², homogeneous form
      for (int j = K; j >= 0 && e < d; --j) {
        // P_n = A(n) G_n, n = 0..K−j: kept for the fused levels, one reused row otherwise.
        const double* a = &a_[coef_index(e, j, 0)];
        const double* b = &b_[coef_index(e, j, 0)];
        double* g = e > m ? G + (coef_index(e, j, 0) - g0) * B : G + (ng - (K + 1)) * B;
        const int nmax = K - j;
        for (std::size_t i = 0; i < B; ++i) g[i] = a[0];
        if (nmax >= 1)
          for (std::size_t i = 0; i < B; ++i) g[B + i] = a[1] * t[i] * g[i];
        for (int n = 2; n <= nmax; ++n) {
          double* gn = g + std::size_t(n) * B;
          const double* g1 = gn - B;
          const double* g2 = gn - 2 * B;
          for (std::size_t i = 0; i < B; ++i) gn[i] = a[n] * t[i] * g1[i] - b[n] * r2[i] * g2[i];
        }
        if (e > m) continue;  // fused level: factors only
        // In place: level-e index (k, j, r) = start_e(k) + start_{e−1}(j) + r is ≥ its source
        // start_{e−1}(j) + r. Going j = K..0 (and k = j last, columns descending) never overwrites
        // a source that is still needed.
        const std::size_t src0 = level_start(e - 1, j), len = level_start(e - 1, j + 1) - src0;
        const double* src = S + src0 * B;
        for (int k = K; k > j; --k) {
          double* dst = S + (level_start(e, k) + src0) * B;
          const double* gn = g + std::size_t(k - j) * B;
          for (std::size_t r = 0; r < len; ++r) mul_col(dst + r * B, src + r * B, gn, nb);
        }
        if (j > 0) {  // j = 0: the constant, P_0 = 1
          double* dst = S + (level_start(e, j) + src0) * B;
          for (std::size_t r = len; r-- > 0;) scale_col(dst + r * B, src + r * B, a[0], nb);
        }
      }
    }
    const Chunk c{S, G, g0, R, T, out + i0, ld, nb};
    const double* t = xc + std::size_t(d - 1) * B;
    for (int k = 0; k <= K; ++k) {
      for (int j = 0; j <= k; ++j) {  // advance every j to order n = k − j (in place: slot n mod 2)
        const int n = k - j;
        const double* a = &a_[coef_index(d, j, 0)];
        const double* b = &b_[coef_index(d, j, 0)];
        double* cur = R + std::size_t(2 * j + (n & 1)) * B;
        const double* prev = R + std::size_t(2 * j + ((n + 1) & 1)) * B;
        if (n == 0)
          for (std::size_t i = 0; i < B; ++i) cur[i] = a[0];
        else if (n == 1)
          for (std::size_t i = 0; i < B; ++i) cur[i] = a[1] * t[i] * prev[i];
        else
          for (std::size_t i = 0; i < B; ++i) cur[i] = a[n] * t[i] * prev[i] - b[n] * r2[i] * cur[i];
      }
      if (only < 0 || k == only) tail(c, d, k, -std::ptrdiff_t(out_shift), nullptr);
    }
  }
}

}  // namespace specavg
