#include "specavg/estimate/ridge_path.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>

#include "specavg/util/dense_linalg.hpp"

namespace specavg {

namespace {
constexpr double kInf = std::numeric_limits<double>::infinity();
}

ReducedSums ReducedSums::minus(const ReducedSums& o) const {
  if (o.dinv != dinv || o.ntargets != ntargets) throw std::invalid_argument("ReducedSums::minus: shapes differ");
  ReducedSums r = *this;
  for (std::size_t i = 0; i < gram.size(); ++i) r.gram[i] -= o.gram[i];
  for (std::size_t i = 0; i < rhs.size(); ++i) r.rhs[i] -= o.rhs[i];
  for (std::size_t i = 0; i < yy.size(); ++i) r.yy[i] -= o.yy[i];
  r.wsum -= o.wsum;
  r.n -= o.n;
  return r;
}

void ReducedSums::add(const ReducedSums& o) {
  if (dinv == 0 && ntargets == 0) {
    *this = o;
    return;
  }
  if (o.dinv != dinv || o.ntargets != ntargets) throw std::invalid_argument("ReducedSums::add: shapes differ");
  for (std::size_t i = 0; i < gram.size(); ++i) gram[i] += o.gram[i];
  for (std::size_t i = 0; i < rhs.size(); ++i) rhs[i] += o.rhs[i];
  for (std::size_t i = 0; i < yy.size(); ++i) yy[i] += o.yy[i];
  wsum += o.wsum;
  n += o.n;
}

RidgePath::RidgePath(const ReducedSums& s, int p, const std::vector<double>& penalty)
    : p_(p), k_(s.ntargets), wsum_(s.wsum), n_(s.n) {
  if (p < 1 || p > s.dinv)
    throw std::invalid_argument("ridge path: cutoff of " + std::to_string(p) + " features outside 1.." +
                                std::to_string(s.dinv));
  if (!(s.wsum > 0)) throw std::invalid_argument("ridge path: the weights sum to zero (no data)");
  if (int(penalty.size()) < p) throw std::invalid_argument("ridge path: fewer penalty weights than features");
  const int d = s.dinv;
  scale_.resize(p);
  for (int i = 0; i < p; ++i) {
    if (!(penalty[i] > 0)) throw std::invalid_argument("ridge path: penalty weights must be positive");
    scale_[i] = 1.0 / std::sqrt(penalty[i]);
  }
  std::vector<double> m(std::size_t(p) * p);
  for (int i = 0; i < p; ++i)
    for (int j = 0; j < p; ++j) m[i + std::size_t(j) * p] = scale_[i] * s.gram[std::size_t(i) * d + j] * scale_[j] / wsum_;
  symmetric_eigen(p, m, mu_);
  lu_ = std::move(m);
  for (int j = 0; j < p; ++j)
    for (int i = 0; i < p; ++i) lu_[i + std::size_t(j) * p] *= scale_[i];
  // c = Uᵀ L b / W = (L U)ᵀ b / W.
  c_.assign(std::size_t(p) * k_, 0.0);
  for (int j = 0; j < p; ++j)
    for (int i = 0; i < p; ++i) {
      const double v = lu_[i + std::size_t(j) * p] / wsum_;
      for (int t = 0; t < k_; ++t) c_[std::size_t(j) * k_ + t] += v * s.rhs[std::size_t(i) * k_ + t];
    }
  yy_.resize(k_);
  for (int t = 0; t < k_; ++t) yy_[t] = s.yy[t] / wsum_;
}

bool RidgePath::singular(double tau) const {
  const double top = std::max(mu_.back(), 0.0);
  return mu_.front() + tau <= 1e-13 * (top + tau) || !(top > 0 || tau > 0);
}

std::vector<double> RidgePath::coefficients(double tau) const {
  std::vector<double> a(std::size_t(p_) * k_, 0.0);
  if (singular(tau)) {
    a.assign(a.size(), std::numeric_limits<double>::quiet_NaN());
    return a;
  }
  for (int j = 0; j < p_; ++j) {
    const double inv = 1.0 / (mu_[j] + tau);
    for (int i = 0; i < p_; ++i) {
      const double v = lu_[i + std::size_t(j) * p_] * inv;
      for (int t = 0; t < k_; ++t) a[std::size_t(i) * k_ + t] += v * c_[std::size_t(j) * k_ + t];
    }
  }
  return a;
}

double RidgePath::trace_hat(double tau) const {
  if (singular(tau)) return double(p_);
  double tr = 0;
  for (double m : mu_) tr += std::max(m, 0.0) / (m + tau);
  return tr;
}

std::vector<double> RidgePath::mean_sq_residual(double tau) const {
  std::vector<double> r(yy_);
  if (singular(tau)) return std::vector<double>(k_, kInf);
  for (int j = 0; j < p_; ++j) {
    const double q = (mu_[j] + 2 * tau) / ((mu_[j] + tau) * (mu_[j] + tau));
    for (int t = 0; t < k_; ++t) r[t] -= c_[std::size_t(j) * k_ + t] * c_[std::size_t(j) * k_ + t] * q;
  }
  for (double& v : r) v = std::max(v, 0.0);  // cancellation can leave −1e−17
  return r;
}

std::vector<double> RidgePath::gcv(double tau) const {
  std::vector<double> g = mean_sq_residual(tau);
  const double f = 1.0 - trace_hat(tau) / double(n_);
  for (double& v : g) v = (f > 0 && std::isfinite(v)) ? v / (f * f) : kInf;
  return g;
}

std::vector<double> RidgePath::noise_variance(double tau) const {
  std::vector<double> s = mean_sq_residual(tau);
  const double dof = double(n_) - trace_hat(tau);
  for (double& v : s) v = (dof > 0 && std::isfinite(v)) ? v * wsum_ / dof : kInf;
  return s;
}

std::vector<double> RidgePath::unit_covariance(double tau) const {
  std::vector<double> cov(std::size_t(p_) * p_, 0.0);
  if (singular(tau)) throw std::invalid_argument("ridge path: the reduced system is singular at tau = 0");
  // L U diag(1/(W(μ+τ))) (L U)ᵀ, symmetric: cov = Σ_j lu_j lu_jᵀ / (W(μ_j+τ)).
  std::vector<double> scaled(lu_);
  for (int j = 0; j < p_; ++j) {
    const double f = 1.0 / std::sqrt(wsum_ * (mu_[j] + tau));
    for (int i = 0; i < p_; ++i) scaled[i + std::size_t(j) * p_] *= f;
  }
  dgemm(false, true, p_, p_, p_, 1.0, scaled.data(), p_, scaled.data(), p_, 0.0, cov.data(), p_);
  return cov;  // symmetric: row- and column-major agree
}

void RidgePath::rotate(const double* psi, double* z) const {
  for (int j = 0; j < p_; ++j) {
    double s = 0;
    for (int i = 0; i < p_; ++i) s += lu_[i + std::size_t(j) * p_] * psi[i];
    z[j] = s;
  }
}

std::vector<double> RidgePath::held_out_sse(const ReducedSums& h, int p, const std::vector<double>& a) {
  const int k = h.ntargets, d = h.dinv;
  if (p > d || a.size() != std::size_t(p) * k) throw std::invalid_argument("held_out_sse: shapes differ");
  std::vector<double> sse(h.yy);
  for (int t = 0; t < k; ++t) {
    double ab = 0, aga = 0;
    for (int i = 0; i < p; ++i) {
      const double ai = a[std::size_t(i) * k + t];
      ab += ai * h.rhs[std::size_t(i) * k + t];
      double gi = 0;
      for (int j = 0; j < p; ++j) gi += h.gram[std::size_t(i) * d + j] * a[std::size_t(j) * k + t];
      aga += ai * gi;
    }
    sse[t] += aga - 2 * ab;
  }
  return sse;
}

LooAccumulator::LooAccumulator(const RidgePath& path, std::vector<double> taus)
    : path_(path), taus_(std::move(taus)), sse_(taus_.size() * std::size_t(path.ntargets()), 0.0) {}

void LooAccumulator::add(std::size_t rows, const double* psi, std::size_t ld, const double* y, const double* w) {
  const int p = path_.size(), k = path_.ntargets();
  const std::vector<double>& mu = path_.mu();
  const std::vector<double>& c = path_.rotated_rhs();
  z_.resize(std::size_t(p) * rows);
  for (std::size_t r = 0; r < rows; ++r) path_.rotate(psi + r * ld, z_.data() + r * p);
  const double wsum_inv = 1.0 / path_.wsum();
  for (std::size_t it = 0; it < taus_.size(); ++it) {
    const double tau = taus_[it];
    const bool sing = path_.singular(tau);
    for (std::size_t r = 0; r < rows; ++r) {
      const double* z = z_.data() + r * p;
      double h = 0;
      for (int j = 0; j < p; ++j) h += z[j] * z[j] / (mu[j] + tau);
      h *= w[r] * wsum_inv;
      for (int t = 0; t < k; ++t) {
        double fit = 0;
        for (int j = 0; j < p; ++j) fit += z[j] * c[std::size_t(j) * k + t] / (mu[j] + tau);
        const double res = (y[r * k + t] - fit) / (1.0 - h);
        sse_[it * k + t] += sing || !(h < 1) ? kInf : w[r] * res * res;
      }
    }
  }
}

}  // namespace specavg
