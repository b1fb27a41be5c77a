#include "specavg/basis/collocation_action.hpp"

#include <algorithm>
#include <array>

#include "specavg/basis/eigen_basis.hpp"
#include "specavg/util/dense_linalg.hpp"

namespace specavg {
namespace {

constexpr double kStoreBudgetBytes = 1024.0 * 1024 * 1024;  // cached Φ(hX) for all generators

class CollocationAction final : public EigenspaceAction {
 public:
  CollocationAction(const Manifold& M, const Eigenspace& e, const std::vector<Isometry>& gens,
                    std::vector<double> points)
      : M_(M.shared_from_this()),
        basis_(M.eigenbasis({e})),
        m_(int(e.m)),
        n_(points.size() / std::size_t(M.dim())),
        x_(std::move(points)),
        ls_(int(n_), m_, eval(x_)) {
    for (const Isometry& g : gens) maps_.push_back({g, isometry_inverse(g)});
    store_ = 2.0 * double(gens.size()) * double(n_) * m_ * 8 <= kStoreBudgetBytes;
    if (store_)
      for (auto& pair : maps_)
        for (int t = 0; t < 2; ++t) cache_.push_back(eval(mapped(pair[t])));
  }
  int m() const override { return m_; }
  int ngenerators() const override { return int(maps_.size()); }
  double apply_flops() const override { return 6.0 * double(n_) * m_ + double(m_) * m_; }

  void apply(int j, bool transpose, int nv, const double* X, int ldx, double* Y, int ldy) const override {
    const int t = transpose ? 0 : 1;  // Dᵀ uses g, D uses g⁻¹
    std::vector<double> tmp;
    const double* Phi = phi_of(j, t, &tmp);
    work_.resize(n_ * std::size_t(nv));
    dgemm(false, false, int(n_), nv, m_, 1.0, Phi, int(n_), X, ldx, 0.0, work_.data(), int(n_));
    ls_.solve(nv, work_.data());
    for (int c = 0; c < nv; ++c) std::copy_n(work_.data() + c * n_, m_, Y + std::size_t(c) * ldy);
  }

  std::vector<double> dense_transpose(int j) const override {
    std::vector<double> tmp;
    const double* Phi = phi_of(j, 0, &tmp);
    std::vector<double> B(Phi, Phi + n_ * m_);
    ls_.solve(m_, B.data());
    std::vector<double> M(std::size_t(m_) * m_);
    for (int c = 0; c < m_; ++c) std::copy_n(B.data() + c * n_, m_, M.data() + std::size_t(c) * m_);
    return M;
  }

 private:
  std::vector<double> eval(const std::vector<double>& pts) const {
    std::vector<double> phi(n_ * m_);
    basis_->evaluate_space(0, pts.data(), n_, phi.data(), n_);
    return phi;
  }

  std::vector<double> mapped(const Isometry& g) const {
    const std::size_t d = std::size_t(M_->dim());
    std::vector<double> gx(x_.size());
    for (std::size_t q = 0; q < n_; ++q) M_->map_point(g, &x_[q * d], &gx[q * d]);
    return gx;
  }

  const double* phi_of(int j, int t, std::vector<double>* tmp) const {
    if (store_) return cache_[2 * std::size_t(j) + t].data();
    *tmp = eval(mapped(maps_[j][t]));
    return tmp->data();
  }

  ManifoldPtr M_;
  std::unique_ptr<EigenBasis> basis_;
  int m_;
  std::size_t n_;
  std::vector<double> x_;
  LeastSquares ls_;
  std::vector<std::array<Isometry, 2>> maps_;  // {g, g⁻¹}
  bool store_ = false;
  std::vector<std::vector<double>> cache_;  // Φ(g_j X), Φ(g_j⁻¹ X)
  mutable std::vector<double> work_;
};

}  // namespace

std::size_t collocation_points(std::size_t m) {
  return m <= 256 ? 4 * m : 2 * m;
}

std::unique_ptr<EigenspaceAction> collocation_action(const Manifold& M, const Eigenspace& e,
                                                     const std::vector<Isometry>& gens, std::vector<double> points) {
  return std::make_unique<CollocationAction>(M, e, gens, std::move(points));
}

}  // namespace specavg
