#pragma once
// The invariant-ring route (`-basis_method ring`): invariant harmonics of S^{d−1} under a
// group of signed permutations straight from the orbit types of monomials
// (group/orbit_types.hpp), never in an eigenbasis of size m. Plain C++.
//
// Each eigenspace (degree k) gets SpaceInvariants with method "ring", k = its number of
// invariant harmonics, Q empty, and ring_terms/ring_coef: an orthonormal basis (normalized
// measure) of the invariant harmonics as polynomials in the orbit sums. These functions
// span the same space as the Q_λᵀ φ_λ of the other routes, in another orthonormal basis.
// The residual is max over generators and 64 fixed sample points of |h(g x) − h(x)|.
#include <memory>
#include <vector>

#include "specavg/basis/manifold.hpp"
#include "specavg/group/invariant_basis.hpp"
#include "specavg/group/orbit_types.hpp"
#include "specavg/group/torus_orbits.hpp"

namespace specavg {

// Whether the route applies: a sphere manifold (Manifold::supports_monomial_route()), at
// least one generator, and every generator a signed permutation; or the torus
// (torus_orbit_route_applies: signed permutations with shifts in multiples of 1/2).
bool ring_route_applies(const Manifold& M, const std::vector<Isometry>& gens);

// Invariants of every eigenspace in `spaces` (degree labels) and the orbit types they refer
// to (kmax = the largest label). Throws std::invalid_argument if the route does not apply.
std::vector<SpaceInvariants> invariant_spaces_ring(const Manifold& M, const std::vector<Eigenspace>& spaces,
                                                   const std::vector<Isometry>& gens,
                                                   std::shared_ptr<const OrbitTypes>* types);

// The k functions of one ring eigenspace at nb points from the orbit-sum values V
// (OrbitSumEvaluator: V[t * nb + i]) and r2[i] = |x_i|²: out[j * ld + i], overwritten.
void ring_space_values(const SpaceInvariants& s, const OrbitTypes& T, const double* V, const double* r2,
                       std::size_t nb, double* out, std::size_t ld);

// Estimated floating-point operations of the route (auto's choice against the other routes),
// sphere or torus.
double ring_route_cost(const Manifold& M, const std::vector<Eigenspace>& spaces, const std::vector<Isometry>& gens);

// The torus form of the route (group/torus_orbits.hpp): every shell in `spaces` gets
// SpaceInvariants with method "ring", k = its number of consistent mode orbits, Q empty,
// ring_terms = the indices of those orbits in *orbits (ψ_j = the normalized orbit sum of
// orbit ring_terms[j]) and ring_coef empty. Residual: max over generators and 64 fixed
// sample points of |ψ(g x) − ψ(x)|. Throws std::invalid_argument if it does not apply.
std::vector<SpaceInvariants> invariant_spaces_torus(const Manifold& M, const std::vector<Eigenspace>& spaces,
                                                    const std::vector<Isometry>& gens,
                                                    std::shared_ptr<const TorusOrbits>* orbits);
double torus_ring_route_cost(const Manifold& M, const std::vector<Eigenspace>& spaces,
                             const std::vector<Isometry>& gens);

}  // namespace specavg
