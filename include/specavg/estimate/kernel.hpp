#pragma once
// Positive-definite kernels on the manifolds of basis/manifold.hpp, for the kernel-ridge
// baselines (plain C++, no MPI/PETSc).
//
// Kernels (`-krr_kernel`, width `-krr_width`):
//   heat      Σ_λ e^{−tλ} Σ_r φ_{λ,r}(x) φ_{λ,r}(y), width t > 0. Spheres S^{d−1} by the
//             addition theorem, Σ_k e^{−t k(k+d−2)} N(d,k) P_k(x·y) with P_k the Gegenbauer
//             polynomial C_k^{(d−2)/2} normalized to P_k(1) = 1 (Legendre on S², Chebyshev
//             on S¹); torus: Π_i (1 + 2 Σ_k e^{−tπ²k²} cos πk(x_i − y_i)). The series stop
//             when a term falls below 1e-17 of the first.
//   sobolev   Σ_k (1 + λ_k)^{−s} N(d,k) P_k(x·y), width s > 0, spheres only, truncated at
//             degree kSobolevDegree (a finite-rank kernel; s > (d−1)/2 keeps it bounded as the
//             truncation grows).
//   vmf       von Mises–Fisher exp(κ (x·y − 1)), width κ > 0, spheres only (K(x, x) = 1).
//   vonmises  product von Mises exp(η Σ_i cos π(x_i − y_i)), width η > 0, torus only, as
//             in Soleymani et al. (ICML 2025); K(x, x) = e^{ηd}.
// Every kernel is invariant under the isometries of its manifold: K(gx, gy) = K(x, y).
// The φ are orthonormal for the normalized measure (basis/manifold.hpp), so heat and
// sobolev have K(x, x) = Σ_λ w_λ m_λ.
#include <string>
#include <vector>

#include "specavg/basis/manifold.hpp"
#include "specavg/group/isometry.hpp"

namespace specavg {

enum class KernelKind { Heat, Sobolev, VonMisesFisher, ProductVonMises };

constexpr int kSobolevDegree = 64;

struct KernelSpec {
  KernelKind kind = KernelKind::VonMisesFisher;
  double width = 1.0;  // t, s, κ or η
};

// Throws std::invalid_argument listing the valid names.
KernelKind parse_kernel(const std::string& name);
const char* kernel_name(KernelKind k);
// vmf on spheres, vonmises on the torus.
KernelKind default_kernel(const Manifold& M);

class Kernel {
 public:
  // Throws std::invalid_argument for a kernel that does not exist on M or a width ≤ 0.
  Kernel(const Manifold& M, const KernelSpec& spec);

  // out[i*ldo + j] (+)= scale · K(x_i, y_j) for nx points X and ny points Y (row-major,
  // dim columns). The inner products go through DGEMM (torus: of [cos πx, sin πx]),
  // then the kernel's scalar function is applied element-wise.
  void block(const double* X, std::size_t nx, const double* Y, std::size_t ny, double* out, std::size_t ldo,
             double scale = 1.0, bool accumulate = false) const;
  double operator()(const double* x, const double* y) const;

  // Eigenvalue μ of the integral operator f ↦ ∫ K(·, y) f(y) dy (normalized measure) on
  // the eigenspace e, for kernels that are functions of the Laplacian: heat, sobolev and
  // vmf (Funk–Hecke: μ_k = ∫ K(t) P_k(t) (1−t²)^{(d−3)/2} dt / ∫ (1−t²)^{(d−3)/2} dt).
  // Throws for vonmises, whose eigenvalues differ inside a torus eigenspace.
  double space_eigenvalue(const Eigenspace& e) const;

  const Manifold& manifold() const { return M_; }
  const KernelSpec& spec() const { return spec_; }
  std::string describe() const;  // e.g. "vmf, kappa = 8"
  // Degree (spheres) or 1D frequency (torus heat) where the series stops; 0 for closed forms.
  int terms() const { return int(coef_.size()) - 1; }

 private:
  // Points → the coordinates whose inner products the kernel needs (spheres: x itself;
  // torus: [cos πx_1.., sin πx_1..], or per-coordinate pairs for heat).
  void lift(const double* X, std::size_t n, std::vector<double>* Z) const;
  double scalar(double u) const;  // K as a function of the inner product (not torus heat)

  Manifold M_;
  KernelSpec spec_;
  std::vector<double> coef_;  // addition-theorem weights a_k / C_k(1), or 1D heat weights
  double alpha_ = 0.0;        // Gegenbauer index (d − 2)/2
};

}  // namespace specavg
