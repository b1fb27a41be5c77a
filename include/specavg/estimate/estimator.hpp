#pragma once
// The estimator seam (plain C++): each estimator is one registered object that answers
// every question the rest of specavg asks about it, so nothing switches on its name.
//
//   ridge      invariant least squares over the invariant basis, penalty τ·(1+λ)^s or a kernel
//   spectral   spectral averaging: coefficients ΨᵀWy / ΣW, no solve
//   krr        kernel ridge regression, (K + λI)α = y (ignores the group)
//   krr-ga     kernel ridge regression with the group-averaged kernel (enumerates G)
//   krr-aug    kernel ridge regression on the augmented data {(g x_i, y_i)} (enumerates G)
//
// Registered estimators live for the whole program; Model and the options hold plain
// pointers to them. Training is registered separately in parallel/estimator_training.hpp,
// because fitting is distributed and this layer has no MPI.
#include <cstddef>
#include <string>
#include <vector>

namespace specavg {

struct Model;

class Estimator {
 public:
  virtual ~Estimator() = default;
  virtual const char* name() const = 0;     // the -estimator value and the model file's `estimator`
  virtual const char* summary() const = 0;  // one line for -help and info
  // f(x) = ψ(x)ᵀ a over the invariant basis: a cutoff, -select, -std and -basis_from apply.
  virtual bool uses_invariant_basis() const = 0;
  // The fit solves a penalized system (the Gram matrix is accumulated and τ applies).
  virtual bool penalized() const = 0;
  virtual bool needs_group() const = 0;       // undefined without -group
  virtual bool enumerates_group() const = 0;  // cost grows with |G|
  virtual bool exactly_invariant() const = 0;
  // Predictions at count points x (count × dim, row-major) into out (count × ntargets,
  // row-major), in blocks so memory stays bounded. Local; `m` must have been fitted by
  // this estimator.
  virtual void predict(const Model& m, const double* x, std::size_t count, double* out) const = 0;
};

// Throws std::invalid_argument naming the registered estimators when `name` is unknown.
const Estimator& find_estimator(const std::string& name);
bool has_estimator(const std::string& name);
const std::vector<const Estimator*>& registered_estimators();
std::string estimator_names(const char* sep = ", ");  // "ridge, spectral, krr, krr-ga, krr-aug"

// The registered instances of the built-in families (estimate/invariant_estimators.cpp,
// estimate/krr_model.cpp); a new estimator adds one line to the registry in estimator.cpp.
const Estimator& ridge_estimator();
const Estimator& spectral_estimator();
const Estimator& krr_estimator();
const Estimator& krr_group_averaged_estimator();
const Estimator& krr_augmented_estimator();

}  // namespace specavg
