#pragma once
// Invariant harmonics of degree k on S^{d−1} under signed-permutation generators, found
// algebraically in the monomial basis (plain C++). A signed permutation maps every
// monomial x^μ to ±x^ν, so the invariant polynomials of degree k are spanned by signed
// orbit sums of monomials (orbits from union–find over the generators: the group is
// never enumerated; orbits on which the signs contradict carry no invariant). The
// harmonic ones are the kernel of the Laplacian Δ: P_k^G → P_{k−2}^G, a small matrix
// (11 × 5 for Sym(10), k = 6). Their coefficients in the manifold's eigenbasis are then
// fitted by least squares at collocation points (CGLS, no O(m³) factorization), which
// is exact because the polynomials lie in the eigenspace.
#include <vector>

#include "specavg/basis/manifold.hpp"
#include "specavg/group/invariant_basis.hpp"
#include "specavg/basis/isometry.hpp"

namespace specavg {

// Every generator is a signed permutation matrix (entries exactly 0 or ±1) with t = 0.
bool all_signed_permutations(const std::vector<Isometry>& gens);

struct HarmonicInvariantPolys {
  int dim = 0, degree = 0, count = 0;
  std::vector<int> exponents;  // nmono × dim, the monomials used
  std::vector<double> coef;    // nmono × count, column-major: h_j = Σ_μ coef[μ, j] x^μ
};

// Throws std::invalid_argument unless all generators are signed permutations of R^dim.
HarmonicInvariantPolys harmonic_invariant_polys(int dim, int degree, const std::vector<Isometry>& gens);

// Eigenspace e of a sphere manifold (s2 or sphere) by the monomial route. The residual is
// max_j max |f(g_j x) − f(x)| over fixed sample points and the orthonormal invariant
// functions f (= the coefficient residual up to sampling). method = "monomial".
SpaceInvariants invariant_space_monomial(const Manifold& M, const Eigenspace& e, const std::vector<Isometry>& gens);

}  // namespace specavg
