#pragma once
// A trained, exactly invariant model f(x) = ψ(x)ᵀ a on a manifold (plain C++, no MPI/PETSc).
//
// Conventions
//  * Invariant features ψ are ordered by eigenspace (λ ascending), and within an
//    eigenspace by the columns of its Q: ψ_{λ,j}(x) = Σ_r Q_λ[r, j] φ_{λ,r}(x), with the
//    basis φ of the manifold (basis/manifold.hpp).
//  * Coefficients are row-major D_inv × ntargets.
//  * Penalty weight of a feature of eigenvalue λ: (1 + λ)^s.
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "specavg/basis/manifold.hpp"
#include "specavg/estimate/estimator.hpp"
#include "specavg/estimate/krr_model.hpp"
#include "specavg/estimate/model_selection.hpp"
#include "specavg/group/invariant_basis.hpp"
#include "specavg/group/orbit_types.hpp"
#include "specavg/group/torus_orbits.hpp"
#include "specavg/basis/isometry.hpp"

namespace specavg {

struct InvariantBasis {
  ManifoldPtr manifold;
  std::string cutoff;                   // e.g. "lmax 24", as given
  std::vector<SpaceInvariants> spaces;  // every eigenspace within the cutoff, λ ascending
  // Set when the spaces come from the invariant-ring route (method "ring"): the orbit types
  // their ring_terms index; features are then evaluated from orbit sums, not from φ.
  std::shared_ptr<const OrbitTypes> ring;
  // The same route on the torus: the mode orbits (group/torus_orbits.hpp) of every shell,
  // in shell order; features are the normalized orbit sums.
  std::shared_ptr<const TorusOrbits> torus_ring;
  bool ring_route() const { return ring || torus_ring; }
  int dinv() const;
  std::size_t dtotal() const;  // Σ m_λ: basis functions within the cutoff
  std::vector<double> feature_lambda() const;
  std::vector<int> feature_label() const;
  int top_label() const;  // largest label carrying invariant features (0 if none)
};

// Serial construction without SLEPc (tests, benchmarks; the distributed pipeline uses
// parallel/distributed_basis.hpp): S² by the exact Wigner route (group/wigner_invariants.hpp);
// torus blocks and spheres up to m = 1000 dense, larger sphere eigenspaces by the monomial
// route when the generators allow it, else dense.
InvariantBasis build_invariant_basis(const Manifold& M, const Cutoff& cutoff, const std::vector<Isometry>& gens,
                                     double null_tol = 1e-8);

double penalty_weight(double lambda, double sobolev_s);
// Ridge penalty weights per invariant feature: (1 + λ)^s, or with a kernel μ_0/μ_λ (its
// operator eigenvalues, kernel.hpp), which makes the ridge estimator the group-averaged
// kernel ridge regression restricted to the cutoff (τ = λ_KRR / (n μ_0)).
class Kernel;
std::vector<double> penalty_weights(const InvariantBasis& basis, double sobolev_s, const Kernel* kernel = nullptr);

struct Provenance {
  std::string version, options, created;
  int nranks = 1;
  long long n_train = 0;
  double weight_sum = 0.0;
  std::vector<std::pair<std::string, double>> timings;  // phase name, seconds
};

// Gaussian-noise error model of a fitted invariant model (docs/uncertainty.md): for target
// t, y = ψᵀa + ε with ε ~ N(0, σ_t²/w); the ridge fit is the posterior mean and
// Cov(a_t) = σ_t² · C_g with the unit covariance C_g = (ΨᵀWΨ + WτΛ)⁻¹ of its (cutoff, τ)
// (spectral: ΨᵀWΨ / W²). Truncation bias (what the cutoff leaves out) is not in it.
struct ModelUncertainty {
  std::vector<double> noise_variance;                // per target: σ_t² for unit weight
  std::vector<int> target_group;                     // per target: index into unit_covariance
  std::vector<std::vector<double>> unit_covariance;  // per group: dinv × dinv (zero beyond the cutoff)
  bool empty() const { return noise_variance.empty(); }
};

// Predictive standard deviation of the noise-free fitted field, sqrt(σ_t² ψᵀ C_g ψ), for a
// block of nb points: psi is nb × dinv column-major (InvariantFeatures::evaluate), out is
// nb × ntargets row-major. work is resized as needed.
void predictive_std(const ModelUncertainty& u, int dinv, const double* psi, std::size_t nb, double* out,
                    std::vector<double>& work);

// A trained model. `estimator` (estimate/estimator.hpp) says what it is and predicts with
// it. Invariant-basis estimators (ridge, spectral) fill basis … uncertainty with
// f = ψᵀ coef; kernel-ridge estimators fill `krr`, and `basis` then holds only the manifold.
struct Model {
  const Estimator* estimator = &ridge_estimator();
  KrrModel krr;
  std::string group_spec;
  std::vector<Isometry> generators;
  double tau = 0.0, sobolev_s = 0.0;
  std::string penalty = "sobolev";  // description of the ridge penalty, e.g. "kernel vmf, kappa = 10"
  InvariantBasis basis;
  int ntargets = 1;
  std::vector<double> coef;  // dinv × ntargets, row-major
  bool has_selection = false;
  SelectionResult selection;     // -select: the criterion curve and the choice per target
  ModelUncertainty uncertainty;  // empty when not computed (see -uncertainty)
  Provenance prov;
  const Manifold& manifold() const { return *basis.manifold; }
  // Predictions at count points (count × dim) into out (count × ntargets), row-major.
  void predict(const double* x, std::size_t count, double* out) const { estimator->predict(*this, x, count, out); }
};

}  // namespace specavg
