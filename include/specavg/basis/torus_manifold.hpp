#pragma once
// The flat torus T^d = [−1, 1)^d, period 2 (`-manifold torus`, 1 ≤ d ≤ 64), behind the
// Manifold interface.
//
//  * Basis: the real Fourier products of basis/torus_fourier.hpp; eigenspace label n = |κ|²
//    (a shell, possibly empty), λ = π² n. There is no degree cutoff (-lmax).
//  * Isometries: x → P x + t with P a signed permutation and any shift t (modulo 2). D_λ(g)
//    is exact and sparse (TorusShell::action).
//  * Points: coordinates in [−1, 1] within 1e-9 for input data; map_point wraps to [−1, 1).
//  * Kernels:
//      heat      Π_i (1 + 2 Σ_k e^{−tπ²k²} cos πk(x_i − y_i)), width t; the 1D series stops
//                when a term falls below 1e-17
//      vonmises  exp(η Σ_i cos π(x_i − y_i)) (default; Soleymani et al., ICML 2025), width η;
//                not a function of the Laplacian (no eigenvalues per eigenspace)
//  * Synthetic bumps exp(κ(Σ_i cos π(x_i − c_i) − d)/d); closed-form targets, with
//    c_i = cos πx_i, s_i = sin πx_i:
//      powersum  mean(s) + mean(c)² + mean(s∘c)/2 (permutations)
//      even      mean(c) + mean(c)² + mean(c∘c∘c)/2 (signed permutations)
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "specavg/basis/eigen_basis.hpp"
#include "specavg/basis/manifold.hpp"

namespace specavg {

class TorusManifold final : public Manifold {
 public:
  explicit TorusManifold(int dim);  // throws unless 1 ≤ dim ≤ 64

  std::string name() const override { return "torus"; }
  std::string describe() const override;
  Eigenspace eigenspace_of(int label) const override;
  std::string label_name() const override { return "|k|^2"; }
  bool has_degree_cutoff() const override { return false; }
  std::vector<double> cutoff_ladder() const override;

  std::unique_ptr<EigenBasis> eigenbasis(std::vector<Eigenspace> spaces) const override;
  bool partial_evaluation() const override { return true; }
  BasisConventions basis_conventions() const override;

  double defect(const double* x) const override;
  double point_tolerance() const override { return 1e-9; }
  std::string off_manifold(double defect) const override;
  void project(double* x) const override {}  // coordinates within tolerance of [−1, 1] are valid
  void map_point(const Isometry& g, const double* x, double* y) const override;
  void sample_uniform(std::uint64_t seed, std::uint64_t i, double* x) const override;
  void place(double* z) const override;
  double bump(const double* x, const double* c, double kappa) const override;
  std::function<double(const double*)> closed_form_target(const std::string& name) const override;

  double translation_period() const override { return 2.0; }
  bool sparse_actions() const override { return true; }
  bool supports_mode_orbit_route() const override { return true; }

  std::string default_kernel() const override { return "vonmises"; }
  std::unique_ptr<ManifoldKernel> kernel(const std::string& name, double width) const override;

 protected:
  void check_isometries(const std::vector<Isometry>& gens, const std::string& source) const override;
  std::unique_ptr<EigenspaceAction> make_action(const Eigenspace& e, const std::vector<Isometry>& gens) const override;
};

ManifoldPtr make_torus_manifold(int dim);

}  // namespace specavg
