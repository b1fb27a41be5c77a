// The invariant harmonics of one degree from the orbit types (group/orbit_types.hpp):
// harmonic projection in closed form, exact Gram matrix, pivoted Cholesky, all in the
// space of orbit sums (never of size m).
#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

#include "specavg/group/orbit_types.hpp"

namespace specavg {

RingSpace ring_space(const OrbitTypes& T, int k) {
  if (k < 0 || k > T.kmax()) throw std::invalid_argument("ring_space: degree outside 0..kmax");
  RingSpace out;
  out.degree = k;
  const int n = T.count(k), r = n - T.count(k - 2), d = T.dim();
  if (r <= 0) return out;
  const int J = k / 2;
  using LD = long double;
  // Λ_j = L_{k−2j+2} ⋯ L_k (count(k−2j) × n, column-major): Δ^j O_μ = Σ_α Λ_j[α, μ] O_α.
  std::vector<std::vector<LD>> lam(std::size_t(J) + 1);
  lam[0].assign(std::size_t(n) * n, 0.0L);
  for (int i = 0; i < n; ++i) lam[0][std::size_t(i) * n + i] = 1.0L;
  for (int j = 1; j <= J; ++j) {
    const int rows = T.count(k - 2 * j), mid = T.count(k - 2 * j + 2);
    const std::vector<double> L = T.laplacian(k - 2 * j + 2);
    lam[j].assign(std::size_t(rows) * n, 0.0L);
    for (int c = 0; c < n; ++c)
      for (int q = 0; q < mid; ++q) {
        const LD v = lam[j - 1][std::size_t(c) * mid + q];
        if (v != 0.0L)
          for (int p = 0; p < rows; ++p) lam[j][std::size_t(c) * rows + p] += L[std::size_t(q) * rows + p] * v;
      }
  }
  std::vector<LD> cj(std::size_t(J) + 1, 1.0L);
  for (int j = 0; j < J; ++j) cj[j + 1] = -cj[j] / (2.0L * (j + 1) * (d + 2 * k - 2 * j - 4));
  // G[μ, ν] = ⟨H O_μ, O_ν⟩ = Σ_j c_j Σ_α Λ_j[α, μ] ⟨O_α, O_ν⟩ (H is the orthogonal projection).
  std::vector<LD> G(std::size_t(n) * n, 0.0L), norm2(n);
  for (int j = 0; j <= J; ++j) {
    const int rows = T.count(k - 2 * j), f = T.first(k - 2 * j);
    for (int a = 0; a < rows; ++a) {
      const LD size = T.orbit_size(f + a);
      for (int nu = 0; nu < n; ++nu) {
        const LD ip = size * T.rep_moment(f + a, T.first(k) + nu);  // ⟨O_α, O_ν⟩
        if (j == 0 && a == nu) norm2[nu] = ip;
        if (ip == 0.0L) continue;
        for (int mu = 0; mu < n; ++mu) G[std::size_t(nu) * n + mu] += cj[j] * lam[j][std::size_t(mu) * rows + a] * ip;
      }
    }
  }
  // Scale by the norms of the orbit sums, symmetrize, and factor with pivoting: exactly r
  // pivots (dim H_k^G = n_k − n_{k−2}); the rest must have vanished.
  std::vector<LD> s(n);
  for (int i = 0; i < n; ++i) s[i] = std::sqrt(norm2[i]);
  std::vector<LD> W(std::size_t(n) * n);
  for (int i = 0; i < n; ++i)
    for (int j = 0; j < n; ++j)
      W[std::size_t(j) * n + i] = 0.5L * (G[std::size_t(j) * n + i] + G[std::size_t(i) * n + j]) / (s[i] * s[j]);
  std::vector<int> piv;
  std::vector<char> used(n, 0);
  std::vector<LD> Lc(std::size_t(n) * r, 0.0L);  // columns l_p with W ≈ Σ_p l_p l_pᵀ
  LD last = 0.0L;
  for (int p = 0; p < r; ++p) {
    int best = -1;
    for (int i = 0; i < n; ++i)
      if (!used[i] && (best < 0 || W[std::size_t(i) * n + i] > W[std::size_t(best) * n + best])) best = i;
    last = W[std::size_t(best) * n + best];
    if (!(last > 1e-24L))
      throw std::runtime_error("invariant-ring route: the Gram matrix of degree " + std::to_string(k) +
                               " lost rank (pivot " + std::to_string(double(last)) + ")");
    used[best] = 1;
    piv.push_back(best);
    const LD sq = std::sqrt(last);
    for (int i = 0; i < n; ++i) Lc[std::size_t(p) * n + i] = W[std::size_t(best) * n + i] / sq;
    for (int j = 0; j < n; ++j)
      for (int i = 0; i < n; ++i) W[std::size_t(j) * n + i] -= Lc[std::size_t(p) * n + i] * Lc[std::size_t(p) * n + j];
  }
  LD rest = 0.0L;
  for (int i = 0; i < n; ++i)
    if (!used[i]) rest = std::max(rest, std::fabs(W[std::size_t(i) * n + i]));
  if (!(rest < 1e-6L * last))
    throw std::runtime_error("invariant-ring route: the harmonic parts of degree " + std::to_string(k) +
                             " do not separate (remaining pivot " + std::to_string(double(rest)) + ")");
  // With S = piv and L_S = Lc[S, :] (lower triangular), G_SS = L_S L_Sᵀ; the functions
  // h = (H O_S / s_S) B with B = L_S^{-T} (upper triangular) are orthonormal.
  std::vector<LD> B(std::size_t(r) * r, 0.0L);
  for (int c = 0; c < r; ++c) {  // column c of B solves L_Sᵀ b = e_c (back substitution)
    for (int i = r - 1; i >= 0; --i) {
      LD v = i == c ? 1.0L : 0.0L;
      for (int q = i + 1; q < r; ++q) v -= Lc[std::size_t(i) * n + piv[q]] * B[std::size_t(c) * r + q];
      B[std::size_t(c) * r + i] = v / Lc[std::size_t(i) * n + piv[i]];
    }
  }
  out.count = r;
  for (int j = 0; j <= J; ++j) {
    const int rows = T.count(k - 2 * j), f = T.first(k - 2 * j);
    for (int a = 0; a < rows; ++a) {
      std::vector<double> row(r);
      bool nz = false;
      for (int c = 0; c < r; ++c) {
        LD v = 0.0L;
        for (int p = 0; p < r; ++p) v += lam[j][std::size_t(piv[p]) * rows + a] / s[piv[p]] * B[std::size_t(c) * r + p];
        row[c] = double(cj[j] * v);
        nz = nz || row[c] != 0.0;
      }
      if (!nz) continue;
      out.terms.push_back(f + a);
      out.coef.insert(out.coef.end(), row.begin(), row.end());  // row-major for now
    }
  }
  // Row-major terms × r → column-major.
  const std::size_t nt = out.terms.size();
  std::vector<double> cm(nt * r);
  for (std::size_t t = 0; t < nt; ++t)
    for (int c = 0; c < r; ++c) cm[std::size_t(c) * nt + t] = out.coef[t * r + c];
  out.coef = std::move(cm);
  return out;
}

}  // namespace specavg
