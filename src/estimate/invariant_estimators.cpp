// The invariant-expansion estimators: f(x) = ψ(x)ᵀ a over the invariant basis. They
// differ only in how a is fitted (parallel/train.cpp, parallel/reduced_solve.cpp).
#include <algorithm>

#include "specavg/estimate/estimator.hpp"
#include "specavg/estimate/invariant_features.hpp"
#include "specavg/estimate/model.hpp"

namespace specavg {

namespace {

class InvariantExpansion : public Estimator {
 public:
  bool uses_invariant_basis() const override { return true; }
  bool needs_group() const override { return true; }
  bool enumerates_group() const override { return false; }
  bool exactly_invariant() const override { return true; }
  void predict(const Model& m, const double* x, std::size_t count, double* out) const override {
    const std::size_t k = std::size_t(m.ntargets);
    if (m.basis.dinv() == 0) {
      std::fill(out, out + count * k, 0.0);
      return;
    }
    InvariantFeatures feats(m.basis);
    const std::size_t nb = feats.tile_rows(), dim = std::size_t(feats.dim());  // cache-sized
    std::vector<double> work;
    for (std::size_t i0 = 0; i0 < count; i0 += nb)
      predict_block(feats, m, x + i0 * dim, std::min(nb, count - i0), out + i0 * k, work);
  }
};

class Ridge final : public InvariantExpansion {
 public:
  const char* name() const override { return "ridge"; }
  const char* summary() const override {
    return "invariant least squares over the invariant basis with penalty tau (1 + lambda)^s or a kernel";
  }
  bool penalized() const override { return true; }
};

class Spectral final : public InvariantExpansion {
 public:
  const char* name() const override { return "spectral"; }
  const char* summary() const override {
    return "spectral averaging: coefficients sum w psi y / sum w, no solve (needs near-uniform sampling)";
  }
  bool penalized() const override { return false; }
};

}  // namespace

const Estimator& ridge_estimator() {
  static const Ridge e;
  return e;
}

const Estimator& spectral_estimator() {
  static const Spectral e;
  return e;
}

}  // namespace specavg
