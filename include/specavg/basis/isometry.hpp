#pragma once
// Isometries of the manifolds of specavg, x → P x + t, for points with d coordinates: their
// algebra, the two families the built-in manifolds accept, and (small) enumeration.
//
// Conventions
//  * P is d × d row-major: (g x)_i = Σ_j P[i·d + j] x_j + t_i.
//  * Spheres S^{d−1}: P orthogonal, t = 0. Tori T^d = [−1, 1)^d with period 2 in every
//    coordinate: P a signed permutation matrix, t any real shift (taken modulo 2).
//  * Composition: compose(a, b) is x → a(b(x)), i.e. P = P_a P_b, t = P_a t_b + t_a.
//  * An empty t means t = 0 everywhere; results of this file always carry dim shifts.
//  * Plain C++ (no MPI/PETSc): errors are std::invalid_argument with a user-facing text.
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace specavg {

struct Isometry {
  int dim = 0;
  std::vector<double> P;  // dim × dim, row-major
  std::vector<double> t;  // dim (all zero on spheres)
};

Isometry isometry_identity(int dim);
Isometry isometry_compose(const Isometry& a, const Isometry& b);  // x → a(b(x))
Isometry isometry_inverse(const Isometry& g);                     // x → Pᵀ(x − t)
// y = P x + t (no wrapping; y may alias x).
void isometry_apply(const Isometry& g, const double* x, double* y);
// The representative of v modulo `period` in [−period/2, period/2) (exact for any finite
// v; NaN for non-finite v). The torus uses period 2 (torus_fourier.hpp: torus_wrap).
double wrap_periodic(double v, double period);

// Both: every generator has the dimension of generator 0 (≥ 1), P.size() = dim², t.size()
// = dim or 0, all entries finite. Spheres: t = 0 and max|PᵀP − I| ≤ tol. Tori: P entries
// in {0, ±1} (within tol), exactly one non-zero per row and column; any shift t.
// Throws std::invalid_argument naming `source` (e.g. "group file 'g.h5'"), the 0-based
// generator index, what is wrong and what is expected. The caller checks dim against M.
void validate_sphere_isometries(const std::vector<Isometry>& gens, const std::string& source, double tol = 1e-9);
void validate_torus_isometries(const std::vector<Isometry>& gens, const std::string& source, double tol = 1e-9);

// Closure of the generators under composition (breadth first; elements compared entrywise
// to 1e-8, shifts compared modulo `period` when it is > 0: Manifold::translation_period()). std::nullopt once more than `cap` elements
// exist. For `specavg info -order` and synthetic targets only, never for learning.
// The identity comes first; with a period the returned shifts are wrapped to
// [−period/2, period/2).
// With no generators the result is {isometry_identity(0)} (order 1; the dimension is
// unknown here). Non-finite or growing entries give std::nullopt (an infinite set);
// generators of different shapes throw std::invalid_argument.
std::optional<std::vector<Isometry>> enumerate_isometries(const std::vector<Isometry>& gens, std::size_t cap,
                                                          double period);
// The former flag form (torus or not) would silently convert to a period: refused.
std::optional<std::vector<Isometry>> enumerate_isometries(const std::vector<Isometry>&, std::size_t, bool) = delete;

}  // namespace specavg
