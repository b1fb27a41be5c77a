#pragma once
// Invariant subspaces of the degree-l spherical harmonics under a group given by
// generators (Spectral Averaging, DESIGN.md §1).
//
// Conventions
//  * Harmonics as in basis/sphere_harmonics.hpp; degree l has m_l = 2l+1 functions,
//    local order index r = m + l (m = −l..l).
//  * D_l(g) is (2l+1)×(2l+1), row-major, defined by φ_l(g x) = D_l(g) φ_l(x). It is
//    computed to rounding by collocation: Φ_l(gX) = Φ_l(X) D_l(g)ᵀ at 4(2l+1) fixed
//    well-conditioned points X, solved by least squares (O(l³) per degree and generator).
//    It is orthogonal to rounding.
//  * f = cᵀφ_l is invariant iff D_l(g)ᵀ c = c for every generator g. The invariant
//    subspace is ker C_l, C_l = Σ_j (2I − D_j − D_jᵀ) (symmetric positive semidefinite).
//  * Q (m_l × k_l, column-major, ld = m_l) is a *canonical* orthonormal basis of
//    ker C_l: Q = orth(P E) with P the orthogonal projector onto ker C_l and E a fixed
//    pseudo-random m_l × k_l matrix (seeded by l), R's diagonal made positive. Q thus
//    depends only on the subspace, not on the eigensolver's choice inside the
//    degenerate null space, so coefficients are reproducible across rank counts.
#include <vector>

#include "specavg/group/point_group.hpp"

namespace specavg {

std::vector<double> representation_matrix(int l, const Mat3& g);

struct DegreeInvariants {
  int l = 0;
  int m = 1;              // 2l+1
  int k = 0;              // dim of the invariant subspace
  std::vector<double> Q;  // m × k, column-major
  double residual = 0.0;  // max_j max_entry |D_l(g_j)ᵀ Q − Q|
};

// Null-space threshold: eigenvalues of C_l below null_tol · max(1, #generators).
DegreeInvariants invariant_subspace(int l, const std::vector<Mat3>& gens, double null_tol = 1e-8);

}  // namespace specavg
