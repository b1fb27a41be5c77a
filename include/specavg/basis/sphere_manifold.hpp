#pragma once
// S^{d−1} ⊂ R^d (`-manifold sphere`, 2 ≤ d ≤ 64) behind the Manifold interface.
//
//  * Basis: the Gegenbauer-chain harmonics of basis/hypersphere_harmonics.hpp; eigenspace
//    label k (degree), λ = k(k+d−2), m = N(d, k).
//  * Isometries: orthogonal P, t = 0. D_λ(g) by collocation (basis/collocation_action.hpp)
//    at fixed pseudo-random points; signed permutations may take the monomial route.
//  * Points: |x| = 1 within 1e-6 for input data; map_point re-normalizes.
//  * Kernels (functions of x·y, by the addition theorem with the Gegenbauer polynomials
//    P_k = C_k^{(d−2)/2} normalized to P_k(1) = 1: Legendre on S², Chebyshev on S¹):
//      heat     Σ_k e^{−t k(k+d−2)} N(d,k) P_k(x·y), width t; stops below 1e-17 of the first
//      sobolev  Σ_{k ≤ kSobolevDegree} (1 + λ_k)^{−s} N(d,k) P_k(x·y), width s
//      vmf      exp(κ (x·y − 1)) (default; eigenvalues by Funk–Hecke quadrature)
//  * Synthetic bumps exp(κ(c·x − 1)); closed-form targets, with u = √d x and
//    p_j = (1/d) Σ u_i^j:
//      powersum  p_3 + (p_4 − 3)/2 + p_3²/4 (permutations; degree 6)
//      even      (p_4 − 3)/2 + (p_6 − 15)/10 + (p_4 − 3)²/8 (signed permutations; degree 8)
// S² (s2_manifold.hpp) is this manifold for d = 3 with the real spherical harmonics.
#include <algorithm>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "specavg/basis/eigen_basis.hpp"
#include "specavg/basis/manifold.hpp"

namespace specavg {

class SphereManifold : public Manifold {
 public:
  explicit SphereManifold(int dim);  // throws unless 2 ≤ dim ≤ 64

  std::string name() const override { return "sphere"; }
  std::string describe() const override;
  Eigenspace eigenspace_of(int label) const override;
  std::string label_name() const override { return "degree"; }
  bool has_degree_cutoff() const override { return true; }
  std::vector<double> cutoff_ladder() const override { return {2, 4, 6}; }

  std::unique_ptr<EigenBasis> eigenbasis(std::vector<Eigenspace> spaces) const override;
  bool partial_evaluation() const override { return false; }
  BasisConventions basis_conventions() const override;

  double defect(const double* x) const override;
  double point_tolerance() const override { return 1e-6; }
  std::string off_manifold(double defect) const override;
  void project(double* x) const override;
  void sample_uniform(std::uint64_t seed, std::uint64_t i, double* x) const override;
  void place(double* z) const override;
  double bump(const double* x, const double* c, double kappa) const override;
  std::function<double(const double*)> closed_form_target(const std::string& name) const override;

  double translation_period() const override { return 0.0; }
  bool sparse_actions() const override { return false; }
  bool supports_monomial_route() const override { return true; }

  std::string default_kernel() const override { return "vmf"; }
  std::unique_ptr<ManifoldKernel> kernel(const std::string& name, double width) const override;

 protected:
  void check_isometries(const std::vector<Isometry>& gens, const std::string& source) const override;
  std::unique_ptr<EigenspaceAction> make_action(const Eigenspace& e, const std::vector<Isometry>& gens) const override;
  // Salt of the collocation points' random stream (keeps S² and S^{d−1} apart).
  virtual std::uint64_t collocation_salt() const { return 1000003ull * std::uint64_t(dim()); }
};

ManifoldPtr make_sphere_manifold(int dim);

// An eigenbasis from harmonics whose recurrence yields every degree up to the highest one
// asked for (SphereHarmonics, HypersphereHarmonics): evaluate() runs it once and, unless the
// spaces are exactly degrees 0..top in order, copies the requested degrees out.
template <class Harmonics>
class DegreeChainBasis final : public EigenBasis {
 public:
  // column(l): the first column of degree l in Harmonics::evaluate().
  template <class Column>
  DegreeChainBasis(std::unique_ptr<Harmonics> h, std::vector<Eigenspace> spaces, Column column)
      : EigenBasis(std::move(spaces)), h_(std::move(h)) {
    for (const Eigenspace& e : this->spaces()) col_.push_back(column(*h_, e.label));
    prefix_ = true;
    for (std::size_t s = 0; s < this->spaces().size() && prefix_; ++s) prefix_ = this->spaces()[s].label == int(s);
    prefix_ = prefix_ && h_->size() == size();
  }
  void evaluate(const double* x, std::size_t n, double* out, std::size_t ld) const override {
    if (prefix_) return h_->evaluate(x, n, out, ld);
    std::vector<double> scratch(h_->size() * n);
    h_->evaluate(x, n, scratch.data(), n);
    for (std::size_t s = 0; s < spaces().size(); ++s)
      for (std::size_t r = 0; r < spaces()[s].m; ++r)
        std::copy_n(scratch.data() + (col_[s] + r) * n, n, out + (offset(s) + r) * ld);
  }
  void evaluate_space(std::size_t s, const double* x, std::size_t n, double* out, std::size_t ld) const override {
    h_->evaluate_degree(spaces()[s].label, x, n, out, ld);
  }
  double flops_per_point() const override { return 5.0 * double(h_->size()); }

 private:
  std::unique_ptr<Harmonics> h_;
  std::vector<std::size_t> col_;
  bool prefix_ = false;
};

}  // namespace specavg
