#pragma once
// Orbit types of monomials under a finite group of signed permutations of R^d, degree by
// degree, with the closed-form quantities the invariant-ring route needs (plain C++; the
// group is never enumerated).
//
// Conventions
//  * A generator acts by (g x)_i = s_i x_{π(i)} (a signed permutation matrix, t = 0).
//  * An orbit type t of degree k is the orbit of a monomial x^α (|α| = k) under G; its
//    orbit sum is O_t = Σ_{x^β in the orbit} σ_β x^β with σ_β = ±1 fixed by invariance
//    (O_t∘g = O_t) and σ = +1 at the representative α = rep(t). Orbits on which the signs
//    contradict carry no invariant and are not types. The O_t of degree k form a basis of
//    the invariant polynomials of degree k.
//  * Kinds, detected from the generators:
//      sym       the permutation part is all of S_d (primitive and containing a
//                transposition among the generators) and no generator changes a sign:
//                types are the partitions of k with at most d parts, O_t the monomial
//                symmetric polynomials;
//      hyperoct  the same permutation part, and a generator that only changes the signs of
//                an odd number (< d) of coordinates, so G is the whole hyperoctahedral group:
//                types are the partitions of k into even parts;
//      orbits    anything else: orbits found by closure of the exponent vectors under the
//                generators (cost ∝ the number of monomials of degree ≤ kmax, not |G|).
//    Representatives of sym/hyperoct types are the partitions, parts descending, padded
//    with zeros to d entries; types are numbered by degree, then in reverse lexicographic
//    order of the parts. Types of kind orbits are numbered by degree, then by the first
//    monomial met in reverse lexicographic order of exponent vectors.
//  * Inner products are for the normalized surface measure of S^{d−1}:
//    E[x^c] = Γ(d/2)/Γ((|c|+d)/2) · Π_i Γ((c_i+1)/2)/Γ(1/2) for c all even, else 0.
#include <cstddef>
#include <string>
#include <unordered_map>
#include <vector>

#include "specavg/basis/isometry.hpp"

namespace specavg {

enum class OrbitKind { Sym, Hyperoct, Orbits };
const char* orbit_kind_name(OrbitKind kind);  // "sym", "hyperoct", "orbits"
// The kind the generators give (throws like the constructor).
OrbitKind detect_orbit_kind(int dim, const std::vector<Isometry>& gens);

class OrbitTypes {
 public:
  // Throws std::invalid_argument unless dim ≥ 1, kmax ≥ 0 and every generator is a signed
  // permutation matrix of R^dim with t = 0.
  OrbitTypes(int dim, int kmax, const std::vector<Isometry>& gens);

  int dim() const { return dim_; }
  int kmax() const { return kmax_; }
  OrbitKind kind() const { return kind_; }
  int size() const { return int(degree_.size()); }
  int degree(int t) const { return degree_[std::size_t(t)]; }
  const int* rep(int t) const { return &reps_[std::size_t(t) * std::size_t(dim_)]; }
  // Types of degree k (a contiguous range [first(k), first(k) + count(k))).
  int first(int k) const { return start_[std::size_t(k)]; }
  int count(int k) const { return k < 0 || k > kmax_ ? 0 : start_[std::size_t(k) + 1] - start_[std::size_t(k)]; }

  // Number of monomials in the orbit of type t.
  long double orbit_size(int t) const;
  // L (count(k−2) × count(k), column-major): Δ O_ν = Σ_α L[α, ν] O_α for ν of degree k ≥ 2.
  std::vector<double> laplacian(int k) const;
  // ⟨x^{rep(a)}, O_b⟩ on S^{d−1}; ⟨O_a, O_b⟩ = orbit_size(a) · rep_moment(a, b).
  long double rep_moment(int a, int b) const;

  // Kind orbits only: the monomials of type t (row-major count × dim) and their signs σ.
  const std::vector<int>& members(int t) const { return members_[std::size_t(t)]; }
  const std::vector<int>& member_signs(int t) const { return signs_[std::size_t(t)]; }

 private:
  void build_partitions(bool even);
  void build_orbits(const std::vector<Isometry>& gens);
  long double log_moment_factor(int c) const { return lgam_[std::size_t(c)]; }

  int dim_ = 0, kmax_ = 0;
  OrbitKind kind_ = OrbitKind::Orbits;
  std::vector<int> reps_, degree_, start_;
  std::vector<long double> lgam_;  // lgamma((c+1)/2) − lgamma(1/2), c = 0..2·kmax
  // kind orbits: members, signs, and monomial (as a byte string) → (type, sign) per degree
  std::vector<std::vector<int>> members_, signs_;
  std::vector<std::unordered_map<std::string, std::pair<int, int>>> where_;
};

// The invariant harmonics of degree k (k = 0..T.kmax()) from the orbit types, orthonormal
// for the normalized measure of S^{d−1}, as homogeneous polynomials of degree k:
//   h_j(x) = Σ_i coef[i, j] · |x|^{k − deg(terms[i])} · O_{terms[i]}(x)
// (terms of degrees k, k−2, …; coef terms.size() × count, column-major). count =
// T.count(k) − T.count(k−2) exactly. Construction: the harmonic parts
// H[O_μ] = Σ_j c_j |x|^{2j} Δ^j O_μ (c_0 = 1, c_{j+1} = −c_j / (2(j+1)(d + 2k − 2j − 4)))
// of the orbit sums of degree k, their exact Gram matrix ⟨H O_μ, O_ν⟩ from the closed-form
// moments in long double, and a Cholesky factorization pivoted on the largest remaining
// (scaled) diagonal that stops after `count` steps. Throws std::runtime_error if the
// pivots do not separate (loss of accuracy).
struct RingSpace {
  int degree = 0, count = 0;
  std::vector<int> terms;
  std::vector<double> coef;
};
RingSpace ring_space(const OrbitTypes& T, int k);

}  // namespace specavg
