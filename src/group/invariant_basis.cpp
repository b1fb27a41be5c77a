#include "specavg/group/invariant_basis.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <stdexcept>
#include <string>

#include "specavg/basis/sphere_harmonics.hpp"
#include "specavg/util/counter_rng.hpp"
#include "specavg/util/dense_linalg.hpp"

namespace specavg {
namespace {

constexpr std::uint64_t kCanonicalSeed = 0x5EC7A16;
constexpr std::uint64_t kCollocationSeed = 0xC0110C;

// Degree-l block of the harmonics at n points (row-major xyz): out is n × (2l+1),
// column-major with ld = n.
void eval_degree(const SphereHarmonics& sh, int l, const double* xyz, std::size_t n, double* out) {
  sh.evaluate_degree(l, xyz, n, out, n);
}

// Collocation at n = 4(2l+1) fixed pseudo-random points X: φ_l(g x) = D φ_l(x) for all x
// gives Φ(gX) = Φ(X) Dᵀ, solved in the least-squares sense. With 4× oversampling Φ(X)
// is well conditioned (condition number a few units), so D is exact to rounding, while
// the cost is O(l³) per degree and generator (a product quadrature exact to degree 2l
// needs ~2l² points, O(l⁴)). The QR of Φ(X) is shared by every generator.
struct Collocation {
  int l, m;
  std::size_t n;
  SphereHarmonics sh;
  std::vector<double> pts;  // n × 3, row-major
  LeastSquares ls;

  explicit Collocation(int deg)
      : l(deg),
        m(2 * deg + 1),
        n(4 * std::size_t(m)),
        sh(deg),
        pts(collocation_points(deg, n)),
        ls(int(n), m, degree_block(sh, deg, pts, n)) {}

  static std::vector<double> collocation_points(int deg, std::size_t n) {
    std::vector<double> x(3 * n);
    for (std::size_t i = 0; i < n; ++i) {
      double s2 = 0;
      for (int c = 0; c < 3; ++c) {
        x[3 * i + c] = rng_normal(kCollocationSeed, std::uint64_t(deg), 3 * i + c);
        s2 += x[3 * i + c] * x[3 * i + c];
      }
      for (int c = 0; c < 3; ++c) x[3 * i + c] /= std::sqrt(s2);
    }
    return x;
  }
  static std::vector<double> degree_block(const SphereHarmonics& sh, int deg, const std::vector<double>& x,
                                          std::size_t n) {
    std::vector<double> phi(n * (2 * std::size_t(deg) + 1));
    eval_degree(sh, deg, x.data(), n, phi.data());
    return phi;
  }

  // Returns M (m × m, column-major) = D_l(g)ᵀ, i.e. the row-major storage of D_l(g).
  std::vector<double> representation(const Mat3& g) {
    std::vector<double> gx(3 * n);
    for (std::size_t q = 0; q < n; ++q) {
      double* y = gx.data() + 3 * q;
      mat3_apply(g, pts.data() + 3 * q, y);
      // Re-normalize: a generator orthogonal only to ~1e-9 must not push points off S².
      const double nrm = std::sqrt(y[0] * y[0] + y[1] * y[1] + y[2] * y[2]);
      if (nrm > 0)
        for (int c = 0; c < 3; ++c) y[c] /= nrm;
    }
    std::vector<double> B(n * m);
    eval_degree(sh, l, gx.data(), n, B.data());
    ls.solve(m, B.data());
    std::vector<double> M(std::size_t(m) * m);
    for (int c = 0; c < m; ++c) std::copy_n(B.data() + c * n, m, M.data() + std::size_t(c) * m);
    return M;
  }
};

void check_degree(int l, const char* who) {
  if (l < 0) throw std::invalid_argument(std::string(who) + ": degree l must be >= 0, got " + std::to_string(l));
}

}  // namespace

std::vector<double> representation_matrix(int l, const Mat3& g) {
  check_degree(l, "representation_matrix");
  return Collocation(l).representation(g);
}

DegreeInvariants invariant_subspace(int l, const std::vector<Mat3>& gens, double null_tol) {
  check_degree(l, "invariant_subspace");
  DegreeInvariants out;
  out.l = l;
  out.m = 2 * l + 1;
  const int m = out.m, r = int(gens.size());
  const std::size_t mm = std::size_t(m) * m;

  // V: orthonormal basis of ker C (first k eigenvectors, column-major m × k).
  std::vector<std::vector<double>> Ms;  // column-major D_jᵀ for the residual
  std::vector<double> V;
  int k = m;
  if (r == 0) {
    V.assign(mm, 0.0);  // C = 0: every function of degree l is invariant
    for (int i = 0; i < m; ++i) V[std::size_t(i) * m + i] = 1.0;
  } else {
    Collocation col(l);
    std::vector<double> C(mm, 0.0);
    for (int i = 0; i < m; ++i) C[std::size_t(i) * m + i] = 2.0 * r;
    for (const Mat3& g : gens) {
      Ms.push_back(col.representation(g));
      const std::vector<double>& M = Ms.back();
      for (int j = 0; j < m; ++j)
        for (int i = 0; i < m; ++i) {
          // M_ij + M_ji is commutative, so C stays exactly symmetric.
          C[std::size_t(j) * m + i] -= M[std::size_t(j) * m + i] + M[std::size_t(i) * m + j];
        }
    }
    std::vector<double> w;
    symmetric_eigen(m, C, w);
    const double thresh = null_tol * std::max(1, r);
    k = int(std::count_if(w.begin(), w.end(), [thresh](double v) { return v < thresh; }));
    C.resize(std::size_t(m) * k);  // eigenvalues ascending: the null space comes first
    V = std::move(C);
  }
  out.k = k;
  if (k == 0) return out;

  // Canonical basis Q = orth(V Vᵀ E): depends on the subspace only, not on the
  // eigensolver's rotation inside it (reproducible across ranks, generator orders).
  // With T = Vᵀ E = Q_T R (R's diagonal positive), V Vᵀ E = (V Q_T) R is the unique QR
  // of P E, so Q = V Q_T. Factoring the small T instead of the m × k product P E keeps
  // Q inside span V to rounding even when T is ill-conditioned.
  std::vector<double> E(std::size_t(m) * k);
  for (int j = 0; j < k; ++j)
    for (int i = 0; i < m; ++i)
      E[std::size_t(j) * m + i] =
          2.0 * rng_uniform(kCanonicalSeed, std::uint64_t(l), std::uint64_t(i) + std::uint64_t(m) * j) - 1.0;
  std::vector<double> T(std::size_t(k) * k);
  dgemm(true, false, k, k, m, 1.0, V.data(), m, E.data(), m, 0.0, T.data(), k);
  orthonormalize_columns(k, k, T);
  out.Q.assign(std::size_t(m) * k, 0.0);
  dgemm(false, false, m, k, k, 1.0, V.data(), m, T.data(), k, 0.0, out.Q.data(), m);

  // residual = max_j max |D_jᵀ Q − Q|; Ms[j] read column-major is D_jᵀ.
  std::vector<double> R(std::size_t(m) * k);
  for (const std::vector<double>& M : Ms) {
    dgemm(false, false, m, k, m, 1.0, M.data(), m, out.Q.data(), m, 0.0, R.data(), m);
    for (std::size_t i = 0; i < R.size(); ++i) out.residual = std::max(out.residual, std::fabs(R[i] - out.Q[i]));
  }
  return out;
}

}  // namespace specavg
