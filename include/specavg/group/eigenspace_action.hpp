#pragma once
// How the generators of a group act on one eigenspace V_λ (DESIGN.md §1):
// φ_λ(g_j x) = D_j φ_λ(x) with D_j orthogonal m_λ × m_λ. The invariant subspace is
// ker C, C = Σ_j (2I − D_j − D_jᵀ) (symmetric positive semidefinite, spectrum in [0, 4r]).
//
// Implementations: collocation (any basis; D_jᵀ = Φ(X)⁺ Φ(g_j X) applied without forming
// D_j) and sparse exact matrices (torus Fourier basis under signed permutations + shifts).
// Plain C++; apply() is const and may be called concurrently only if the
// implementation says so (the built-in ones are not thread-safe: they own workspaces).
#include <cstddef>
#include <memory>
#include <vector>

namespace specavg {

class EigenspaceAction {
 public:
  virtual ~EigenspaceAction() = default;
  virtual int m() const = 0;
  virtual int ngenerators() const = 0;
  // Y = D_j X (transpose = false) or Y = D_jᵀ X; X and Y are m × nv, column-major.
  virtual void apply(int j, bool transpose, int nv, const double* X, int ldx, double* Y, int ldy) const = 0;
  // D_jᵀ as an m × m column-major matrix (the row-major storage of D_j).
  virtual std::vector<double> dense_transpose(int j) const;
  // Approximate flops of one apply() with nv = 1 (cost models, reports).
  virtual double apply_flops() const = 0;
};

// Y = C X = Σ_j (2X − D_j X − D_jᵀ X), X and Y m × nv column-major (Y must not alias X).
void apply_constraint(const EigenspaceAction& a, int nv, const double* X, int ldx, double* Y, int ldy);

// Sparse D_j in compressed-row form: row a of D_j holds D_j[a, col[p]] = val[p] for
// p in [rowptr[a], rowptr[a+1]).
struct SparseRows {
  int m = 0;
  std::vector<int> rowptr, col;
  std::vector<double> val;
};
std::unique_ptr<EigenspaceAction> sparse_action(std::vector<SparseRows> generators);

}  // namespace specavg
