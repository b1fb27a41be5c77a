#include "specavg/estimate/synthetic_target.hpp"

#include <cmath>
#include <functional>
#include <sstream>
#include <stdexcept>

#include "specavg/util/counter_rng.hpp"

namespace specavg {
namespace {
constexpr int kBumps = 3;
const double kCentre[kBumps][3] = {{0.3, 0.5, 0.81}, {-0.7, 0.2, 0.4}, {0.1, -0.9, -0.3}};
const double kKappa[kBumps] = {8.0, 5.0, 3.0};
const double kAmp[kBumps] = {1.0, -0.8, 0.6};

// Bump centre b on M: placed from the S² centres for d = 3, else from fixed pseudo-random
// vectors.
std::vector<double> centre(const Manifold& M, int b) {
  const int d = M.dim();
  std::vector<double> mu(d);
  for (int c = 0; c < d; ++c) mu[c] = d == 3 ? kCentre[b][c] : rng_normal(0xB0B, std::uint64_t(b), std::uint64_t(c));
  M.place(mu.data());
  return mu;
}

class ClosedForm final : public TargetFunction {
 public:
  explicit ClosedForm(std::function<double(const double*)> f) : f_(std::move(f)) {}
  double operator()(const double* x) const override { return f_(x); }

 private:
  std::function<double(const double*)> f_;
};

std::unique_ptr<TargetFunction> closed_form(const std::string& name, const Manifold& M) {
  auto f = M.closed_form_target(name);
  if (!f) return nullptr;
  return std::make_unique<ClosedForm>(std::move(f));
}

// Largest |f(g x) − f(x)| relative to 1 + |f(x)| over fixed points and the generators.
double invariance_defect(const TargetFunction& f, const Manifold& M, const std::vector<Isometry>& gens,
                         std::size_t* worst) {
  double defect = 0.0;
  std::vector<double> x(M.dim()), gx(M.dim());
  for (std::size_t j = 0; j < gens.size(); ++j)
    for (unsigned long long i = 0; i < 64; ++i) {
      synthetic_manifold_point(M, 0x7E57, i, x.data());
      M.map_point(gens[j], x.data(), gx.data());
      const double fx = f(x.data()), e = std::fabs(f(gx.data()) - fx) / (1.0 + std::fabs(fx));
      if (e > defect) defect = e, *worst = j;
    }
  return defect;
}

}  // namespace

SyntheticTarget::SyntheticTarget(const Manifold& M, const std::vector<Isometry>& elements)
    : M_(M.shared_from_this()), inv_order_(1.0 / double(elements.size())) {
  // bump(g x, μ) = bump(x, g⁻¹μ) for an isometry g: store the pulled-back centres.
  std::vector<double> c(std::size_t(M.dim()));
  for (const Isometry& g : elements) {
    const Isometry inv = isometry_inverse(g);
    for (int b = 0; b < kBumps; ++b) {
      const std::vector<double> mu = centre(M, b);
      isometry_apply(inv, mu.data(), c.data());
      centres_.insert(centres_.end(), c.begin(), c.end());
    }
  }
}

SyntheticTarget::SyntheticTarget(const std::vector<Mat3>& elements)
    : SyntheticTarget(*make_manifold("s2", 3), [&] {
        std::vector<Isometry> iso;
        for (const Mat3& g : elements) iso.push_back(isometry_from_mat3(g));
        return iso;
      }()) {}

double SyntheticTarget::operator()(const double* x) const {
  const std::size_t d = std::size_t(M_->dim());
  double f = 0.0;
  const std::size_t n = centres_.size() / d;
  for (std::size_t e = 0; e < n; ++e) {
    const int b = int(e % kBumps);
    f += kAmp[b] * M_->bump(x, &centres_[e * d], kKappa[b]);
  }
  return f * inv_order_;
}

std::unique_ptr<TargetFunction> make_target(const std::string& name, const Manifold& M,
                                            const std::vector<Isometry>& gens, std::size_t max_group_order,
                                            std::string* chosen) {
  const char* kNames = "auto, bumps, powersum, even or paper";
  if (name != "auto" && name != "bumps" && !closed_form(name, M))
    throw std::invalid_argument("unknown -target '" + name + "': expected " + kNames);
  if (name == "auto")
    for (const std::string& cand : M.auto_targets()) {
      auto f = closed_form(cand, M);
      std::size_t j = 0;
      if (f && invariance_defect(*f, M, gens, &j) < 1e-10) {
        *chosen = cand;
        return f;
      }
    }
  if (name == "auto" || name == "bumps") {
    const auto el = enumerate_isometries(gens, max_group_order, M.translation_period());
    if (!el) {
      std::ostringstream os;
      os << "the 'bumps' target averages over the group, but the group has more than " << max_group_order
         << " elements, and no closed-form target (powersum, even, paper) is invariant under these generators: "
            "use a smaller group, raise -max_group_order, or choose -target";
      throw std::invalid_argument(os.str());
    }
    *chosen = "bumps";
    if (gens.empty()) return std::make_unique<SyntheticTarget>(M, std::vector<Isometry>{isometry_identity(M.dim())});
    return std::make_unique<SyntheticTarget>(M, *el);
  }
  auto f = closed_form(name, M);
  std::size_t j = 0;
  const double defect = invariance_defect(*f, M, gens, &j);
  if (defect >= 1e-10) {
    std::ostringstream os;
    os << "-target " << name << " is not invariant under generator " << j << " of the group (relative change " << defect
       << "): choose a target that the group preserves (powersum: permutations; even: signed "
       << "permutations; paper: sign flips; bumps: any enumerable group)";
    throw std::invalid_argument(os.str());
  }
  *chosen = name;
  return f;
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

void synthetic_manifold_point(const Manifold& M, unsigned long long seed, unsigned long long i, double* x) {
  M.sample_uniform(seed, i, x);
}

double synthetic_noise(unsigned long long seed, unsigned long long i) {
  return rng_normal(seed, 2, i);
}

}  // namespace specavg
