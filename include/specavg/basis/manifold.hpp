#pragma once
// The manifolds of specavg behind one interface, their Laplace–Beltrami eigenspaces and
// cutoffs. Plain C++ (no MPI/PETSc); errors are std::invalid_argument.
//
// Implementations, registered under their `-manifold` name (basis/manifold_registry.cpp):
//   s2      S² ⊂ R³ with the real spherical harmonics Y_ℓm (basis/s2_manifold.hpp;
//           eigenspace label ℓ, λ = ℓ(ℓ+1), m = 2ℓ+1)
//   sphere  S^{d−1} ⊂ R^d, d ≥ 2, with Gegenbauer-chain harmonics (basis/sphere_manifold.hpp;
//           label k, λ = k(k+d−2))
//   torus   T^d = [−1, 1)^d, period 2, with Fourier products (basis/torus_manifold.hpp;
//           label n = |κ|², λ = π² n; empty shells skipped)
// Conventions every implementation keeps:
//  * Bases are orthonormal for the normalized volume measure (constant function ≡ 1).
//  * Eigenspaces are labelled 0, 1, 2, ... with λ non-decreasing in the label; a label may
//    be empty (m = 0). A feature's penalty uses its λ.
//  * Points are row-major n × dim(); isometries act as x → P x + t (basis/isometry.hpp).
//  * D_λ(g) is defined by φ_λ(g x) = D_λ(g) φ_λ(x) and is orthogonal.
// Nothing outside the implementations asks which manifold it has: it calls these methods
// (docs/extending.md shows how to add one).
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "specavg/basis/eigenspace_action.hpp"
#include "specavg/basis/isometry.hpp"

namespace specavg {

struct Eigenspace {
  int label = 0;  // degree (spheres) or |κ|² (torus)
  double lambda = 0.0;
  std::size_t m = 1;  // multiplicity
};

// Exactly one of the three cutoffs is used (the first that is set, in this order).
struct Cutoff {
  int lmax = -1;           // manifolds with a degree cutoff: all labels ≤ lmax
  double lambda_max = -1;  // all eigenspaces with λ ≤ lambda_max (relative slack 1e-9)
  long long nbasis = -1;   // smallest λ-cutoff holding ≥ nbasis functions (whole eigenspaces)
  bool set() const { return lmax >= 0 || lambda_max >= 0 || nbasis >= 0; }
  std::string describe() const;
};

class EigenBasis;

// The conventions of a manifold's eigenbasis, as written into model and output files so
// that a coefficient file can be read without this code: the order of the functions, their
// normalization and their sign/phase choice.
struct BasisConventions {
  std::string ordering, normalization, phase;
};

// Kernels that are truncated series over the eigenspaces (sobolev) stop at this label.
constexpr int kSobolevDegree = 64;

// A positive-definite kernel K(x, y) on a manifold, invariant under its isometries:
// K(gx, gy) = K(x, y). Created by Manifold::kernel; estimate/kernel.hpp is the user side.
class ManifoldKernel {
 public:
  virtual ~ManifoldKernel() = default;
  // out[i*ldo + j] (+)= scale · K(x_i, y_j) for nx points X and ny points Y (row-major).
  virtual void block(const double* X, std::size_t nx, const double* Y, std::size_t ny, double* out, std::size_t ldo,
                     double scale, bool accumulate) const = 0;
  // Eigenvalue μ of f ↦ ∫ K(·, y) f(y) dy (normalized measure) on eigenspace e; throws for
  // a kernel that is not a function of the Laplacian (its μ differ inside an eigenspace).
  virtual double space_eigenvalue(const Eigenspace& e) const = 0;
  // Terms of the series where it stops (degree or 1D frequency); −1 for closed forms.
  virtual int terms() const { return -1; }
};

// Always held by std::shared_ptr (make_manifold): objects that need the manifold later keep
// shared_from_this(). Immutable once made; every method is const and thread-safe.
class Manifold : public std::enable_shared_from_this<Manifold> {
 public:
  virtual ~Manifold() = default;
  Manifold(const Manifold&) = delete;
  Manifold& operator=(const Manifold&) = delete;

  // --- Identity ---
  virtual std::string name() const = 0;      // the `-manifold` name it is registered under
  virtual std::string describe() const = 0;  // e.g. "S^9 (sphere in R^10, ...)"
  int dim() const { return dim_; }           // coordinates per point

  // --- Spectrum ---
  virtual Eigenspace eigenspace_of(int label) const = 0;
  virtual std::string label_name() const = 0;             // what a label is: "degree", "|k|^2"
  // Whether -lmax (every label ≤ lmax) is a meaningful cutoff here.
  virtual bool has_degree_cutoff() const = 0;
  // A degree cutoff commands may use when none is given; −1: none (use -nbasis).
  virtual int default_lmax() const { return -1; }
  // Increasing cutoffs for sweeps (bench): -lmax values where has_degree_cutoff(), else
  // -lambda_max values.
  virtual std::vector<double> cutoff_ladder() const = 0;

  // --- Eigenbasis ---
  // Block evaluation of the basis over the given eigenspaces (basis/eigen_basis.hpp).
  virtual std::unique_ptr<EigenBasis> eigenbasis(std::vector<Eigenspace> spaces) const = 0;
  // Whether evaluating a few functions of one eigenspace costs only those functions (torus);
  // false when the basis comes from recurrences that produce every lower label (spheres).
  virtual bool partial_evaluation() const = 0;
  virtual BasisConventions basis_conventions() const = 0;

  // --- Points ---
  // How far x is from the manifold (0 on it); non-finite input gives +inf.
  virtual double defect(const double* x) const = 0;
  // Largest defect accepted for input data, and what is wrong with a point beyond it and
  // how to fix it ("is off the unit sphere ...: normalize the points to unit length").
  virtual double point_tolerance() const = 0;
  virtual std::string off_manifold(double defect) const = 0;
  // Moves a point near the manifold (a validated input point, or the image of one under a
  // generator orthogonal to ~1e-9) exactly onto it in double precision, in place: spheres
  // x / |x|; the torus leaves it unchanged (its basis is periodic).
  virtual void project(double* x) const = 0;
  // y = g·x, again a valid point of the manifold (default: the isometry, then project();
  // the torus wraps every coordinate to [−1, 1)). y may alias x.
  virtual void map_point(const Isometry& g, const double* x, double* y) const;
  // Point i of the uniform sample for `seed`: a pure function of (seed, i), so synthetic
  // data do not depend on how rows are split over ranks.
  virtual void sample_uniform(std::uint64_t seed, std::uint64_t i, double* x) const = 0;
  // A point of the manifold from any vector z of R^d (in place; centres of synthetic bumps).
  virtual void place(double* z) const = 0;
  // A smooth bump around c, 1 at x = c, of sharpness κ, with bump(gx, gc) = bump(x, c).
  virtual double bump(const double* x, const double* c, double kappa) const = 0;

  // --- Synthetic targets (`synth -target`) ---
  // The closed-form test function `name`, or an empty function when it is not defined here.
  // The base class defines "paper", f*(x) = (1/d) Σ_i i·x_i² (Soleymani et al., ICML 2025;
  // invariant under sign flips); implementations add their own (their headers list them).
  virtual std::function<double(const double*)> closed_form_target(const std::string& name) const;
  // The closed forms `-target auto` tries, in order, before the group-averaged bumps.
  virtual std::vector<std::string> auto_targets() const { return {"powersum", "even", "paper"}; }

  // --- Isometries ---
  // Generators must be isometries of the manifold with dim() coordinates; throws naming
  // `source` and the generator.
  void validate_isometries(const std::vector<Isometry>& gens, const std::string& source) const;
  // Translations t are taken modulo this period in every coordinate (torus: 2); 0 when the
  // isometries carry no translation (spheres).
  virtual double translation_period() const = 0;
  // The action D_λ(g_j) of the generators on eigenspace e.
  std::unique_ptr<EigenspaceAction> eigenspace_action(const Eigenspace& e, const std::vector<Isometry>& gens) const;
  // Whether eigenspace_action() gives exact sparse matrices (no collocation set-up): cost models.
  virtual bool sparse_actions() const = 0;
  // Whether invariants under signed permutations may use group/monomial_invariants.hpp
  // (harmonic polynomials: spheres).
  virtual bool supports_monomial_route() const { return false; }
  // Whether invariants under signed permutations with shifts in multiples of 1/2 may use the
  // mode orbits of group/torus_orbits.hpp (the real Fourier basis of the torus).
  virtual bool supports_mode_orbit_route() const { return false; }
  // Whether the exact Wigner route of group/wigner_invariants.hpp applies: 3×3 orthogonal
  // generators acting on the real spherical harmonics of basis/sphere_harmonics.hpp (S²).
  virtual bool supports_wigner_route() const { return false; }

  // --- Kernels (`-krr_kernel`) ---
  virtual std::string default_kernel() const = 0;
  // Kernel `name` (heat, sobolev, vmf, vonmises) with width > 0; throws for a kernel that
  // does not exist here, naming the ones that do.
  virtual std::unique_ptr<ManifoldKernel> kernel(const std::string& name, double width) const = 0;

 protected:
  explicit Manifold(int dim) : dim_(dim) {}
  // Called by validate_isometries() once the dimensions match.
  virtual void check_isometries(const std::vector<Isometry>& gens, const std::string& source) const = 0;
  // Called by eigenspace_action() once the dimensions match.
  virtual std::unique_ptr<EigenspaceAction> make_action(const Eigenspace& e,
                                                        const std::vector<Isometry>& gens) const = 0;

 private:
  int dim_;
};

using ManifoldPtr = std::shared_ptr<const Manifold>;

// The registry (basis/manifold_registry.cpp). Throws for unknown names (listing the known
// ones) or an impossible dimension.
ManifoldPtr make_manifold(const std::string& name, int dim);
// The dimension implied by the name (s2: 3), or −1 when -dim must be given.
int manifold_default_dim(const std::string& name);
std::vector<std::string> manifold_names();  // registration order

// The non-empty eigenspaces within the cutoff, λ ascending. Throws for a cutoff that
// does not apply (-lmax without a degree cutoff) or that would exceed max_functions
// basis functions.
std::vector<Eigenspace> eigenspaces_within(const Manifold& M, const Cutoff& c, std::size_t max_functions = 50000000);

}  // namespace specavg
