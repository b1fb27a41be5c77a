#pragma once
// Groups acting on the coordinates of R^d (spheres S^{d−1} and tori T^d), given by a
// handful of generators and never enumerated during learning.
//
// Group names for `-group` (comma lists merge generator sets, e.g. "Cyc,Signs"):
//   Sym       all d! coordinate permutations: the transposition (x_0 x_1) and the
//             d-cycle x_i → x_{i+1 mod d}                                 (2 generators)
//   Alt       even permutations (d!/2): the 3-cycle (x_0 x_1 x_2) and, for d odd, the
//             d-cycle; for d even the (d−1)-cycle on x_1..x_{d−1}   (trivial for d < 3)
//   Cyc       cyclic shift of the coordinates x_i → x_{i+1 mod d}          (order d)
//   Dih       cyclic shift and reversal x_i → x_{d−1−i}      (order 2d; 2 for d = 2)
//   Signs     every sign flip x_i → −x_i, one generator per coordinate     (order 2^d)
//   Hyperoct  signed permutations: Sym's generators and the flip of x_0  (order 2^d d!)
// Names are case-sensitive; d ≥ 1; for d = 1 Sym, Alt, Cyc and Dih are trivial (no
// generators, not an error). Every such generator is an exact signed permutation
// matrix (entries 0/±1, t = 0), hence an isometry of both the sphere and the torus.
// For d = 3 the Schoenflies point groups of point_group.hpp (Ih, Oh, C6, ...) are
// accepted too (general orthogonal matrices: spheres only); C1 is accepted for any d.
// The identity and exact duplicates (Sym's two generators for d = 2) are dropped, so a
// trivial group yields an empty list.
#include <optional>
#include <string>
#include <vector>

#include "specavg/basis/isometry.hpp"

namespace specavg {

// Throws std::invalid_argument for d < 1, an empty token, an unknown token (naming it and
// listing the accepted names) or a Schoenflies name with d ≠ 3 ("'Ih' is a point group
// of S² and needs -dim 3").
std::vector<Isometry> generators_for_spec(const std::string& spec, int dim);

// |G| in closed form when the spec is a single coordinate-group name (Sym → d!, ...),
// as a double because it overflows integers quickly (+inf beyond ~170!); std::nullopt
// for Schoenflies names, comma lists and unknown names. Throws for d < 1.
std::optional<double> closed_form_order(const std::string& spec, int dim);

}  // namespace specavg
