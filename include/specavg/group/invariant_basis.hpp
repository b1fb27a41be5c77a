#pragma once
// Invariant subspaces of Laplace–Beltrami eigenspaces under a group given by generators
// (Spectral Averaging). Plain C++ (the SLEPc path is parallel/invariant_eps.hpp).
//
// Conventions
//  * D(g) is defined by φ_λ(g x) = D(g) φ_λ(x) (basis of the manifold's header); the
//    manifold provides it (Manifold::eigenspace_action: exact Wigner matrices on S²,
//    collocation on S^{d−1}, exact sparse matrices on the torus).
//  * f = cᵀφ_λ is invariant iff D(g_j)ᵀ c = c for every generator; the invariant subspace
//    is ker C_λ, C_λ = Σ_j (2I − D_j − D_jᵀ).
//  * Q (m × k, column-major, ld = m) is a *canonical* orthonormal basis of ker C_λ:
//    Q = orth(P E) with P the projector onto ker C_λ and E a fixed pseudo-random m × k
//    matrix (seeded by the eigenspace label), R's diagonal positive. Q depends only on the
//    subspace, not on the eigensolver, so models are reproducible across rank counts and
//    solver paths. Rows of the null basis with Σ_j V_ij² < 1e-18 (basis functions outside
//    the invariant subspace's support, e.g. sine products under sign flips) are set to
//    exactly 0 first, so Q keeps that sparsity. On the torus C is block diagonal over
//    orbits of modes and the canonical form is taken block by block (E salted by the
//    block), so Q is block sparse as well (any manifold with sparse actions).
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "specavg/basis/manifold.hpp"
#include "specavg/basis/eigenspace_action.hpp"
#include "specavg/basis/isometry.hpp"
#include "specavg/group/point_group.hpp"

namespace specavg {

struct SpaceInvariants {
  int label = 0;          // degree (spheres) or |κ|² (torus)
  double lambda = 0.0;    // Laplace–Beltrami eigenvalue
  int m = 1;              // multiplicity of the eigenspace
  int k = 0;              // dimension of the invariant subspace
  std::vector<double> Q;  // m × k, column-major (empty on the ring route and in block-sparse form)
  // Block-sparse form (sparse = true; the exact Wigner route when every generator maps the
  // z-axis to ±z in the identity frame: Cs, Ci, C<n>, D<n>h, ... on S²): column t of Q is
  // sparse_vals[2t] e_{sparse_rows[2t]} + sparse_vals[2t+1] e_{sparse_rows[2t+1]}, rows in
  // 0..m−1 within the eigenspace. When both rows are equal the column has one entry,
  // sparse_vals[2t], and sparse_vals[2t+1] is 0 and ignored. Q stays empty: O(k) storage
  // instead of O(m k). Consumers use apply_transpose/apply_add, or dense() where a small
  // dense Q is genuinely needed (tests, diagnostics).
  bool sparse = false;
  std::vector<int> sparse_rows;      // 2k
  std::vector<double> sparse_vals;   // 2k
  double residual = 0.0;  // max_j max_entry |D(g_j)ᵀ Q − Q|
  std::string method;     // "trivial" (no generators), "dense", "slepc", "monomial", "wigner" or "ring"
  // Ring route (group/ring_invariants.hpp): ψ_j = Σ_i ring_coef[i, j] |x|^{label − deg} O_{ring_terms[i]}
  // over the orbit types of the basis (ring_coef terms × k, column-major); Q stays empty.
  // On the torus (group/torus_orbits.hpp) ring_terms are the k mode orbits of the shell and
  // ring_coef is empty: ψ_j = |orbit|^{−1/2} Σ σ_β φ_β over orbit ring_terms[j].
  std::vector<int> ring_terms;
  std::vector<double> ring_coef;
  double seconds = 0.0;   // time spent computing it (0 when read from a model file)

  // Whether Q is held in either matrix form (dense or block sparse), i.e. not the ring route.
  bool has_q() const { return k == 0 || sparse || Q.size() == std::size_t(m) * std::size_t(k); }
  // psi[j] = Σ_i Q[i, j] c[i] for j < k (c has m entries): a gather in block-sparse form.
  void apply_transpose(const double* c, double* psi) const;
  // c[i] += Σ_j Q[i, j] a[j] for i < m: a scatter in block-sparse form.
  void apply_add(const double* a, double* c) const;
  // Q as m × k column-major in either form (copies; allocates m·k doubles).
  std::vector<double> dense() const;
  // Stored entries of Q (2k in block-sparse form, m·k dense).
  std::size_t stored_entries() const { return sparse ? sparse_vals.size() : Q.size(); }
};

// Orthonormal basis (m × k, column-major) of ker C from the dense symmetric eigensolver;
// eigenvalues below null_tol · max(1, r) count as zero.
std::vector<double> null_space_dense(const EigenspaceAction& a, double null_tol, int* k);

// Canonical Q (see above) from any orthonormal null basis V (m × k), and the residual
// (canonical = false: V is already canonical and used as is).
SpaceInvariants finish_invariants(const Eigenspace& e, const EigenspaceAction* a, std::vector<double> V, int k,
                                  const std::string& method, bool canonical = true);

// Dense path end to end (no generators: the whole eigenspace, Q = I).
SpaceInvariants invariant_space_dense(const Manifold& M, const Eigenspace& e, const std::vector<Isometry>& gens,
                                      double null_tol = 1e-8);

// General path, with the action of Manifold::eigenspace_action. When that action is sparse
// (EigenspaceAction::sparse_rows(), e.g. the torus), C is block diagonal over the connected
// components of the generators' sparsity pattern (orbits of modes): each component is
// solved on its own. A block (otherwise: the whole eigenspace) of size ≤ dense_max goes
// to the dense solver, a larger one to `large` (the SLEPc path of parallel/invariant_eps.hpp;
// may be empty when dense_max is large enough). `method` reports "dense", "slepc" or
// "trivial"; the residual is measured with the full action.
// Where Manifold::supports_monomial_route() and every generator is a signed permutation,
// eigenspaces above dense_max (or all, with monomial = Always) use the exact monomial route
// of group/monomial_invariants.hpp instead (no O(m³) work; method "monomial").
using NullSpaceSolver = std::function<std::vector<double>(const EigenspaceAction& a, int* k)>;
enum class MonomialRoute { Never, AboveDenseMax, Always };
SpaceInvariants invariant_space(const Manifold& M, const Eigenspace& e, const std::vector<Isometry>& gens,
                                std::size_t dense_max, double null_tol, const NullSpaceSolver& large,
                                MonomialRoute monomial = MonomialRoute::Never);

// The exact Wigner route of group/wigner_invariants.hpp for manifolds with
// Manifold::supports_wigner_route() (S²): the eigenspaces `spaces` (labels ascending, all
// ≤ lmax) through one WignerInvariants, so the Wigner rows advance once. method "wigner".
// Throws std::invalid_argument for generators that are not 3×3.
std::vector<SpaceInvariants> invariant_spaces_wigner(const std::vector<Eigenspace>& spaces,
                                                     const std::vector<Isometry>& gens, double null_tol = 1e-8);
// The 3×3 matrices of sphere isometries of dimension 3 (throws otherwise).
std::vector<Mat3> mat3_generators(const std::vector<Isometry>& gens);

// S² conveniences for 3×3 point groups: D_l(g) row-major (2l+1)², and degree-l invariants.
std::vector<double> representation_matrix(int l, const Mat3& g);
SpaceInvariants invariant_subspace(int l, const std::vector<Mat3>& gens, double null_tol = 1e-8);

}  // namespace specavg
