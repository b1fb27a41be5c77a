#include "specavg/group/invariant_basis.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <stdexcept>
#include <string>

#include "specavg/group/monomial_invariants.hpp"
#include "specavg/group/wigner_invariants.hpp"
#include "specavg/util/counter_rng.hpp"
#include "specavg/util/dense_linalg.hpp"

namespace specavg {
namespace {

constexpr std::uint64_t kCanonicalSeed = 0x5EC7A16;
void check_label(int l, const char* who) {
  if (l < 0) throw std::invalid_argument(std::string(who) + ": degree l must be >= 0, got " + std::to_string(l));
}

}  // namespace

std::vector<double> null_space_dense(const EigenspaceAction& a, double null_tol, int* k) {
  const int m = a.m(), r = a.ngenerators();
  const std::size_t mm = std::size_t(m) * m;
  std::vector<double> C(mm, 0.0);
  for (int i = 0; i < m; ++i) C[std::size_t(i) * m + i] = 2.0 * r;
  for (int j = 0; j < r; ++j) {
    const std::vector<double> M = a.dense_transpose(j);
    for (int c = 0; c < m; ++c)
      for (int i = 0; i < m; ++i)  // M_ic + M_ci is commutative: C stays exactly symmetric
        C[std::size_t(c) * m + i] -= M[std::size_t(c) * m + i] + M[std::size_t(i) * m + c];
  }
  std::vector<double> w;
  symmetric_eigen(m, C, w);
  const double thresh = null_tol * std::max(1, r);
  *k = int(std::count_if(w.begin(), w.end(), [thresh](double v) { return v < thresh; }));
  C.resize(std::size_t(m) * *k);  // eigenvalues ascending: the null space comes first
  return C;
}

namespace {

// Rows with Σ_j V_ij² < 1e-18 set to exactly 0, then Q = orth(V Vᵀ E): with T = Vᵀ E =
// Q_T R (R's diagonal positive), V Vᵀ E = (V Q_T) R is the unique QR of P E, so Q = V Q_T;
// factoring the small T keeps Q inside span V. E depends on (label, salt) only.
std::vector<double> canonical_basis(std::vector<double> V, int m, int k, int label, std::uint64_t salt) {
  if (k == 0) return {};
  for (int i = 0; i < m; ++i) {
    double s = 0;
    for (int j = 0; j < k; ++j) s += V[std::size_t(j) * m + i] * V[std::size_t(j) * m + i];
    if (s < 1e-18)
      for (int j = 0; j < k; ++j) V[std::size_t(j) * m + i] = 0.0;
  }
  std::vector<double> E(std::size_t(m) * k);
  for (int j = 0; j < k; ++j)
    for (int i = 0; i < m; ++i)
      E[std::size_t(j) * m + i] =
          2.0 * rng_uniform(kCanonicalSeed + salt, std::uint64_t(label), std::uint64_t(i) + std::uint64_t(m) * j) - 1.0;
  std::vector<double> T(std::size_t(k) * k), Q(std::size_t(m) * k, 0.0);
  dgemm(true, false, k, k, m, 1.0, V.data(), m, E.data(), m, 0.0, T.data(), k);
  orthonormalize_columns(k, k, T);
  dgemm(false, false, m, k, k, 1.0, V.data(), m, T.data(), k, 0.0, Q.data(), m);
  return Q;
}

}  // namespace

void SpaceInvariants::apply_transpose(const double* c, double* psi) const {
  if (sparse) {
    for (int j = 0; j < k; ++j) {
      const int r0 = sparse_rows[2 * j], r1 = sparse_rows[2 * j + 1];
      psi[j] = r0 == r1 ? sparse_vals[2 * j] * c[r0] : sparse_vals[2 * j] * c[r0] + sparse_vals[2 * j + 1] * c[r1];
    }
    return;
  }
  for (int j = 0; j < k; ++j) {
    const double* q = Q.data() + std::size_t(j) * std::size_t(m);
    double sum = 0;
    for (int i = 0; i < m; ++i) sum += q[i] * c[i];
    psi[j] = sum;
  }
}

void SpaceInvariants::apply_add(const double* a, double* c) const {
  if (sparse) {
    for (int j = 0; j < k; ++j) {
      const int r0 = sparse_rows[2 * j], r1 = sparse_rows[2 * j + 1];
      c[r0] += sparse_vals[2 * j] * a[j];
      if (r1 != r0) c[r1] += sparse_vals[2 * j + 1] * a[j];
    }
    return;
  }
  for (int j = 0; j < k; ++j) {
    const double* q = Q.data() + std::size_t(j) * std::size_t(m);
    const double aj = a[j];
    for (int i = 0; i < m; ++i) c[i] += q[i] * aj;
  }
}

std::vector<double> SpaceInvariants::dense() const {
  if (!sparse) return Q;
  std::vector<double> D(std::size_t(m) * std::size_t(k), 0.0);
  for (int j = 0; j < k; ++j) {
    const int r0 = sparse_rows[2 * j], r1 = sparse_rows[2 * j + 1];
    D[std::size_t(j) * m + r0] += sparse_vals[2 * j];
    if (r1 != r0) D[std::size_t(j) * m + r1] += sparse_vals[2 * j + 1];
  }
  return D;
}

SpaceInvariants finish_invariants(const Eigenspace& e, const EigenspaceAction* a, std::vector<double> V, int k,
                                  const std::string& method, bool canonical) {
  SpaceInvariants out;
  out.label = e.label;
  out.lambda = e.lambda;
  out.m = int(e.m);
  out.k = k;
  out.method = method;
  const int m = out.m;
  if (k == 0) return out;
  out.Q = canonical ? canonical_basis(std::move(V), m, k, e.label, 0) : std::move(V);
  if (a) {
    std::vector<double> R(std::size_t(m) * k);
    for (int j = 0; j < a->ngenerators(); ++j) {
      a->apply(j, true, k, out.Q.data(), m, R.data(), m);
      for (std::size_t i = 0; i < R.size(); ++i) out.residual = std::max(out.residual, std::fabs(R[i] - out.Q[i]));
    }
  }
  return out;
}

SpaceInvariants invariant_space_dense(const Manifold& M, const Eigenspace& e, const std::vector<Isometry>& gens,
                                      double null_tol) {
  const int m = int(e.m);
  if (gens.empty()) {  // every function is invariant: Q = I exactly
    SpaceInvariants out = finish_invariants(e, nullptr, {}, 0, "trivial");
    out.k = m;
    out.Q.assign(std::size_t(m) * m, 0.0);
    for (int i = 0; i < m; ++i) out.Q[std::size_t(i) * m + i] = 1.0;
    return out;
  }
  const auto a = M.eigenspace_action(e, gens);
  int k = 0;
  std::vector<double> V = null_space_dense(*a, null_tol, &k);
  return finish_invariants(e, a.get(), std::move(V), k, "dense");
}

namespace {

// Connected components of the union of the patterns of D_j (rows and columns): C is
// block diagonal over them. Union–find with path halving; components sorted by their
// smallest index, members ascending.
std::vector<std::vector<int>> sparse_components(const std::vector<SparseRows>& mats, int m) {
  std::vector<int> parent(m);
  for (int i = 0; i < m; ++i) parent[i] = i;
  auto find = [&](int a) {
    while (parent[a] != a) a = parent[a] = parent[parent[a]];
    return a;
  };
  for (const SparseRows& D : mats)
    for (int a = 0; a < m; ++a)
      for (int p = D.rowptr[a]; p < D.rowptr[a + 1]; ++p) {
        const int x = find(a), y = find(D.col[p]);
        if (x != y) parent[std::max(x, y)] = std::min(x, y);
      }
  std::vector<int> id(m, -1);
  std::vector<std::vector<int>> comps;
  for (int i = 0; i < m; ++i) {
    const int r = find(i);
    if (id[r] < 0) id[r] = int(comps.size()), comps.emplace_back();
    comps[id[r]].push_back(i);
  }
  return comps;
}

SparseRows restrict_rows(const SparseRows& D, const std::vector<int>& comp, const std::vector<int>& local) {
  SparseRows R;
  R.m = int(comp.size());
  R.rowptr.assign(1, 0);
  for (int a : comp) {
    for (int p = D.rowptr[a]; p < D.rowptr[a + 1]; ++p) {
      R.col.push_back(local[D.col[p]]);
      R.val.push_back(D.val[p]);
    }
    R.rowptr.push_back(int(R.col.size()));
  }
  return R;
}

}  // namespace

SpaceInvariants invariant_space(const Manifold& M, const Eigenspace& e, const std::vector<Isometry>& gens,
                                std::size_t dense_max, double null_tol, const NullSpaceSolver& large,
                                MonomialRoute monomial) {
  if (gens.empty()) return invariant_space_dense(M, e, gens, null_tol);
  if (M.supports_monomial_route() && monomial != MonomialRoute::Never && all_signed_permutations(gens) &&
      (monomial == MonomialRoute::Always || e.m > dense_max))
    return invariant_space_monomial(M, e, gens);
  const int m = int(e.m);
  bool used_large = false;
  auto solve = [&](const EigenspaceAction& a, int* k) {
    // Tiny blocks (orbits of a few modes) are always dense: an iterative solver gains nothing.
    if (std::size_t(a.m()) <= dense_max || !large || a.m() < 4) return null_space_dense(a, null_tol, k);
    used_large = true;
    return large(a, k);
  };
  const auto full = M.eigenspace_action(e, gens);
  const std::vector<SparseRows>* mats = full->sparse_rows();
  if (!mats) {
    int k = 0;
    std::vector<double> V = solve(*full, &k);
    return finish_invariants(e, full.get(), std::move(V), k, used_large ? "slepc" : "dense");
  }
  std::vector<int> local(m, -1);
  std::vector<double> V;  // m × k, grown block by block
  int k = 0;
  for (const std::vector<int>& comp : sparse_components(*mats, m)) {
    for (std::size_t i = 0; i < comp.size(); ++i) local[comp[i]] = int(i);
    std::vector<SparseRows> sub;
    for (const SparseRows& D : *mats) sub.push_back(restrict_rows(D, comp, local));
    const auto a = sparse_action(std::move(sub));
    int kb = 0;
    // Canonical within the block (salted by its first mode), so Q keeps the block
    // structure: under sign flips every invariant is a single cosine product.
    std::vector<double> null_block = solve(*a, &kb);
    const std::vector<double> Vb =
        canonical_basis(std::move(null_block), int(comp.size()), kb, e.label, 1 + std::uint64_t(comp[0]));
    for (int j = 0; j < kb; ++j) {
      V.resize(V.size() + std::size_t(m), 0.0);
      double* col = V.data() + std::size_t(k + j) * m;
      for (std::size_t i = 0; i < comp.size(); ++i) col[comp[i]] = Vb[std::size_t(j) * comp.size() + i];
    }
    k += kb;
  }
  return finish_invariants(e, full.get(), std::move(V), k, used_large ? "slepc" : "dense", false);
}

std::vector<Mat3> mat3_generators(const std::vector<Isometry>& gens) {
  std::vector<Mat3> out;
  for (const Isometry& g : gens) {
    if (g.dim != 3 || g.P.size() != 9)
      throw std::invalid_argument("the Wigner route needs 3x3 generators (S^2), got one of dimension " +
                                  std::to_string(g.dim));
    Mat3 a;
    std::copy(g.P.begin(), g.P.end(), a.begin());
    out.push_back(a);
  }
  return out;
}

std::vector<SpaceInvariants> invariant_spaces_wigner(const std::vector<Eigenspace>& spaces,
                                                     const std::vector<Isometry>& gens, double null_tol) {
  int top = 0;
  for (std::size_t i = 0; i < spaces.size(); ++i) {
    if (i > 0 && spaces[i].label < spaces[i - 1].label)
      throw std::invalid_argument("invariant_spaces_wigner: labels must be ascending");
    top = std::max(top, spaces[i].label);
  }
  WignerInvariants W(mat3_generators(gens), top, null_tol);
  std::vector<SpaceInvariants> out;
  for (const Eigenspace& e : spaces) out.push_back(W.solve(e.label));
  return out;
}

std::vector<double> representation_matrix(int l, const Mat3& g) {
  check_label(l, "representation_matrix");
  const ManifoldPtr M = make_manifold("s2", 3);
  return M->eigenspace_action(M->eigenspace_of(l), {isometry_from_mat3(g)})->dense_transpose(0);
}

SpaceInvariants invariant_subspace(int l, const std::vector<Mat3>& gens, double null_tol) {
  check_label(l, "invariant_subspace");
  const ManifoldPtr M = make_manifold("s2", 3);
  std::vector<Isometry> iso;
  for (const Mat3& g : gens) iso.push_back(isometry_from_mat3(g));
  return invariant_space_dense(*M, M->eigenspace_of(l), iso, null_tol);
}

}  // namespace specavg
