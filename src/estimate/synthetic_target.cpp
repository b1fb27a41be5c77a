#include "specavg/estimate/synthetic_target.hpp"

#include <cmath>

#include "specavg/util/counter_rng.hpp"

namespace specavg {
namespace {
constexpr int kBumps = 3;
const double kCentre[kBumps][3] = {{0.3, 0.5, 0.81}, {-0.7, 0.2, 0.4}, {0.1, -0.9, -0.3}};
const double kKappa[kBumps] = {8.0, 5.0, 3.0};
const double kAmp[kBumps] = {1.0, -0.8, 0.6};
}  // namespace

SyntheticTarget::SyntheticTarget(const std::vector<Mat3>& elements)
    : kappa_(kKappa, kKappa + kBumps), amp_(kAmp, kAmp + kBumps), inv_order_(1.0 / double(elements.size())) {
  for (const Mat3& g : elements)
    for (int b = 0; b < kBumps; ++b) {
      const double* m = kCentre[b];
      const double nrm = std::sqrt(m[0] * m[0] + m[1] * m[1] + m[2] * m[2]);
      double mu[3] = {m[0] / nrm, m[1] / nrm, m[2] / nrm}, c[3];
      mat3_apply(mat3_transpose(g), mu, c);  // μ·(g x) = (gᵀμ)·x
      centres_.insert(centres_.end(), c, c + 3);
    }
}

double SyntheticTarget::operator()(const double* x) const {
  double f = 0.0;
  const std::size_t n = centres_.size() / 3;
  for (std::size_t e = 0; e < n; ++e) {
    const int b = int(e % kBumps);
    const double* c = &centres_[3 * e];
    f += amp_[b] * std::exp(kappa_[b] * (c[0] * x[0] + c[1] * x[1] + c[2] * x[2] - 1.0));
  }
  return f * inv_order_;
}

void synthetic_point(unsigned long long seed, unsigned long long i, double* x) {
  double n2 = 0.0;
  for (int c = 0; c < 3; ++c) {
    x[c] = rng_normal(seed, 1, 3 * i + c);
    n2 += x[c] * x[c];
  }
  const double inv = 1.0 / std::sqrt(n2);
  for (int c = 0; c < 3; ++c) x[c] *= inv;
}

double synthetic_noise(unsigned long long seed, unsigned long long i) {
  return rng_normal(seed, 2, i);
}

}  // namespace specavg
