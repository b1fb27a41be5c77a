#pragma once
// Exactly G-invariant test functions and sampling for synthetic data (plain C++).
//
// Targets (`synth -target`):
//   bumps     group average of three bumps of the manifold (Manifold::bump: von Mises–Fisher
//             on spheres, product von Mises on the torus) with sharpness κ = (8, 5, 3) and
//             amplitudes a = (1, −0.8, 0.6). Needs the enumerated group.
//   powersum  symmetric in the coordinates (Sym, Alt, Cyc, Dih), defined by the manifold.
//   even      invariant under signed permutations (Hyperoct, Signs, Sym, ...), defined by
//             the manifold.
//   paper     f*(x) = (1/d) Σ_i i·x_i² (i = 1..d), the experiment of Soleymani et al.
//             (ICML 2025) on T^d; invariant under sign flips only.
// (Manifold::closed_form_target; the formulas are in basis/sphere_manifold.hpp and
// basis/torus_manifold.hpp.)
// No target but `bumps` enumerates the group. make_target() checks numerically that the
// chosen target is invariant under every generator.
#include <memory>
#include <string>
#include <vector>

#include "specavg/basis/manifold.hpp"
#include "specavg/basis/isometry.hpp"
#include "specavg/group/point_group.hpp"

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
  ManifoldPtr M_;
  std::vector<double> centres_;  // per element g and bump b: g⁻¹μ_b
  double inv_order_;
};

// The target `name` ("auto" picks the first of Manifold::auto_targets() invariant under
// every generator, else bumps). Throws std::invalid_argument with the reason (unknown name,
// target not invariant under generator j, group too large for bumps).
std::unique_ptr<TargetFunction> make_target(const std::string& name, const Manifold& M,
                                            const std::vector<Isometry>& gens, std::size_t max_group_order,
                                            std::string* chosen);

// Uniform point on S² and noise for global row i: pure functions of (seed, i), so the
// data do not depend on how rows are split over ranks.
void synthetic_point(unsigned long long seed, unsigned long long i, double* x);
// Uniform point on M (Manifold::sample_uniform; on spheres a normalized Gaussian, equal to
// synthetic_point for d = 3; on the torus uniform in [−1, 1)^d).
void synthetic_manifold_point(const Manifold& M, unsigned long long seed, unsigned long long i, double* x);
double synthetic_noise(unsigned long long seed, unsigned long long i);

}  // namespace specavg
