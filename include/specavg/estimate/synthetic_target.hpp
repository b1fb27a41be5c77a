#pragma once
// Exactly G-invariant test functions and sampling for synthetic data (plain C++).
//
// Targets (`synth -target`):
//   bumps     group average of three von Mises–Fisher bumps (spheres:
//             exp(κ(μ·g x − 1)); torus: exp(κ(Σ_i cos π((g x)_i − μ_i) − d)/d)),
//             κ = (8, 5, 3), a = (1, −0.8, 0.6). Needs the enumerated group.
//   powersum  symmetric in the coordinates (Sym, Alt, Cyc, Dih): spheres, with u = √d x
//             and p_j = (1/d) Σ u_i^j: p_3 + (p_4 − 3)/2 + p_3²/4 (a degree-6 polynomial);
//             torus, with c_i = cos πx_i, s_i = sin πx_i: mean(s) + mean(c)² + mean(s∘c)/2.
//   even      invariant under signed permutations (Hyperoct, Signs, Sym, ...): spheres
//             (p_4 − 3)/2 + (p_6 − 15)/10 + (p_4 − 3)²/8 in the even power sums (degree 8);
//             torus mean(c) + mean(c)² + mean(c∘c∘c)/2.
//   paper     f*(x) = (1/d) Σ_i i·x_i² (i = 1..d), the experiment of Soleymani et al.
//             (ICML 2025) on T^d; invariant under sign flips only.
// No target but `bumps` enumerates the group. make_target() checks numerically that the
// chosen target is invariant under every generator.
#include <memory>
#include <string>
#include <vector>

#include "specavg/basis/manifold.hpp"
#include "specavg/group/isometry.hpp"

namespace specavg {

class TargetFunction {
 public:
  virtual ~TargetFunction() = default;
  virtual double operator()(const double* x) const = 0;
};

// Group-averaged bumps over the given (enumerated) group elements.
class SyntheticTarget final : public TargetFunction {
 public:
  SyntheticTarget(const Manifold& M, const std::vector<Isometry>& elements);
  explicit SyntheticTarget(const std::vector<Mat3>& elements);  // S²
  double operator()(const double* x) const override;

 private:
  Manifold M_;
  std::vector<Isometry> elements_;
  std::vector<double> centres_;  // per element and bump: gᵀμ_b on spheres, μ_b on the torus
  double inv_order_;
};

// The target `name` ("auto" picks powersum, even, paper, then bumps: the first invariant
// under every generator). Throws std::invalid_argument with the reason (unknown name,
// target not invariant under generator j, group too large for bumps).
std::unique_ptr<TargetFunction> make_target(const std::string& name, const Manifold& M,
                                            const std::vector<Isometry>& gens, std::size_t max_group_order,
                                            std::string* chosen);

// Uniform point on S² and noise for global row i: pure functions of (seed, i), so the
// data do not depend on how rows are split over ranks.
void synthetic_point(unsigned long long seed, unsigned long long i, double* x);
// Uniform point on M (spheres: normalized Gaussian, equal to synthetic_point for d = 3;
// torus: uniform in [−1, 1)^d).
void synthetic_manifold_point(const Manifold& M, unsigned long long seed, unsigned long long i, double* x);
double synthetic_noise(unsigned long long seed, unsigned long long i);

}  // namespace specavg
