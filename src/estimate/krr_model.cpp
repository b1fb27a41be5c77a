#include "specavg/estimate/krr_model.hpp"

#include <algorithm>
#include <stdexcept>

#include "specavg/util/dense_linalg.hpp"

namespace specavg {

Method parse_method(const std::string& name) {
  if (name == "specavg") return Method::SpecAvg;
  if (name == "krr") return Method::Krr;
  if (name == "krr-ga") return Method::KrrGroupAveraged;
  if (name == "krr-aug") return Method::KrrAugmented;
  throw std::invalid_argument("unknown -method '" + name + "': expected specavg, krr, krr-ga or krr-aug");
}

const char* method_name(Method m) {
  switch (m) {
    case Method::SpecAvg:
      return "specavg";
    case Method::Krr:
      return "krr";
    case Method::KrrGroupAveraged:
      return "krr-ga";
    case Method::KrrAugmented:
      return "krr-aug";
  }
  return "?";
}

void krr_predict(const Manifold& M, Method method, const KrrModel& km, int ntargets, const double* x, std::size_t count,
                 double* out) {
  const Kernel K(M, km.kernel);
  const std::size_t d = std::size_t(M.dim()), N = std::size_t(km.ncenters(M.dim()));
  const std::size_t bx = 256, bc = 4096;
  const bool averaged = method == Method::KrrGroupAveraged;
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
