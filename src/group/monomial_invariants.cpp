#include "specavg/group/monomial_invariants.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <stdexcept>

#include "specavg/basis/eigen_basis.hpp"
#include "specavg/util/counter_rng.hpp"
#include "specavg/util/dense_linalg.hpp"

namespace specavg {
namespace {

constexpr std::uint64_t kPointSeed = 0x3A0C;

// All exponent vectors of total degree k in d variables (lexicographic).
std::vector<std::vector<int>> monomials(int d, int k) {
  std::vector<std::vector<int>> out;
  std::vector<int> a(d, 0);
  auto rec = [&](auto&& self, int i, int left) -> void {
    if (i == d - 1) {
      a[i] = left;
      out.push_back(a);
      return;
    }
    for (int v = left; v >= 0; --v) {
      a[i] = v;
      self(self, i + 1, left - v);
    }
  };
  if (d > 0) rec(rec, 0, k);
  return out;
}

// Signed orbits of the monomials of one degree: classes[c] lists (monomial, sign
// relative to the class root); classes whose signs contradict are dropped.
struct Orbits {
  std::vector<std::vector<int>> mono;
  std::map<std::vector<int>, int> index;
  std::vector<std::vector<std::pair<int, int>>> classes;
  std::vector<int> class_of_root;  // monomial → class (for roots), −1 otherwise
};

Orbits signed_orbits(int d, int k, const std::vector<Isometry>& gens) {
  Orbits o;
  o.mono = monomials(d, k);
  const int n = int(o.mono.size());
  for (int i = 0; i < n; ++i) o.index[o.mono[i]] = i;
  std::vector<int> parent(n), rel(n, 1);  // a_x = rel[x] · a_parent
  std::vector<char> dead(n, 0);
  for (int i = 0; i < n; ++i) parent[i] = i;
  auto find = [&](int x, int* s) {
    int sign = 1, r = x;
    while (parent[r] != r) sign *= rel[r], r = parent[r];
    // compress: point x (and its chain) at r with accumulated signs
    int y = x, sy = sign;
    while (parent[y] != y) {
      const int next = parent[y], snext = sy * rel[y];
      parent[y] = r, rel[y] = sy;
      y = next, sy = snext;
    }
    *s = sign;
    return r;
  };
  std::vector<int> nu(d);
  for (const Isometry& g : gens) {
    std::vector<int> src(d), sg(d);  // (g x)_i = sg_i x_{src_i}
    for (int i = 0; i < d; ++i)
      for (int j = 0; j < d; ++j)
        if (g.P[std::size_t(i) * d + j] != 0) src[i] = j, sg[i] = g.P[std::size_t(i) * d + j] > 0 ? 1 : -1;
    for (int m = 0; m < n; ++m) {
      // x^μ ∘ g = Π_i (sg_i x_{src_i})^{μ_i} = σ x^ν, ν_{src_i} = μ_i; invariance: a_ν = σ a_μ.
      int sigma = 1;
      for (int i = 0; i < d; ++i) {
        nu[src[i]] = o.mono[m][i];
        if (sg[i] < 0 && (o.mono[m][i] & 1)) sigma = -sigma;
      }
      const int v = o.index.at(nu);
      int sm, sv;
      const int rm = find(m, &sm), rv = find(v, &sv);
      if (rm == rv) {
        if (sv != sigma * sm) dead[rm] = 1;
      } else {
        parent[rv] = rm, rel[rv] = sigma * sm * sv;
        dead[rm] = char(dead[rm] | dead[rv]);
      }
    }
  }
  o.class_of_root.assign(n, -1);
  std::vector<int> cls(n, -1);
  for (int m = 0; m < n; ++m) {
    int s;
    const int r = find(m, &s);
    if (dead[r]) continue;
    if (cls[r] < 0) cls[r] = int(o.classes.size()), o.classes.emplace_back(), o.class_of_root[r] = cls[r];
    o.classes[cls[r]].push_back({m, s});
  }
  return o;
}

// Y = values of the polynomials at the points (npts × count, column-major).
std::vector<double> evaluate_polys(const HarmonicInvariantPolys& h, const double* x, std::size_t npts) {
  const int d = h.dim, K = h.degree;
  const std::size_t nm = h.exponents.size() / std::size_t(std::max(d, 1));
  std::vector<double> M(npts * nm), pw(std::size_t(K + 1) * d);
  for (std::size_t p = 0; p < npts; ++p) {
    for (int i = 0; i < d; ++i) {
      pw[std::size_t(i) * (K + 1)] = 1.0;
      for (int e = 1; e <= K; ++e)
        pw[std::size_t(i) * (K + 1) + e] = pw[std::size_t(i) * (K + 1) + e - 1] * x[p * d + i];
    }
    for (std::size_t m = 0; m < nm; ++m) {
      double v = 1.0;
      for (int i = 0; i < d; ++i) v *= pw[std::size_t(i) * (K + 1) + h.exponents[m * d + i]];
      M[m * npts + p] = v;
    }
  }
  std::vector<double> Y(npts * std::size_t(h.count));
  dgemm(false, false, int(npts), h.count, int(nm), 1.0, M.data(), int(npts), h.coef.data(), int(nm), 0.0, Y.data(),
        int(npts));
  return Y;
}

// Least squares A C = B (A n × m, B n × k, consistent system) by CGLS on all columns;
// falls back to a Householder QR when it stalls.
std::vector<double> solve_consistent(int n, int m, int k, const std::vector<double>& A, const std::vector<double>& B) {
  std::vector<double> C(std::size_t(m) * k, 0.0), R(B), S(std::size_t(m) * k), P, Q(std::size_t(n) * k);
  dgemm(true, false, m, k, n, 1.0, A.data(), n, R.data(), n, 0.0, S.data(), m);
  P = S;
  auto colnorm2 = [](const std::vector<double>& v, int rows, int j) {
    double s = 0;
    for (int i = 0; i < rows; ++i) s += v[std::size_t(j) * rows + i] * v[std::size_t(j) * rows + i];
    return s;
  };
  std::vector<double> gamma(k), bnorm(k);
  for (int j = 0; j < k; ++j) gamma[j] = colnorm2(S, m, j), bnorm[j] = std::sqrt(colnorm2(B, n, j));
  for (int it = 0; it < 400; ++it) {
    dgemm(false, false, n, k, m, 1.0, A.data(), n, P.data(), m, 0.0, Q.data(), n);
    double worst = 0;
    for (int j = 0; j < k; ++j) {
      const double q2 = colnorm2(Q, n, j), alpha = q2 > 0 ? gamma[j] / q2 : 0.0;
      for (int i = 0; i < m; ++i) C[std::size_t(j) * m + i] += alpha * P[std::size_t(j) * m + i];
      for (int i = 0; i < n; ++i) R[std::size_t(j) * n + i] -= alpha * Q[std::size_t(j) * n + i];
      worst = std::max(worst, std::sqrt(colnorm2(R, n, j)) / std::max(bnorm[j], 1e-300));
    }
    if (worst < 1e-13) return C;
    dgemm(true, false, m, k, n, 1.0, A.data(), n, R.data(), n, 0.0, S.data(), m);
    for (int j = 0; j < k; ++j) {
      const double g = colnorm2(S, m, j), beta = gamma[j] > 0 ? g / gamma[j] : 0.0;
      gamma[j] = g;
      for (int i = 0; i < m; ++i)
        P[std::size_t(j) * m + i] = S[std::size_t(j) * m + i] + beta * P[std::size_t(j) * m + i];
    }
  }
  std::vector<double> rhs(B);
  LeastSquares(n, m, A).solve(k, rhs.data());
  for (int j = 0; j < k; ++j) std::copy_n(rhs.data() + std::size_t(j) * n, m, C.data() + std::size_t(j) * m);
  return C;
}

}  // namespace

bool all_signed_permutations(const std::vector<Isometry>& gens) {
  for (const Isometry& g : gens) {
    const int d = g.dim;
    for (double v : g.t)
      if (v != 0.0) return false;
    for (int i = 0; i < d; ++i) {
      int nz = 0;
      for (int j = 0; j < d; ++j) {
        const double v = g.P[std::size_t(i) * d + j];
        if (v == 1.0 || v == -1.0)
          ++nz;
        else if (v != 0.0)
          return false;
      }
      if (nz != 1) return false;
    }
  }
  return true;
}

HarmonicInvariantPolys harmonic_invariant_polys(int dim, int degree, const std::vector<Isometry>& gens) {
  if (!all_signed_permutations(gens))
    throw std::invalid_argument("harmonic_invariant_polys: every generator must be a signed permutation matrix");
  for (const Isometry& g : gens)
    if (g.dim != dim) throw std::invalid_argument("harmonic_invariant_polys: generator of the wrong dimension");
  HarmonicInvariantPolys h;
  h.dim = dim;
  h.degree = degree;
  const Orbits top = signed_orbits(dim, degree, gens);
  const int nk = int(top.classes.size());
  std::vector<double> N;  // null basis of L (nk × count)
  int count = nk;
  if (degree >= 2 && nk > 0) {
    const Orbits low = signed_orbits(dim, degree - 2, gens);
    const int nl = int(low.classes.size());
    // L[c', c] = coefficient of class c' (read at its root) in Δ P_c.
    std::vector<double> L(std::size_t(nl) * nk, 0.0);
    std::vector<int> nu(dim);
    for (int c = 0; c < nk; ++c)
      for (const auto& [m, s] : top.classes[c])
        for (int i = 0; i < dim; ++i) {
          const int e = top.mono[m][i];
          if (e < 2) continue;
          nu = top.mono[m];
          nu[i] -= 2;
          const int r = low.class_of_root[low.index.at(nu)];
          if (r >= 0) L[std::size_t(c) * nl + r] += s * double(e) * (e - 1);
        }
    std::vector<double> G(std::size_t(nk) * nk), w;
    dgemm(true, false, nk, nk, nl, 1.0, L.data(), nl, L.data(), nl, 0.0, G.data(), nk);
    double scale = 1.0;
    for (int i = 0; i < nk; ++i) scale = std::max(scale, G[std::size_t(i) * nk + i]);
    symmetric_eigen(nk, G, w);
    count = int(std::count_if(w.begin(), w.end(), [&](double v) { return v < 1e-10 * scale; }));
    G.resize(std::size_t(nk) * count);
    N = std::move(G);
  } else {
    N.assign(std::size_t(nk) * nk, 0.0);
    for (int c = 0; c < nk; ++c) N[std::size_t(c) * nk + c] = 1.0;
  }
  h.count = count;
  // Monomials used and the coefficient matrix nmono × count.
  std::vector<int> row(top.mono.size(), -1);
  for (const auto& cls : top.classes)
    for (const auto& ms : cls) {
      row[ms.first] = int(h.exponents.size() / std::size_t(std::max(dim, 1)));
      h.exponents.insert(h.exponents.end(), top.mono[ms.first].begin(), top.mono[ms.first].end());
    }
  const std::size_t nm = h.exponents.size() / std::size_t(std::max(dim, 1));
  h.coef.assign(nm * count, 0.0);
  for (int c = 0; c < nk; ++c)
    for (const auto& [m, s] : top.classes[c])
      for (int j = 0; j < count; ++j) h.coef[std::size_t(j) * nm + row[m]] = s * N[std::size_t(j) * nk + c];
  return h;
}

SpaceInvariants invariant_space_monomial(const Manifold& M, const Eigenspace& e, const std::vector<Isometry>& gens) {
  if (!M.supports_monomial_route())
    throw std::invalid_argument("invariant_space_monomial: " + M.describe() + " has no monomial route (spheres only)");
  const HarmonicInvariantPolys h = harmonic_invariant_polys(M.dim(), e.label, gens);
  const int m = int(e.m), k = h.count, d = M.dim();
  if (k == 0) return finish_invariants(e, nullptr, {}, 0, "monomial");
  const auto basis = M.eigenbasis({e});
  const std::size_t n = 3 * std::size_t(m) + 16;  // collocation points: well-conditioned Φ(X)
  std::vector<double> x(n * d);
  for (std::size_t i = 0; i < n; ++i) {
    double s2 = 0;
    for (int c = 0; c < d; ++c)
      s2 += (x[i * d + c] = rng_normal(kPointSeed, std::uint64_t(e.label), i * d + c)) * x[i * d + c];
    for (int c = 0; c < d; ++c) x[i * d + c] /= std::sqrt(s2);
  }
  std::vector<double> Phi(n * m);
  basis->evaluate_space(0, x.data(), n, Phi.data(), n);
  const std::vector<double> Y = evaluate_polys(h, x.data(), n);
  std::vector<double> V = solve_consistent(int(n), m, k, Phi, Y);
  orthonormalize_columns(m, k, V);
  SpaceInvariants out = finish_invariants(e, nullptr, std::move(V), k, "monomial");
  // Residual by sampling: the invariant functions at fresh points and at their images.
  const std::size_t ns = 512;
  std::vector<double> xs(ns * d), gx(ns * d), Ps(ns * m), Fs(ns * k), Fg(ns * k);
  for (std::size_t i = 0; i < ns; ++i) {
    double s2 = 0;
    for (int c = 0; c < d; ++c)
      s2 += (xs[i * d + c] = rng_normal(kPointSeed + 1, std::uint64_t(e.label), i * d + c)) * xs[i * d + c];
    for (int c = 0; c < d; ++c) xs[i * d + c] /= std::sqrt(s2);
  }
  basis->evaluate_space(0, xs.data(), ns, Ps.data(), ns);
  dgemm(false, false, int(ns), k, m, 1.0, Ps.data(), int(ns), out.Q.data(), m, 0.0, Fs.data(), int(ns));
  for (const Isometry& g : gens) {
    for (std::size_t i = 0; i < ns; ++i) M.map_point(g, &xs[i * d], &gx[i * d]);
    basis->evaluate_space(0, gx.data(), ns, Ps.data(), ns);
    dgemm(false, false, int(ns), k, m, 1.0, Ps.data(), int(ns), out.Q.data(), m, 0.0, Fg.data(), int(ns));
    for (std::size_t i = 0; i < Fs.size(); ++i) out.residual = std::max(out.residual, std::fabs(Fg[i] - Fs[i]));
  }
  return out;
}

}  // namespace specavg
