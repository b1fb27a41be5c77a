#pragma once
// How the generators of a group act on one eigenspace V_λ:
// φ_λ(g_j x) = D_j φ_λ(x) with D_j orthogonal m_λ × m_λ. The invariant subspace is
// ker C, C = Σ_j (2I − D_j − D_jᵀ) (symmetric positive semidefinite, spectrum in [0, 4r]).
//
// Implementations: collocation (any basis, basis/collocation_action.hpp; D_jᵀ = Φ(X)⁺ Φ(g_j X)
// applied without forming D_j) and sparse exact matrices (e.g. the torus Fourier basis under
// signed permutations + shifts). A manifold picks one in Manifold::eigenspace_action.
// Plain C++; apply() is const and may be called concurrently only if the
// implementation says so (collocation owns workspaces and is not thread-safe;
// sparse_action is).
#include <cstddef>
#include <memory>
#include <vector>

namespace specavg {

struct SparseRows;

class EigenspaceAction {
 public:
  virtual ~EigenspaceAction() = default;
  virtual int m() const = 0;
  virtual int ngenerators() const = 0;
  // Y = D_j X (transpose = false) or Y = D_jᵀ X; X and Y are m × nv, column-major.
  virtual void apply(int j, bool transpose, int nv, const double* X, int ldx, double* Y, int ldy) const = 0;
  // D_jᵀ as an m × m column-major matrix (the row-major storage of D_j). The default
  // applies D_jᵀ to blocks of 64 identity columns; override when D_j is stored.
  virtual std::vector<double> dense_transpose(int j) const;
  // Approximate flops of one apply() with nv = 1 (cost models, reports).
  virtual double apply_flops() const = 0;
  // The exact sparse D_j, one per generator, when the action stores them (else nullptr):
  // solvers split C into blocks over the connected components of their pattern.
  virtual const std::vector<SparseRows>* sparse_rows() const { return nullptr; }
};

// Y = C X = Σ_j (2X − D_j X − D_jᵀ X), X and Y m × nv column-major (Y must not alias X).
// Uses one m × nv workspace per call; with no generators (r = 0) Y = 0. One call with nv
// columns is what makes collocation actions BLAS-3: prefer blocks to single vectors.
void apply_constraint(const EigenspaceAction& a, int nv, const double* X, int ldx, double* Y, int ldy);

// Sparse D_j in compressed-row form: row a of D_j holds D_j[a, col[p]] = val[p] for
// p in [rowptr[a], rowptr[a+1]) (repeated columns add up; columns need not be sorted).
struct SparseRows {
  int m = 0;
  std::vector<int> rowptr, col;
  std::vector<double> val;
};
// An action over CSR matrices: apply(transpose = false) is the CSR product, transpose = true
// the transposed product (no transpose is stored). All generators must share m > 0, rowptr
// must have m + 1 non-decreasing entries from 0 to col.size() == val.size(), and columns lie
// in [0, m); otherwise std::invalid_argument (also for an empty list: m would be unknown).
// apply() uses no workspace, so this action may be applied concurrently.
std::unique_ptr<EigenspaceAction> sparse_action(std::vector<SparseRows> generators);

}  // namespace specavg
