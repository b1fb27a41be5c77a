#include "specavg/basis/eigen_basis.hpp"

#include <algorithm>
#include <stdexcept>

namespace specavg {

EigenBasis::EigenBasis(const Manifold& M, std::vector<Eigenspace> spaces) : M_(M), spaces_(std::move(spaces)) {
  offset_.assign(1, 0);
  for (const Eigenspace& e : spaces_) offset_.push_back(offset_.back() + e.m);
  if (M_.is_torus()) {
    for (const Eigenspace& e : spaces_) shells_.emplace_back(M_.dim, e.label);
    return;
  }
  for (const Eigenspace& e : spaces_) {
    if (e.label < 0) throw std::invalid_argument("EigenBasis: negative sphere degree");
    top_ = std::max(top_, e.label);
  }
  if (M_.kind == ManifoldKind::S2) {
    s2_ = std::make_unique<SphereHarmonics>(top_);
    for (const Eigenspace& e : spaces_) sphere_col_.push_back(sh_index(e.label, -e.label));
  } else {
    hs_ = std::make_unique<HypersphereHarmonics>(M_.dim, top_);
    for (const Eigenspace& e : spaces_) sphere_col_.push_back(hs_->degree_offset(e.label));
  }
}

void EigenBasis::evaluate(const double* x, std::size_t n, double* out, std::size_t ld) const {
  if (M_.is_torus()) {
    for (std::size_t s = 0; s < shells_.size(); ++s) shells_[s].evaluate(x, n, out + offset_[s] * ld, ld);
    return;
  }
  // The recurrences produce every degree ≤ top_: write in place when the spaces are
  // exactly degrees 0..top_ in order, else go through a scratch block.
  bool prefix = spaces_.size() == std::size_t(top_) + 1;
  for (std::size_t s = 0; prefix && s < spaces_.size(); ++s) prefix = spaces_[s].label == int(s);
  const std::size_t full = s2_ ? s2_->size() : hs_->size();
  std::vector<double> scratch;
  double* dst = out;
  std::size_t ldd = ld;
  if (!prefix) {
    scratch.resize(full * n);
    dst = scratch.data();
    ldd = n;
  }
  if (s2_)
    s2_->evaluate(x, n, dst, ldd);
  else
    hs_->evaluate(x, n, dst, ldd);
  if (prefix) return;
  for (std::size_t s = 0; s < spaces_.size(); ++s)
    for (std::size_t r = 0; r < spaces_[s].m; ++r)
      std::copy_n(dst + (sphere_col_[s] + r) * ldd, n, out + (offset_[s] + r) * ld);
}

void EigenBasis::evaluate_space(std::size_t s, const double* x, std::size_t n, double* out, std::size_t ld) const {
  if (M_.is_torus()) return shells_[s].evaluate(x, n, out, ld);
  if (s2_) return s2_->evaluate_degree(spaces_[s].label, x, n, out, ld);
  hs_->evaluate_degree(spaces_[s].label, x, n, out, ld);
}

double EigenBasis::flops_per_point() const {
  if (M_.is_torus()) {
    double f = 0;
    for (const TorusShell& sh : shells_) f += 3.0 * double(sh.size());
    return f;
  }
  return 5.0 * double(s2_ ? s2_->size() : hs_->size());
}

}  // namespace specavg
