#include "specavg/estimate/invariant_features.hpp"

#include "specavg/util/dense_linalg.hpp"

namespace specavg {
namespace {
// Highest degree carrying invariant features: harmonics above it are never needed.
int top_degree(const InvariantBasis& b) {
  int top = 0;
  for (const auto& d : b.degrees)
    if (d.k > 0) top = d.l;
  return top;
}
}  // namespace

InvariantFeatures::InvariantFeatures(const InvariantBasis& basis)
    : basis_(basis), sh_(top_degree(basis)), dinv_(basis.dinv()) {}

void InvariantFeatures::evaluate(const double* xyz, std::size_t nb, double* psi) {
  phi_.resize(nb * sh_.size());
  sh_.evaluate(xyz, nb, phi_.data(), nb);
  int col = 0;
  for (const auto& d : basis_.degrees) {
    if (d.k == 0) continue;
    // ψ_l (nb × k) = Φ_l (nb × m, contiguous columns l²..) · Q_l (m × k)
    dgemm(false, false, int(nb), d.k, d.m, 1.0, phi_.data() + sh_index(d.l, -d.l) * nb, int(nb), d.Q.data(), d.m, 0.0,
          psi + std::size_t(col) * nb, int(nb));
    col += d.k;
  }
}

double InvariantFeatures::flops_per_point() const {
  double f = 5.0 * double(sh_.size());  // recurrence + trig products per harmonic
  for (const auto& d : basis_.degrees) f += 2.0 * d.m * d.k;
  return f;
}

void predict_block(InvariantFeatures& feats, const Model& model, const double* xyz, std::size_t nb, double* out,
                   std::vector<double>& psi_work) {
  const int D = feats.dinv(), k = model.ntargets;
  psi_work.resize(nb * std::size_t(D));
  feats.evaluate(xyz, nb, psi_work.data());
  // out row-major nb × k is column-major k × nb: outᵀ = coefᵀ(k × D) · ψᵀ.
  // coef row-major D × k is column-major k × D with ld = k.
  dgemm(false, true, k, int(nb), D, 1.0, model.coef.data(), k, psi_work.data(), int(nb), 0.0, out, k);
}

}  // namespace specavg
