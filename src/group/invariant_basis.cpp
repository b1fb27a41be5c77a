#include "specavg/group/invariant_basis.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <stdexcept>
#include <string>

#include "specavg/basis/gauss_quadrature.hpp"
#include "specavg/basis/sphere_harmonics.hpp"
#include "specavg/util/counter_rng.hpp"
#include "specavg/util/dense_linalg.hpp"

namespace specavg {
namespace {

constexpr std::uint64_t kCanonicalSeed = 0x5EC7A16;
constexpr std::size_t kScratchDoubles = std::size_t(1) << 21;  // 16 MB of all-degree values

// Degree-l block of the harmonics at n points (row-major xyz): out is n × (2l+1),
// column-major with ld = n. SphereHarmonics evaluates every degree ≤ l, so points are
// processed in blocks sized to keep that scratch bounded whatever l.
void eval_degree(const SphereHarmonics& sh, int l, const double* xyz, std::size_t n, double* out,
                 std::vector<double>& scratch) {
  const std::size_t m = 2 * std::size_t(l) + 1, off = std::size_t(l) * l;
  const std::size_t block = std::max<std::size_t>(32, kScratchDoubles / sh.size());
  scratch.resize(std::min(n, block) * sh.size());
  for (std::size_t i0 = 0; i0 < n; i0 += block) {
    const std::size_t nb = std::min(block, n - i0);
    sh.evaluate(xyz + 3 * i0, nb, scratch.data(), nb);
    for (std::size_t r = 0; r < m; ++r)
      std::copy_n(scratch.data() + (off + r) * nb, nb, out + r * n + i0);
  }
}

// Quadrature exact to degree 2l with the weighted degree-l block W·Φ(X) precomputed,
// shared by every generator's representation matrix.
struct Collocation {
  int l, m;
  std::size_t nq;
  SphereHarmonics sh;
  SphereQuadrature quad;
  std::vector<double> wphi;     // nq × m, column-major
  std::vector<double> scratch;  // reused across generators

  explicit Collocation(int deg) : l(deg), m(2 * deg + 1), sh(deg), quad(sphere_quadrature(2 * deg)) {
    nq = quad.size();
    wphi.resize(nq * m);
    eval_degree(sh, l, quad.points.data(), nq, wphi.data(), scratch);
    for (int r = 0; r < m; ++r)
      for (std::size_t q = 0; q < nq; ++q) wphi[r * nq + q] *= quad.weights[q];
  }

  // Returns M (m × m, column-major) with M(s, r) = Σ_q w_q φ_r(g x_q) φ_s(x_q) = D_rs,
  // i.e. the row-major storage of D_l(g) (equivalently D_l(g)ᵀ read column-major).
  std::vector<double> representation(const Mat3& g) {
    std::vector<double> gx(3 * nq);
    for (std::size_t q = 0; q < nq; ++q) {
      double* y = gx.data() + 3 * q;
      mat3_apply(g, quad.points.data() + 3 * q, y);
      // Re-normalize: a generator orthogonal only to ~1e-9 must not push points off S².
      const double nrm = std::sqrt(y[0] * y[0] + y[1] * y[1] + y[2] * y[2]);
      if (nrm > 0)
        for (int c = 0; c < 3; ++c) y[c] /= nrm;
    }
    std::vector<double> phig(nq * m);
    eval_degree(sh, l, gx.data(), nq, phig.data(), scratch);
    std::vector<double> M(std::size_t(m) * m);
    dgemm(true, false, m, m, int(nq), 1.0, wphi.data(), int(nq), phig.data(), int(nq), 0.0, M.data(), m);
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
