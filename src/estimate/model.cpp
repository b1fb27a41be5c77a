#include "specavg/estimate/model.hpp"

#include "specavg/estimate/kernel.hpp"
#include "specavg/util/dense_linalg.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace specavg {

int InvariantBasis::dinv() const {
  int n = 0;
  for (const auto& s : spaces) n += s.k;
  return n;
}

std::size_t InvariantBasis::dtotal() const {
  std::size_t n = 0;
  for (const auto& s : spaces) n += std::size_t(s.m);
  return n;
}

std::vector<double> InvariantBasis::feature_lambda() const {
  std::vector<double> lam;
  for (const auto& s : spaces) lam.insert(lam.end(), std::size_t(s.k), s.lambda);
  return lam;
}

std::vector<int> InvariantBasis::feature_label() const {
  std::vector<int> lab;
  for (const auto& s : spaces) lab.insert(lab.end(), std::size_t(s.k), s.label);
  return lab;
}

int InvariantBasis::top_label() const {
  int top = 0;
  for (const auto& s : spaces)
    if (s.k > 0) top = std::max(top, s.label);
  return top;
}

InvariantBasis build_invariant_basis(const Manifold& M, const Cutoff& cutoff, const std::vector<Isometry>& gens,
                                     double null_tol) {
  InvariantBasis b;
  b.manifold = M.shared_from_this();
  b.cutoff = cutoff.describe();
  const std::vector<Eigenspace> spaces = eigenspaces_within(M, cutoff);
  if (M.supports_wigner_route() && !gens.empty()) {
    b.spaces = invariant_spaces_wigner(spaces, gens, null_tol);
    return b;
  }
  for (const Eigenspace& e : spaces)
    b.spaces.push_back(invariant_space(M, e, gens, 1000, null_tol, {}, MonomialRoute::AboveDenseMax));
  return b;
}

double penalty_weight(double lambda, double sobolev_s) {
  return std::pow(1.0 + lambda, sobolev_s);
}

std::vector<double> penalty_weights(const InvariantBasis& basis, double sobolev_s, const Kernel* kernel) {
  std::vector<double> w;
  double mu0 = 0.0;
  if (kernel) mu0 = kernel->space_eigenvalue(basis.manifold->eigenspace_of(0));
  for (const SpaceInvariants& sp : basis.spaces) {
    double v = penalty_weight(sp.lambda, sobolev_s);
    if (kernel) {
      const double mu = kernel->space_eigenvalue(basis.manifold->eigenspace_of(sp.label));
      v = mu > 0 ? mu0 / mu : 1e300;
      if (!(v < 1e300)) v = 1e300;
    }
    w.insert(w.end(), std::size_t(sp.k), v);
  }
  return w;
}

void predictive_std(const ModelUncertainty& u, int dinv, const double* psi, std::size_t nb, double* out,
                    std::vector<double>& work) {
  const std::size_t k = u.noise_variance.size();
  work.resize(nb * std::size_t(dinv));
  std::vector<double> quad(u.unit_covariance.size() * nb, 0.0);
  for (std::size_t g = 0; g < u.unit_covariance.size(); ++g) {
    // T = Ψ C (nb × dinv, column-major), then q_i = Σ_j Ψ_ij T_ij.
    dgemm(false, false, int(nb), dinv, dinv, 1.0, psi, int(nb), u.unit_covariance[g].data(), dinv, 0.0, work.data(),
          int(nb));
    for (int j = 0; j < dinv; ++j)
      for (std::size_t i = 0; i < nb; ++i) quad[g * nb + i] += psi[std::size_t(j) * nb + i] * work[std::size_t(j) * nb + i];
  }
  for (std::size_t i = 0; i < nb; ++i)
    for (std::size_t t = 0; t < k; ++t)
      out[i * k + t] = std::sqrt(std::max(0.0, u.noise_variance[t] * quad[std::size_t(u.target_group[t]) * nb + i]));
}

}  // namespace specavg
