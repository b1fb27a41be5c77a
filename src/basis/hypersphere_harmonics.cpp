#include "specavg/basis/hypersphere_harmonics.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

namespace specavg {
namespace {

// Points per internal chunk. The scratch holds the solid harmonics of x_1..x_{d−1} for one
// chunk (e.g. 4290 columns for d = 10, K = 6), so the chunk stays small enough for L2/L3
// while inner loops stay long enough to vectorize.
constexpr std::size_t kBlock = 32;

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

HypersphereHarmonics::HypersphereHarmonics(int dim, int kmax) : dim_(dim), kmax_(kmax) {
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
  const std::size_t per_level = std::size_t(K + 1) * (K + 2) / 2;
  a_.assign(std::size_t(std::max(dim - 2, 0)) * per_level, 0.0);
  b_.assign(a_.size(), 0.0);
  for (int e = 3; e <= dim; ++e) {
    double a0sq = 1.0;
    for (int j = 0; j <= K; ++j) {
      if (j > 0) a0sq *= double(e + 2 * (j - 1)) / double(e - 1 + 2 * (j - 1));
      const double alpha = j + 0.5 * (e - 2);
      double* a = &a_[coef_start(e, j)];
      double* b = &b_[coef_start(e, j)];
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

// Level by level, for a chunk of points held column-wise in scratch: level 2 is
// Re/Im (x_1 + i x_2)^j; level e < d is built in place from level e−1 (see below); the last
// level is written straight into out. Only degrees ≤ K are built (K = only when only ≥ 0).
void HypersphereHarmonics::sweep(const double* x, std::size_t npts, double* out, std::size_t ld, int only) const {
  if (npts == 0) return;
  if (ld < npts) throw std::invalid_argument("HypersphereHarmonics: ld must be >= npts");
  const int d = dim_, K = only < 0 ? kmax_ : only;
  const std::size_t B = kBlock, out_shift = only < 0 ? 0 : offset_[only];
  const std::size_t ns = level_start(std::max(d - 1, 2), K + 1);  // scratch columns
  std::vector<double> buf(B * (ns + d + 1 + K + 1));
  double* S = buf.data();
  double* xc = S + ns * B;
  double* r2 = xc + std::size_t(d) * B;
  double* g = r2 + B;  // g[n·B + i] = P_n at point i, n ≥ 1
  const double sqrt2 = std::sqrt(2.0);

  for (std::size_t i0 = 0; i0 < npts; i0 += B) {
    const std::size_t nb = std::min(B, npts - i0);
    // Transpose to columns; pad a partial chunk with its last point (scratch loops stay full length).
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
      const int k0 = only < 0 ? 0 : only;
      for (std::size_t c = level_start(2, k0); c < level_start(2, K + 1); ++c)
        std::copy(S + c * B, S + c * B + nb, out + (c - out_shift) * ld + i0);
      continue;
    }

    for (int e = 3; e <= d; ++e) {
      const double* t = xc + std::size_t(e - 1) * B;
      for (std::size_t i = 0; i < B; ++i) r2[i] += t[i] * t[i];  // r_e², homogeneous form
      const bool last = e == d;
      // In-place order: level-e index (k, j, r) = start_e(k) + start_{e−1}(j) + r is ≥ its source
      // start_{e−1}(j) + r. Going j = K..0 (and k = j last, columns descending) never overwrites
      // a source that is still needed; the last level reads scratch and writes out instead.
      for (int j = K; j >= 0; --j) {
        const int nmax = K - j;
        const double* a = &a_[coef_start(e, j)];
        const double* b = &b_[coef_start(e, j)];
        if (nmax >= 1)
          for (std::size_t i = 0; i < B; ++i) g[B + i] = a[1] * a[0] * t[i];
        if (nmax >= 2)
          for (std::size_t i = 0; i < B; ++i) g[2 * B + i] = a[2] * t[i] * g[B + i] - b[2] * a[0] * r2[i];
        for (int n = 3; n <= nmax; ++n) {
          double* gn = g + std::size_t(n) * B;
          const double* g1 = gn - B;
          const double* g2 = gn - 2 * B;
          for (std::size_t i = 0; i < B; ++i) gn[i] = a[n] * t[i] * g1[i] - b[n] * r2[i] * g2[i];
        }
        const std::size_t src0 = level_start(e - 1, j), len = level_start(e - 1, j + 1) - src0;
        const double* src = S + src0 * B;
        if (!last) {
          for (int k = K; k > j; --k) {
            double* dst = S + (level_start(e, k) + src0) * B;
            const double* gn = g + std::size_t(k - j) * B;
            for (std::size_t r = 0; r < len; ++r) mul_col(dst + r * B, src + r * B, gn, B);
          }
          if (j > 0) {  // j = 0: the constant, P_0 = 1
            double* dst = S + (level_start(e, j) + src0) * B;
            for (std::size_t r = len; r-- > 0;) scale_col(dst + r * B, src + r * B, a[0], B);
          }
        } else {
          for (int k = only < 0 ? j : only; k <= K; ++k) {
            double* dst = out + (level_start(e, k) + src0 - out_shift) * ld + i0;
            if (k == j) {
              for (std::size_t r = 0; r < len; ++r) scale_col(dst + r * ld, src + r * B, a[0], nb);
            } else {
              const double* gn = g + std::size_t(k - j) * B;
              for (std::size_t r = 0; r < len; ++r) mul_col(dst + r * ld, src + r * B, gn, nb);
            }
          }
        }
      }
    }
  }
}

}  // namespace specavg
