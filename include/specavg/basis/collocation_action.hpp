#pragma once
// The action of isometries on one eigenspace by collocation, for any manifold whose basis
// can be evaluated: φ(g x) = D φ(x) at all x gives Φ(gX) = Φ(X) Dᵀ, so
// D_jᵀ c = Φ(X)⁺ Φ(g_j X) c, applied without forming D_j (plain C++).
//
// With N ≥ 2m well-spread points Φ(X) is well conditioned and D is exact to rounding. The
// QR of Φ(X) is shared by all generators; D_j c = D(g_j⁻¹)ᵀ c uses the inverse map. Φ(g X)
// is cached for all generators while that takes ≤ 1 GiB. Not thread-safe (workspaces).
#include <cstddef>
#include <memory>
#include <vector>

#include "specavg/basis/eigenspace_action.hpp"
#include "specavg/basis/manifold.hpp"

namespace specavg {

// How many collocation points an eigenspace of multiplicity m needs: 4m up to m = 256,
// then 2m.
std::size_t collocation_points(std::size_t m);

// points: collocation_points(e.m) points on M (row-major, M.dim() columns), chosen by the
// manifold (fixed pseudo-random, so D does not depend on the run).
std::unique_ptr<EigenspaceAction> collocation_action(const Manifold& M, const Eigenspace& e,
                                                     const std::vector<Isometry>& gens, std::vector<double> points);

}  // namespace specavg
