#pragma once
// The invariant-ring route on the torus T^d = [−1, 1)^d (period 2): invariant functions of
// a shell |κ|² = n straight from orbits of real Fourier modes, never from an eigenspace
// solve. Plain C++.
//
// Conventions
//  * Applies when every generator is x → P x + t with P a signed permutation (entries 0/±1
//    within 1e-9, as the torus accepts) and every shift t_i a multiple of 1/2 within 1e-12
//    (half periods t_i = 1, and quarter periods). Then a generator maps each real mode
//    φ_{κ,s} of basis/torus_fourier.hpp to ± one mode of the same shell:
//    φ_{κ,s}(g x) = ε(g; κ, s) φ_{g·(κ,s)}(x), because cos/sin(π κ_i t_i) ∈ {0, ±1}.
//  * An orbit of modes carries an invariant iff its signs are consistent: there are σ_β = ±1
//    with σ_{gβ} = ε(g; β) σ_β for every generator g and mode β of the orbit (σ = +1 at the
//    representative). Its invariant ψ = |orbit|^{−1/2} Σ_β σ_β φ_β is normalized for
//    dx / 2^d; distinct orbits are orthogonal, so the ψ of the consistent orbits of a shell
//    are an orthonormal basis of its invariant functions (the space the Q_nᵀ φ_n of the
//    eigenspace routes span, in another orthonormal basis).
//  * Kinds (orbit_types.hpp's detection, applied to the unshifted generators when the only
//    other generators are the translation by (1, …, 1), half a period in every coordinate):
//      sym       permutation part S_d, no sign changes: an orbit is a multiset of "letters"
//                (κ_i > 0, cos | sin), every orbit is consistent, σ ≡ 1;
//      hyperoct  all signed permutations: the multisets of cosine letters, σ ≡ 1;
//                with the translation (even_only()), only the orbits with Σκ_i even;
//      orbits    anything else (shifts, Cyc, Dih, Signs, generator files): closure of the
//                generators on the modes of the shell (modes are listed, never evaluated);
//                each orbit's modes and signs are stored.
//    sym/hyperoct orbits are never listed: |orbit| = d! / ((d − p)! Π mult!) for p letters,
//    and values come from the recurrence over coordinates of orbit_sums.hpp with the
//    letters √2 cos/sin(π k x_t), about d · Σ (distinct letters) multiply-adds per point.
//  * Ordering: orbits by shell in the order the shells are added; within a shell, sym/
//    hyperoct: letter multisets in reverse lexicographic order of letter ids (id = 2(k−1)
//    + [sin]), the representative places the letters by decreasing id on x_0, x_1, …;
//    orbits: by the first mode met in the shell's order (torus_fourier.hpp).
#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "specavg/basis/isometry.hpp"
#include "specavg/basis/manifold.hpp"
#include "specavg/basis/torus_fourier.hpp"

namespace specavg {

enum class TorusOrbitKind { Sym, Hyperoct, Orbits };
const char* torus_orbit_kind_name(TorusOrbitKind kind);  // "sym", "hyperoct", "orbits"

// Whether the route applies: a manifold with Manifold::supports_mode_orbit_route(), at
// least one generator, every generator as above.
bool torus_orbit_route_applies(const Manifold& M, const std::vector<Isometry>& gens);

struct TorusOrbit {
  int shell = 0;              // n = |κ|²
  std::vector<int> kappa;     // representative κ (d entries ≥ 0)
  std::uint64_t sine_mask = 0;
  double size = 1.0;          // modes in the orbit
  std::vector<int> letters;   // sym/hyperoct: letter ids, descending
};

class TorusOrbits {
 public:
  // Throws std::invalid_argument unless 1 ≤ dim ≤ 64 and the generators qualify.
  TorusOrbits(int dim, const std::vector<Isometry>& gens);
  int dim() const { return dim_; }
  TorusOrbitKind kind() const { return kind_; }
  // Sym/hyperoct with the translation by (1, …, 1) among the generators: only orbits with
  // Σκ_i even carry an invariant.
  bool even_only() const { return even_; }
  // Appends the consistent orbits of shell n; returns how many. Kind orbits costs the
  // shell's size times the number of generators; sym/hyperoct the number of orbits.
  int add_shell(int n);
  int size() const { return int(orbits_.size()); }
  const TorusOrbit& orbit(int o) const { return orbits_[std::size_t(o)]; }
  // ψ_o expanded in modes: (mode, coefficient σ/√|orbit|). Kind orbits: the stored terms;
  // sym/hyperoct: every distinct arrangement of the letters (cost |orbit|; for checks).
  std::vector<std::pair<TorusMode, double>> expand(int o) const;
  // Kind orbits: the stored terms of orbit o, [term_ptr(o), term_ptr(o + 1)).
  std::size_t term_ptr(int o) const { return term_ptr_[std::size_t(o)]; }
  const TorusMode& term_mode(std::size_t j) const { return term_mode_[j]; }
  double term_coef(std::size_t j) const { return term_coef_[j]; }

 private:
  struct Gen {
    std::vector<int> perm, sign, quarter;  // (g x)_i = sign_i x_{perm_i} + quarter_i / 2
  };
  void add_letter_orbits(int n);
  void add_closure_orbits(int n);

  int dim_ = 0;
  TorusOrbitKind kind_ = TorusOrbitKind::Orbits;
  bool even_ = false;
  std::vector<Gen> gens_;
  std::vector<TorusOrbit> orbits_;
  std::vector<std::size_t> term_ptr_{0};  // kind orbits (sym/hyperoct: one empty range per orbit)
  std::vector<TorusMode> term_mode_;
  std::vector<double> term_coef_;
};

// Values of every ψ_o at blocks of points (row-major nb × d): out[o * ld + i], overwritten.
// Const and reentrant (scratch per call).
class TorusOrbitEvaluator {
 public:
  explicit TorusOrbitEvaluator(const TorusOrbits& orbits);
  std::size_t size() const { return nout_; }
  void evaluate(const double* x, std::size_t nb, double* out, std::size_t ld) const;
  double flops_per_point() const { return flops_; }

 private:
  const TorusOrbits& orbits_;
  int d_ = 0, jmax_ = 0;
  std::size_t nout_ = 0;
  double flops_ = 0.0;
  // sym/hyperoct: letter multisets closed under removing a letter, by increasing size;
  // node u's updates are (letter, child) pairs in [step_ptr_[u], step_ptr_[u + 1]).
  std::vector<int> step_ptr_, step_letter_, step_child_, node_of_orbit_;
  std::vector<double> node_scale_;  // per orbit: 1/√|orbit|
};

}  // namespace specavg
