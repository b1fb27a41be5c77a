#pragma once
// Every ridge fit of one reduced system at once, for data-only model selection and
// error bars (plain C++, no MPI/PETSc).
//
// Conventions
//  * The reduced sums are unnormalized: G = Σ_i w_i ψ_i ψ_iᵀ, b = Σ_i w_i ψ_i y_iᵀ,
//    yy_t = Σ_i w_i y_it², W = Σ_i w_i, n = number of rows. The ridge fit for τ solves
//    (G/W + τ Λ) a = b/W with Λ = diag(penalty) > 0, the same system as the training.
//  * Features are in training order (eigenvalue ascending), so a nested cutoff is the
//    leading p × p block: RidgePath(s, p, ...) uses features 0..p−1.
//  * With L = Λ^{-1/2} and L G L / W = U diag(μ) Uᵀ (μ ascending), every quantity is a
//    sum over j with weights 1/(μ_j + τ): one O(p³) eigendecomposition, then O(p·k) per τ.
//  * Matrices are row-major; coefficients are p × k.
#include <cstddef>
#include <vector>

namespace specavg {

struct ReducedSums {
  int dinv = 0, ntargets = 0;
  std::vector<double> gram;  // dinv × dinv, full symmetric
  std::vector<double> rhs;   // dinv × ntargets
  std::vector<double> yy;    // ntargets
  double wsum = 0.0;
  long long n = 0;
  // this − other, entry by entry (k-fold complements); shapes must agree.
  ReducedSums minus(const ReducedSums& other) const;
  void add(const ReducedSums& other);
};

class RidgePath {
 public:
  // Throws std::invalid_argument for p outside [1, dinv], a penalty with a non-positive
  // entry among the first p, or W ≤ 0.
  RidgePath(const ReducedSums& s, int p, const std::vector<double>& penalty);

  int size() const { return p_; }
  int ntargets() const { return k_; }
  const std::vector<double>& mu() const { return mu_; }  // ascending, ≥ 0 up to rounding

  // True when (G/W + τΛ) is numerically singular: τ = 0 and μ_min ≤ 1e-13·μ_max.
  bool singular(double tau) const;
  // Coefficients a(τ) (p × k).
  std::vector<double> coefficients(double tau) const;
  // tr H(τ) = Σ_j μ_j / (μ_j + τ): the effective degrees of freedom.
  double trace_hat(double tau) const;
  // Weighted mean squared training residual per target: Σ_i w_i (y_it − ψ_iᵀa_t)² / W.
  std::vector<double> mean_sq_residual(double tau) const;
  // Generalized cross-validation per target: (RSS/W) / (1 − tr H / n)² (+inf when
  // tr H ≥ n or singular).
  std::vector<double> gcv(double tau) const;
  // Noise variance per target for unit weight: Σ_i w_i r_i² / (n − tr H) (+inf if n ≤ tr H).
  std::vector<double> noise_variance(double tau) const;
  // Posterior covariance of a per unit noise variance: (G + WτΛ)⁻¹ = L U diag(1/(W(μ+τ))) Uᵀ L
  // (p × p). Multiply by the target's noise variance.
  std::vector<double> unit_covariance(double tau) const;
  // z = Uᵀ L ψ for one feature vector ψ (length ≥ p; the first p entries are used).
  void rotate(const double* psi, double* z) const;
  // Rotated right-hand side c = Uᵀ L b / W (p × k).
  const std::vector<double>& rotated_rhs() const { return c_; }
  double wsum() const { return wsum_; }

  // Score a fit a (p × k) on held-out sums (same feature order, ≥ p features):
  // Σ_i w_i (y_it − ψ_iᵀ a_t)² summed over the held-out rows, per target.
  static std::vector<double> held_out_sse(const ReducedSums& held, int p, const std::vector<double>& a);

 private:
  int p_, k_;
  double wsum_;
  long long n_;
  std::vector<double> scale_;  // L = Λ^{-1/2}, p
  std::vector<double> lu_;     // p × p, column-major: L·U (column j ↔ μ_j)
  std::vector<double> mu_;     // p
  std::vector<double> c_;      // p × k
  std::vector<double> yy_;     // k, divided by W
};

// Leave-one-out accumulation over rows (a second pass over the data): for each τ of the
// grid and target, Σ_i w_i (r_i / (1 − h_ii))² with r_i = y_i − ψ_iᵀa(τ) and
// h_ii = (w_i/W) ψ_iᵀ (G/W + τΛ)⁻¹ ψ_i. Local (callers reduce sse() over ranks).
class LooAccumulator {
 public:
  LooAccumulator(const RidgePath& path, std::vector<double> taus);
  // psi: rows × ld (row-major, first path.size() columns used); y: rows × k; w: rows.
  void add(std::size_t rows, const double* psi, std::size_t ld, const double* y, const double* w);
  // τ-major: sse[t * k + target]. Divide the reduced sums by W for the LOO score.
  const std::vector<double>& sse() const { return sse_; }

 private:
  const RidgePath& path_;
  std::vector<double> taus_, sse_, z_;
};

}  // namespace specavg
