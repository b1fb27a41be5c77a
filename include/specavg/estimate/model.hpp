#pragma once
// A trained, exactly invariant model f(x) = ψ(x)ᵀ a on S² (plain C++, no MPI/PETSc).
//
// Conventions
//  * Invariant features ψ are ordered by degree l ascending, and within a degree by the
//    columns of Q_l: ψ_{l,j}(x) = Σ_r Q_l[r, j] φ_{l,r}(x) (harmonics as in
//    basis/sphere_harmonics.hpp). feature_degree() maps a feature to its degree.
//  * Coefficients are row-major D_inv × ntargets.
//  * Penalty weight of a degree-l feature: (1 + λ)^s with λ = l(l+1).
#include <string>
#include <utility>
#include <vector>

#include "specavg/group/invariant_basis.hpp"

namespace specavg {

struct InvariantBasis {
  int lmax = 0;
  std::vector<DegreeInvariants> degrees;  // one per l = 0..lmax
  int dinv() const;
  std::vector<int> feature_degree() const;
  std::size_t dharm() const { return std::size_t(lmax + 1) * (lmax + 1); }
};

// Serial construction (all degrees on this process).
InvariantBasis build_invariant_basis(int lmax, const std::vector<Mat3>& gens);

enum class EstimatorKind { Ridge, Spectral };
EstimatorKind parse_estimator(const std::string& name);  // throws with the valid names
const char* estimator_name(EstimatorKind e);
double penalty_weight(int l, double sobolev_s);

struct Provenance {
  std::string version, options, created;
  int nranks = 1;
  long long n_train = 0;
  double weight_sum = 0.0;
  std::vector<std::pair<std::string, double>> timings;  // phase name, seconds
};

struct Model {
  std::string manifold = "sphere";
  int dim = 3;
  std::string group_spec;
  std::vector<Mat3> generators;
  EstimatorKind estimator = EstimatorKind::Ridge;
  double tau = 0.0, sobolev_s = 0.0;
  InvariantBasis basis;
  int ntargets = 1;
  std::vector<double> coef;  // dinv × ntargets, row-major
  Provenance prov;
  int lmax() const { return basis.lmax; }
};

}  // namespace specavg
