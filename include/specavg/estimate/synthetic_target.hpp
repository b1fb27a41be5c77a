#pragma once
// Exactly G-invariant smooth test function on S²: the group average of three
// von Mises–Fisher bumps, f(x) = (1/|G|) Σ_g Σ_b a_b exp(κ_b (μ_b·g x − 1)),
// κ = (8, 5, 3), a = (1, −0.8, 0.6), fixed centres μ_b. Needs the enumerated group
// (only for synthesizing data; learning never enumerates).
#include <vector>

#include "specavg/group/point_group.hpp"

namespace specavg {

class SyntheticTarget {
 public:
  explicit SyntheticTarget(const std::vector<Mat3>& elements);
  double operator()(const double* x) const;

 private:
  std::vector<double> centres_;  // gᵀμ_b for every element g and bump b, 3 per entry
  std::vector<double> kappa_, amp_;
  double inv_order_;
};

// Uniform point on S² and noise for global row i: pure functions of (seed, i), so the
// data do not depend on how rows are split over ranks.
void synthetic_point(unsigned long long seed, unsigned long long i, double* x);
double synthetic_noise(unsigned long long seed, unsigned long long i);

}  // namespace specavg
