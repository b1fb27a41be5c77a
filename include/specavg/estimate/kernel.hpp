#pragma once
// Positive-definite kernels on the manifolds of basis/manifold.hpp, for the kernel-ridge
// baselines (plain C++, no MPI/PETSc).
//
// Kernels (`-krr_kernel`, width `-krr_width`; each manifold defines which exist and how
// they are computed, see its header in basis/):
//   heat      Σ_λ e^{−tλ} Σ_r φ_{λ,r}(x) φ_{λ,r}(y), width t > 0 (spheres and torus)
//   sobolev   Σ_k (1 + λ_k)^{−s} N(d,k) P_k(x·y), width s > 0, truncated at degree
//             kSobolevDegree (spheres)
//   vmf       von Mises–Fisher exp(κ (x·y − 1)), width κ > 0 (spheres, K(x, x) = 1)
//   vonmises  product von Mises exp(η Σ_i cos π(x_i − y_i)), width η > 0 (torus), as in
//             Soleymani et al. (ICML 2025); K(x, x) = e^{ηd}
// Every kernel is invariant under the isometries of its manifold: K(gx, gy) = K(x, y).
// The φ are orthonormal for the normalized measure (basis/manifold.hpp), so heat and
// sobolev have K(x, x) = Σ_λ w_λ m_λ.
#include <memory>
#include <string>
#include <vector>

#include "specavg/basis/isometry.hpp"
#include "specavg/basis/manifold.hpp"

namespace specavg {

enum class KernelKind { Heat, Sobolev, VonMisesFisher, ProductVonMises };

struct KernelSpec {
  KernelKind kind = KernelKind::VonMisesFisher;
  double width = 1.0;  // t, s, κ or η
};

// Throws std::invalid_argument listing the valid names.
KernelKind parse_kernel(const std::string& name);
const char* kernel_name(KernelKind k);
// The manifold's default (vmf on spheres, vonmises on the torus).
KernelKind default_kernel(const Manifold& M);

class Kernel {
 public:
  // Throws std::invalid_argument for a kernel that does not exist on M or a width ≤ 0.
  Kernel(const Manifold& M, const KernelSpec& spec);

  // out[i*ldo + j] (+)= scale · K(x_i, y_j) for nx points X and ny points Y (row-major,
  // dim columns).
  void block(const double* X, std::size_t nx, const double* Y, std::size_t ny, double* out, std::size_t ldo,
             double scale = 1.0, bool accumulate = false) const;
  double operator()(const double* x, const double* y) const;

  // Eigenvalue μ of the integral operator f ↦ ∫ K(·, y) f(y) dy (normalized measure) on
  // the eigenspace e, for kernels that are functions of the Laplacian: heat, sobolev and
  // vmf (Funk–Hecke: μ_k = ∫ K(t) P_k(t) (1−t²)^{(d−3)/2} dt / ∫ (1−t²)^{(d−3)/2} dt).
  // Throws for vonmises, whose eigenvalues differ inside a torus eigenspace.
  double space_eigenvalue(const Eigenspace& e) const;

  const Manifold& manifold() const { return *M_; }
  const KernelSpec& spec() const { return spec_; }
  std::string describe() const;  // e.g. "vmf, kappa = 8"
  // Degree (spheres) or 1D frequency (torus heat) where the series stops; −1 for closed forms.
  int terms() const { return impl_->terms(); }

 private:
  ManifoldPtr M_;
  KernelSpec spec_;
  std::shared_ptr<const ManifoldKernel> impl_;  // shared: Kernel is copyable
};

}  // namespace specavg
