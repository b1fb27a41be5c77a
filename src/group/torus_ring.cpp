// The torus form of the invariant-ring route (group/ring_invariants.hpp): one consistent
// mode orbit per invariant, from group/torus_orbits.hpp.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <stdexcept>

#include "specavg/group/ring_invariants.hpp"
#include "specavg/group/torus_orbits.hpp"

namespace specavg {
namespace {
constexpr std::uint64_t kResidualSeed = 0x7116;
}

std::vector<SpaceInvariants> invariant_spaces_torus(const Manifold& M, const std::vector<Eigenspace>& spaces,
                                                    const std::vector<Isometry>& gens,
                                                    std::shared_ptr<const TorusOrbits>* orbits) {
  if (!torus_orbit_route_applies(M, gens))
    throw std::invalid_argument("-basis_method ring on the torus needs generators x -> P x + t with P a signed "
                                "permutation and every shift a multiple of 1/2; " + M.describe() +
                                " with these generators does not qualify: use auto, dense or slepc");
  auto O = std::make_shared<TorusOrbits>(M.dim(), gens);
  std::vector<SpaceInvariants> out;
  for (const Eigenspace& e : spaces) {
    const auto ts = std::chrono::steady_clock::now();
    SpaceInvariants s;
    s.label = e.label;
    s.lambda = e.lambda;
    s.m = int(e.m);
    s.method = "ring";
    const int first = O->size();
    s.k = O->add_shell(e.label);
    for (int j = 0; j < s.k; ++j) s.ring_terms.push_back(first + j);
    s.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - ts).count();
    out.push_back(std::move(s));
  }
  // Residual: every feature at fixed points and at their images under each generator.
  const int d = M.dim();
  const std::size_t ns = 64, nf = std::size_t(O->size());
  if (nf > 0) {
    const TorusOrbitEvaluator ev(*O);
    std::vector<double> x(ns * d), gx(ns * d), a(ns * nf), b(ns * nf);
    for (std::size_t i = 0; i < ns; ++i) M.sample_uniform(kResidualSeed, i, &x[i * d]);
    ev.evaluate(x.data(), ns, a.data(), ns);
    for (const Isometry& g : gens) {
      for (std::size_t i = 0; i < ns; ++i) M.map_point(g, &x[i * d], &gx[i * d]);
      ev.evaluate(gx.data(), ns, b.data(), ns);
      for (SpaceInvariants& s : out)
        for (int o : s.ring_terms)
          for (std::size_t i = 0; i < ns; ++i)
            s.residual = std::max(s.residual, std::fabs(a[std::size_t(o) * ns + i] - b[std::size_t(o) * ns + i]));
    }
  }
  *orbits = std::move(O);
  return out;
}

double torus_ring_route_cost(const Manifold& M, const std::vector<Eigenspace>& spaces,
                             const std::vector<Isometry>& gens) {
  const TorusOrbits probe(M.dim(), gens);  // only the kind: no shell is added
  const double d = M.dim(), r = double(gens.size());
  double cost = 0.0;
  for (const Eigenspace& e : spaces) {
    if (probe.kind() == TorusOrbitKind::Orbits)
      cost += 40.0 * d * (r + 1.0) * double(e.m);  // closure: a hashed image per mode and generator
    else
      cost += 1e3 * d;  // letter multisets: a handful per shell, never the shell itself
  }
  return cost;
}

}  // namespace specavg
