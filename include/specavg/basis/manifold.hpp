#pragma once
// The manifolds of specavg, their Laplace–Beltrami eigenspaces and cutoffs
// (DESIGN.md §1). Plain C++ (no MPI/PETSc); errors are std::invalid_argument.
//
// Manifolds (`-manifold`):
//   s2      S² ⊂ R³ with the real spherical harmonics Y_ℓm of basis/sphere_harmonics.hpp
//           (the foundation path; eigenspace label ℓ, λ = ℓ(ℓ+1), m = 2ℓ+1)
//   sphere  S^{d−1} ⊂ R^d, d ≥ 2, with the Gegenbauer-chain harmonics of
//           basis/hypersphere_harmonics.hpp (label k, λ = k(k+d−2))
//   torus   T^d = [−1, 1)^d, period 2, with the Fourier products of
//           basis/torus_fourier.hpp (label n = |κ|², λ = π² n; empty shells skipped)
// All bases are orthonormal for the normalized volume measure (constant function ≡ 1).
// Eigenspaces are ordered by λ ascending; a feature's penalty uses its λ.
#include <cstddef>
#include <string>
#include <vector>

#include "specavg/group/isometry.hpp"

namespace specavg {

enum class ManifoldKind { S2, Sphere, Torus };

struct Manifold {
  ManifoldKind kind = ManifoldKind::S2;
  int dim = 3;  // coordinates per point
  std::string name() const;
  std::string describe() const;  // e.g. "S^9 (sphere in R^10)"
  bool is_torus() const { return kind == ManifoldKind::Torus; }
};

// Throws for unknown names or an impossible dimension (s2 needs dim 3).
Manifold make_manifold(const std::string& name, int dim);

struct Eigenspace {
  int label = 0;  // degree (spheres) or |κ|² (torus)
  double lambda = 0.0;
  std::size_t m = 1;  // multiplicity
};

Eigenspace eigenspace_of(const Manifold& M, int label);

// Exactly one of the three cutoffs is used (the first that is set, in this order).
struct Cutoff {
  int lmax = -1;           // spheres: all degrees ≤ lmax
  double lambda_max = -1;  // all eigenspaces with λ ≤ lambda_max (relative slack 1e-9)
  long long nbasis = -1;   // smallest λ-cutoff holding ≥ nbasis functions (whole eigenspaces)
  bool set() const { return lmax >= 0 || lambda_max >= 0 || nbasis >= 0; }
  std::string describe() const;
};

// The non-empty eigenspaces within the cutoff, λ ascending. Throws for a cutoff that
// does not apply (-lmax on the torus) or that would exceed max_functions basis functions.
std::vector<Eigenspace> eigenspaces_within(const Manifold& M, const Cutoff& c, std::size_t max_functions = 50000000);

// How far x is from the manifold: | |x| − 1 | on spheres; on the torus the largest
// excess of a coordinate outside [−1, 1]. Non-finite input gives +inf.
double manifold_defect(const Manifold& M, const double* x);

// The conventions of M's eigenbasis, as written into model and output files so that a
// coefficient file can be read without this code: the order of the functions, their
// normalization and their sign/phase choice (details in the basis headers).
struct BasisConventions {
  std::string ordering, normalization, phase;
};
BasisConventions basis_conventions(const Manifold& M);

// Moves a validated point (small defect) exactly onto M in double precision: spheres
// x / |x|; the torus leaves points unchanged (coordinates within tolerance of [-1, 1]
// are already valid, the basis being periodic).
void project_to_manifold(const Manifold& M, double* x);

// y = g·x on the manifold: spheres re-normalize (generators are orthogonal to ~1e-9),
// the torus wraps every coordinate to [−1, 1). y may alias x.
void map_point(const Manifold& M, const Isometry& g, const double* x, double* y);

// Generators must be isometries of M (orthogonal on spheres, signed permutation plus
// shift on the torus) of dimension M.dim; throws naming `source` and the generator.
void validate_isometries(const Manifold& M, const std::vector<Isometry>& gens, const std::string& source);

}  // namespace specavg
