#include "specavg/basis/s2_manifold.hpp"

#include <stdexcept>

#include "specavg/basis/sphere_harmonics.hpp"
#include "specavg/basis/wigner_rotation.hpp"

namespace specavg {

ManifoldPtr make_s2_manifold(int dim) {
  if (dim != 3)
    throw std::invalid_argument("-manifold s2 has points with 3 coordinates, but -dim is " + std::to_string(dim) +
                                ": use -manifold sphere -dim " + std::to_string(dim) + " for S^" +
                                std::to_string(dim - 1));
  return std::make_shared<S2Manifold>();
}

BasisConventions S2Manifold::basis_conventions() const {
  return {"eigenspaces by degree l ascending; within degree l, order m = -l..l ascending (index l^2 + l + m)",
          "orthonormal for the normalized surface measure dsigma/(4 pi) (4pi-normalized, Y_00 = 1)",
          "real harmonics without the Condon-Shortley factor (-1)^m: m > 0 cos(m phi), m < 0 sin(|m| phi)"};
}

std::unique_ptr<EigenBasis> S2Manifold::eigenbasis(std::vector<Eigenspace> spaces) const {
  int top = 0;
  for (const Eigenspace& e : spaces) {
    if (e.label < 0) throw std::invalid_argument("EigenBasis: negative sphere degree");
    top = std::max(top, e.label);
  }
  return std::make_unique<DegreeChainBasis<SphereHarmonics>>(std::make_unique<SphereHarmonics>(top), std::move(spaces),
                                                             [](const SphereHarmonics&, int l) { return sh_index(l, -l); });
}

std::unique_ptr<EigenspaceAction> S2Manifold::make_action(const Eigenspace& e, const std::vector<Isometry>& gens) const {
  return wigner_action(e.label, gens);
}

}  // namespace specavg
