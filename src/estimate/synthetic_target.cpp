#include "specavg/estimate/synthetic_target.hpp"

#include <cmath>
#include <sstream>
#include <stdexcept>

#include "specavg/util/counter_rng.hpp"

namespace specavg {
namespace {
constexpr int kBumps = 3;
const double kCentre[kBumps][3] = {{0.3, 0.5, 0.81}, {-0.7, 0.2, 0.4}, {0.1, -0.9, -0.3}};
const double kKappa[kBumps] = {8.0, 5.0, 3.0};
const double kAmp[kBumps] = {1.0, -0.8, 0.6};
const double kPi = std::acos(-1.0);

// Bump centre b in R^d: the S² centres for d = 3, else fixed pseudo-random directions.
std::vector<double> centre(const Manifold& M, int b) {
  const int d = M.dim;
  std::vector<double> mu(d);
  double n2 = 0;
  for (int c = 0; c < d; ++c) {
    mu[c] = d == 3 ? kCentre[b][c] : rng_normal(0xB0B, std::uint64_t(b), std::uint64_t(c));
    n2 += mu[c] * mu[c];
  }
  for (double& v : mu) v = M.is_torus() ? std::tanh(v) : v / std::sqrt(n2);
  return mu;
}

template <typename F>
class Lambda final : public TargetFunction {
 public:
  explicit Lambda(F f) : f_(std::move(f)) {}
  double operator()(const double* x) const override { return f_(x); }

 private:
  F f_;
};
template <typename F>
std::unique_ptr<TargetFunction> wrap(F f) {
  return std::make_unique<Lambda<F>>(std::move(f));
}

std::unique_ptr<TargetFunction> closed_form(const std::string& name, const Manifold& M) {
  const int d = M.dim;
  const bool torus = M.is_torus();
  if (name == "powersum") {
    if (torus)
      return wrap([d](const double* x) {
        double mc = 0, ms = 0, msc = 0;
        for (int i = 0; i < d; ++i) {
          const double c = std::cos(kPi * x[i]), s = std::sin(kPi * x[i]);
          mc += c, ms += s, msc += s * c;
        }
        mc /= d, ms /= d, msc /= d;
        return ms + mc * mc + 0.5 * msc;
      });
    return wrap([d](const double* x) {
      double p3 = 0, p4 = 0;
      for (int i = 0; i < d; ++i) {
        const double u = std::sqrt(double(d)) * x[i], u2 = u * u;
        p3 += u2 * u, p4 += u2 * u2;
      }
      p3 /= d, p4 /= d;
      return p3 + 0.5 * (p4 - 3) + 0.25 * p3 * p3;
    });
  }
  if (name == "even") {
    if (torus)
      return wrap([d](const double* x) {
        double m1 = 0, m3 = 0;
        for (int i = 0; i < d; ++i) {
          const double c = std::cos(kPi * x[i]);
          m1 += c, m3 += c * c * c;
        }
        m1 /= d, m3 /= d;
        return m1 + m1 * m1 + 0.5 * m3;
      });
    return wrap([d](const double* x) {
      double p4 = 0, p6 = 0;
      for (int i = 0; i < d; ++i) {
        const double u2 = double(d) * x[i] * x[i];
        p4 += u2 * u2, p6 += u2 * u2 * u2;
      }
      p4 /= d, p6 /= d;
      return 0.5 * (p4 - 3) + 0.1 * (p6 - 15) + 0.125 * (p4 - 3) * (p4 - 3);
    });
  }
  if (name == "paper")
    return wrap([d](const double* x) {
      double f = 0;
      for (int i = 0; i < d; ++i) f += double(i + 1) * x[i] * x[i];
      return f / d;
    });
  return nullptr;
}

// Largest |f(g x) − f(x)| relative to 1 + |f(x)| over fixed points and the generators.
double invariance_defect(const TargetFunction& f, const Manifold& M, const std::vector<Isometry>& gens,
                         std::size_t* worst) {
  double defect = 0.0;
  std::vector<double> x(M.dim), gx(M.dim);
  for (std::size_t j = 0; j < gens.size(); ++j)
    for (unsigned long long i = 0; i < 64; ++i) {
      synthetic_manifold_point(M, 0x7E57, i, x.data());
      map_point(M, gens[j], x.data(), gx.data());
      const double fx = f(x.data()), e = std::fabs(f(gx.data()) - fx) / (1.0 + std::fabs(fx));
      if (e > defect) defect = e, *worst = j;
    }
  return defect;
}

}  // namespace

SyntheticTarget::SyntheticTarget(const Manifold& M, const std::vector<Isometry>& elements)
    : M_(M), elements_(elements), inv_order_(1.0 / double(elements.size())) {
  for (const Isometry& g : elements)
    for (int b = 0; b < kBumps; ++b) {
      const std::vector<double> mu = centre(M, b);
      if (M.is_torus()) {
        centres_.insert(centres_.end(), mu.begin(), mu.end());
        continue;
      }
      for (int c = 0; c < M.dim; ++c) {  // μ·(g x) = (gᵀμ)·x
        double v = 0;
        for (int r = 0; r < M.dim; ++r) v += g.P[std::size_t(r) * M.dim + c] * mu[r];
        centres_.push_back(v);
      }
    }
}

SyntheticTarget::SyntheticTarget(const std::vector<Mat3>& elements)
    : SyntheticTarget(make_manifold("s2", 3), [&] {
        std::vector<Isometry> iso;
        for (const Mat3& g : elements) iso.push_back(isometry_from_mat3(g));
        return iso;
      }()) {}

double SyntheticTarget::operator()(const double* x) const {
  const int d = M_.dim;
  double f = 0.0;
  std::vector<double> gx(M_.is_torus() ? d : 0);
  const std::size_t n = centres_.size() / std::size_t(d);
  for (std::size_t e = 0; e < n; ++e) {
    const int b = int(e % kBumps);
    const double* c = &centres_[e * d];
    double s = 0;
    if (M_.is_torus()) {
      if (b == 0) isometry_apply(elements_[e / kBumps], x, gx.data());
      for (int i = 0; i < d; ++i) s += std::cos(kPi * (gx[i] - c[i]));
      f += kAmp[b] * std::exp(kKappa[b] * (s - d) / d);
    } else {
      for (int i = 0; i < d; ++i) s += c[i] * x[i];
      f += kAmp[b] * std::exp(kKappa[b] * (s - 1.0));
    }
  }
  return f * inv_order_;
}

std::unique_ptr<TargetFunction> make_target(const std::string& name, const Manifold& M,
                                            const std::vector<Isometry>& gens, std::size_t max_group_order,
                                            std::string* chosen) {
  const char* kNames = "auto, bumps, powersum, even or paper";
  if (name != "auto" && name != "bumps" && !closed_form(name, M))
    throw std::invalid_argument("unknown -target '" + name + "': expected " + kNames);
  if (name == "auto" && M.kind != ManifoldKind::S2)
    for (const char* cand : {"powersum", "even", "paper"}) {
      auto f = closed_form(cand, M);
      std::size_t j = 0;
      if (invariance_defect(*f, M, gens, &j) < 1e-10) {
        *chosen = cand;
        return f;
      }
    }
  if (name == "auto" || name == "bumps") {
    const auto el = enumerate_isometries(gens, max_group_order, M.is_torus());
    if (!el) {
      std::ostringstream os;
      os << "the 'bumps' target averages over the group, but the group has more than " << max_group_order
         << " elements, and no closed-form target (powersum, even, paper) is invariant under these generators: "
            "use a smaller group, raise -max_group_order, or choose -target";
      throw std::invalid_argument(os.str());
    }
    *chosen = "bumps";
    if (gens.empty()) return std::make_unique<SyntheticTarget>(M, std::vector<Isometry>{isometry_identity(M.dim)});
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
  const int d = M.dim;
  if (M.is_torus()) {
    for (int c = 0; c < d; ++c) x[c] = 2.0 * rng_uniform(seed, 3, std::uint64_t(d) * i + c) - 1.0;
    return;
  }
  double n2 = 0.0;
  for (int c = 0; c < d; ++c) {
    x[c] = rng_normal(seed, 1, std::uint64_t(d) * i + c);
    n2 += x[c] * x[c];
  }
  const double inv = 1.0 / std::sqrt(n2);
  for (int c = 0; c < d; ++c) x[c] *= inv;
}

double synthetic_noise(unsigned long long seed, unsigned long long i) {
  return rng_normal(seed, 2, i);
}

}  // namespace specavg
