#include "specavg/estimate/model.hpp"

#include <cmath>
#include <stdexcept>

namespace specavg {

int InvariantBasis::dinv() const {
  int n = 0;
  for (const auto& d : degrees) n += d.k;
  return n;
}

std::vector<int> InvariantBasis::feature_degree() const {
  std::vector<int> deg;
  for (const auto& d : degrees) deg.insert(deg.end(), std::size_t(d.k), d.l);
  return deg;
}

InvariantBasis build_invariant_basis(int lmax, const std::vector<Mat3>& gens) {
  if (lmax < 0) throw std::invalid_argument("-lmax must be >= 0");
  InvariantBasis b;
  b.lmax = lmax;
  for (int l = 0; l <= lmax; ++l) b.degrees.push_back(invariant_subspace(l, gens));
  return b;
}

EstimatorKind parse_estimator(const std::string& name) {
  if (name == "ridge") return EstimatorKind::Ridge;
  if (name == "spectral") return EstimatorKind::Spectral;
  throw std::invalid_argument("unknown -estimator '" + name +
                              "': expected 'ridge' (invariant least squares) or 'spectral' (spectral averaging)");
}

const char* estimator_name(EstimatorKind e) {
  return e == EstimatorKind::Ridge ? "ridge" : "spectral";
}

double penalty_weight(int l, double sobolev_s) {
  return std::pow(1.0 + double(l) * (l + 1), sobolev_s);
}

}  // namespace specavg
