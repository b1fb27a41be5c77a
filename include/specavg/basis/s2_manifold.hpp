#pragma once
// S² ⊂ R³ (`-manifold s2`, the foundation path) behind the Manifold interface: the sphere
// of sphere_manifold.hpp for d = 3, with the real spherical harmonics Y_ℓm of
// basis/sphere_harmonics.hpp as its basis (label ℓ, λ = ℓ(ℓ+1), m = 2ℓ+1, order m = −ℓ..ℓ).
// Points, isometries, kernels and closed-form targets are those of SphereManifold(3);
// `synth -target auto` goes straight to the group-averaged bumps (the foundation path's data).
// The action of isometries is exact (basis/wigner_rotation.hpp, no collocation), and the
// invariant subspaces take the structured Wigner route (group/wigner_invariants.hpp).
#include "specavg/basis/sphere_manifold.hpp"

namespace specavg {

class S2Manifold final : public SphereManifold {
 public:
  S2Manifold() : SphereManifold(3) {}
  std::string name() const override { return "s2"; }
  std::string describe() const override { return "S^2 (real spherical harmonics)"; }
  int default_lmax() const override { return 20; }
  std::vector<double> cutoff_ladder() const override { return {6, 10, 16, 20, 24, 30}; }
  std::unique_ptr<EigenBasis> eigenbasis(std::vector<Eigenspace> spaces) const override;
  BasisConventions basis_conventions() const override;
  std::vector<std::string> auto_targets() const override { return {}; }
  bool supports_wigner_route() const override { return true; }

 protected:
  std::uint64_t collocation_salt() const override { return 0; }
  std::unique_ptr<EigenspaceAction> make_action(const Eigenspace& e, const std::vector<Isometry>& gens) const override;
};

// Throws unless dim = 3 (pointing to -manifold sphere for other dimensions).
ManifoldPtr make_s2_manifold(int dim);

}  // namespace specavg
