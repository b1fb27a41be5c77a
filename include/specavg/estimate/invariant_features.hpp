#pragma once
// Block evaluation of the invariant features ψ(x) = (Q_lᵀ φ_l(x))_l and of predictions.
// Not thread-safe (owns a workspace); create one per thread.
#include <vector>

#include "specavg/basis/sphere_harmonics.hpp"
#include "specavg/estimate/model.hpp"

namespace specavg {

class InvariantFeatures {
 public:
  explicit InvariantFeatures(const InvariantBasis& basis);
  int dinv() const { return dinv_; }
  // psi: nb × dinv, column-major with ld = nb. Points row-major nb × 3 on the sphere.
  void evaluate(const double* xyz, std::size_t nb, double* psi);
  // Floating-point operations of one evaluate() call per point (for rate reports).
  double flops_per_point() const;

 private:
  const InvariantBasis& basis_;
  SphereHarmonics sh_;
  int dinv_ = 0;
  std::vector<double> phi_;
};

// Predictions out (nb × ntargets, row-major) = ψ(x) · coef for a block of points.
// psi_work is resized as needed.
void predict_block(InvariantFeatures& feats, const Model& model, const double* xyz, std::size_t nb, double* out,
                   std::vector<double>& psi_work);

}  // namespace specavg
