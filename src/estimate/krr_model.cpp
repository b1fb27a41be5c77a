#include "specavg/estimate/krr_model.hpp"

#include <algorithm>
#include <stdexcept>

#include "specavg/estimate/model.hpp"
#include "specavg/util/dense_linalg.hpp"

namespace specavg {

const char* KernelRidgeEstimator::name() const {
  switch (variant_) {
    case Variant::Plain:
      return "krr";
    case Variant::GroupAveraged:
      return "krr-ga";
    case Variant::Augmented:
      return "krr-aug";
  }
  return "?";
}

const char* KernelRidgeEstimator::summary() const {
  switch (variant_) {
    case Variant::Plain:
      return "kernel ridge regression baseline (ignores the group)";
    case Variant::GroupAveraged:
      return "kernel ridge regression with the group-averaged kernel (exactly invariant, enumerates G)";
    case Variant::Augmented:
      return "kernel ridge regression on the data augmented by every g in G (approximately invariant)";
  }
  return "?";
}

void KernelRidgeEstimator::predict(const Model& m, const double* x, std::size_t count, double* out) const {
  krr_predict(m.manifold(), averages_kernel(), m.krr, m.ntargets, x, count, out);
}

const KernelRidgeEstimator& as_kernel_ridge(const Estimator& e) {
  const auto* k = dynamic_cast<const KernelRidgeEstimator*>(&e);
  if (!k) throw std::invalid_argument(std::string("estimator '") + e.name() + "' is not a kernel-ridge estimator");
  return *k;
}

const Estimator& krr_estimator() {
  static const KernelRidgeEstimator e(KernelRidgeEstimator::Variant::Plain);
  return e;
}

const Estimator& krr_group_averaged_estimator() {
  static const KernelRidgeEstimator e(KernelRidgeEstimator::Variant::GroupAveraged);
  return e;
}

const Estimator& krr_augmented_estimator() {
  static const KernelRidgeEstimator e(KernelRidgeEstimator::Variant::Augmented);
  return e;
}

void krr_predict(const Manifold& M, bool averaged, const KrrModel& km, int ntargets, const double* x, std::size_t count,
                 double* out) {
  const Kernel K(M, km.kernel);
  const std::size_t d = std::size_t(M.dim()), N = std::size_t(km.ncenters(M.dim()));
  const std::size_t bx = 256, bc = 4096;
  const double scale = averaged ? 1.0 / double(km.elements.size()) : 1.0;
  std::vector<double> kb(bx * bc), gx;
  std::fill(out, out + count * ntargets, 0.0);
  for (std::size_t i0 = 0; i0 < count; i0 += bx) {
    const std::size_t nx = std::min(bx, count - i0);
    const double* xb = x + i0 * d;
    for (std::size_t c0 = 0; c0 < N; c0 += bc) {
      const std::size_t nc = std::min(bc, N - c0);
      const double* cb = km.centers.data() + c0 * d;
      if (averaged) {
        gx.resize(nx * d);
        for (std::size_t e = 0; e < km.elements.size(); ++e) {
          for (std::size_t i = 0; i < nx; ++i) M.map_point(km.elements[e], xb + i * d, &gx[i * d]);
          K.block(gx.data(), nx, cb, nc, kb.data(), nc, scale, e > 0);
        }
      } else {
        K.block(xb, nx, cb, nc, kb.data(), nc);
      }
      // Row-major out_b (nx × t) += kb (nx × nc) · α_c (nc × t): column-major outᵀ += α_cᵀ kbᵀ.
      dgemm(false, false, ntargets, int(nx), int(nc), 1.0, km.alpha.data() + c0 * ntargets, ntargets, kb.data(),
            int(nc), 1.0, out + i0 * ntargets, ntargets);
    }
  }
}

}  // namespace specavg
