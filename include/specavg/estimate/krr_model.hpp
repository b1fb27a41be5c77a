#pragma once
// Kernel-ridge baselines (docs/mathematics.md, baselines): the fitted part of a model (plain C++).
//
//   krr      f(x) = Σ_j α_j K(x, c_j), centers c_j = the training points.
//   krr-ga   f(x) = Σ_j α_j (1/|G|) Σ_{g∈G} K(g x, c_j): the group-averaged kernel, exactly
//            invariant, Ω(n²|G|) to train; `elements` is the enumerated group.
//   krr-aug  plain KRR on the augmented set {(g x_i, y_i)}: centers c = g x_i in the order
//            (i, g), n|G| of them; invariant only approximately.
// Training solves (K + λ I) α = y (the regularization of scikit-learn's KernelRidge;
// Soleymani et al. use λ = 50 with the product von Mises kernel on T^10).
#include <string>
#include <vector>

#include "specavg/basis/manifold.hpp"
#include "specavg/estimate/estimator.hpp"
#include "specavg/estimate/kernel.hpp"
#include "specavg/basis/isometry.hpp"

namespace specavg {

// The three kernel-ridge estimators (estimate/estimator.hpp); their fitted state is
// Model::krr. krr ignores the group (a model keeps it when given).
class KernelRidgeEstimator : public Estimator {
 public:
  enum class Variant { Plain, GroupAveraged, Augmented };
  explicit KernelRidgeEstimator(Variant v) : variant_(v) {}
  const char* name() const override;
  const char* summary() const override;
  bool uses_invariant_basis() const override { return false; }
  bool penalized() const override { return true; }
  bool needs_group() const override { return variant_ != Variant::Plain; }
  bool enumerates_group() const override { return variant_ != Variant::Plain; }
  bool exactly_invariant() const override { return variant_ == Variant::GroupAveraged; }
  void predict(const Model& m, const double* x, std::size_t count, double* out) const override;
  bool averages_kernel() const { return variant_ == Variant::GroupAveraged; }
  bool augments_data() const { return variant_ == Variant::Augmented; }

 private:
  Variant variant_;
};

// The kernel-ridge view of an estimator; throws std::invalid_argument if it is not one.
const KernelRidgeEstimator& as_kernel_ridge(const Estimator& e);

struct KrrModel {
  KernelSpec kernel;
  double lambda = 0.0;
  long long order = 0;             // |G| for krr-ga / krr-aug, 0 for krr
  std::vector<Isometry> elements;  // krr-ga only
  std::vector<double> centers;     // N × dim, row-major
  std::vector<double> alpha;       // N × ntargets, row-major
  long long ncenters(int dim) const { return dim > 0 ? (long long)(centers.size() / std::size_t(dim)) : 0; }
};

// out (count × ntargets, row-major) = predictions at count points x (count × dim), in
// blocks of points and centers so memory stays bounded (≈ 8 MiB of kernel values).
void krr_predict(const Manifold& M, bool averaged, const KrrModel& km, int ntargets, const double* x, std::size_t count,
                 double* out);

}  // namespace specavg
