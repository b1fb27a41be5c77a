#pragma once
// Real Fourier basis of the flat torus T^d = [−1, 1)^d (period 2 in every coordinate).
//
// Conventions
//  * Eigenspaces are the shells n = |κ|², κ ∈ Z^d, with λ = π² n. A shell may be empty
//    (n not a sum of d squares); its multiplicity is #{κ ∈ Z^d : |κ|² = n}.
//  * Basis of shell n: for every κ ∈ N^d (non-negative) with |κ|² = n and every subset s
//    of its non-zero coordinates (the "sine mask"), the product
//      φ_{κ,s}(x) = Π_{i: κ_i > 0} √2 · (i ∈ s ? sin : cos)(π κ_i x_i).
//    Orthonormal for the normalized measure dx / 2^d; φ_0 ≡ 1.
//  * Ordering within a shell: κ in lexicographic order (κ_0 most significant, ascending),
//    then the mask as an integer ascending (bit i set ⇔ sine in coordinate i).
//  * Output layout: column-major point block, out[index * ld + i] for point i.
//  * Points should lie in [−1, 1]^d; any real coordinate gives the periodic value.
#include <cstddef>
#include <cstdint>
#include <vector>

#include "specavg/basis/eigenspace_action.hpp"
#include "specavg/basis/isometry.hpp"

namespace specavg {

std::size_t torus_multiplicity(int dim, int n);

// The representative of v modulo 2 in [−1, 1) (exact for any finite v; torus_wrap(1) = −1;
// NaN for non-finite v).
inline double torus_wrap(double v) {
  return wrap_periodic(v, 2.0);
}

struct TorusMode {
  std::vector<int> kappa;  // d non-negative frequencies
  std::uint64_t sine_mask = 0;
};

class TorusShell {
 public:
  TorusShell(int dim, int n);  // throws std::invalid_argument for dim < 1, dim > 64 or n < 0
  int dim() const { return dim_; }
  int n() const { return n_; }
  double lambda() const;  // π² n
  std::size_t size() const { return modes_.size(); }
  const std::vector<TorusMode>& modes() const { return modes_; }
  // x: npts points, row-major npts × dim; out: ld ≥ npts, at least ld · size() doubles.
  void evaluate(const double* x, std::size_t npts, double* out, std::size_t ld) const;
  // Only the modes listed (indices into modes()): out[r * ld + i] = φ_{modes[r]}(x_i).
  // Costs (#non-zero κ_i) multiplications per value, without sharing between masks.
  void evaluate_modes(const std::vector<int>& modes, const double* x, std::size_t npts, double* out,
                      std::size_t ld) const;
  // Exact sparse D(g) for x → P x + t with P a signed permutation: φ(g x) = D φ(x).
  // Row a of D has at most 2^{#non-zero κ_i} entries, columns ascending; factor coefficients
  // cos/sin(π κ_i t_i) below 1e-15 in magnitude are dropped (t = 0: a signed permutation).
  // P entries within 1e-9 of 0/±1 are accepted; an empty t means no shift.
  // Throws std::invalid_argument if P is not a signed permutation or the dimensions differ.
  SparseRows action(const Isometry& g) const;

 private:
  std::size_t find_group(const std::vector<int>& kappa) const;

  int dim_, n_;
  int jmax_ = 0;  // largest frequency in the shell, floor(sqrt(n))
  std::vector<TorusMode> modes_;
  // Modes come in groups sharing κ (2^k consecutive masks, k = #non-zero κ_i). Group g
  // starts at mode group_first_[g]; its non-zero coordinates (ascending) and their
  // frequencies are nz_coord_/nz_freq_[nz_ptr_[g] .. nz_ptr_[g+1]).
  std::vector<std::size_t> group_first_, nz_ptr_;
  std::vector<int> nz_coord_, nz_freq_;
};

}  // namespace specavg
