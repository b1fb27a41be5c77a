#pragma once
// Kernel-ridge baselines (DESIGN.md §1 "Baselines"): the fitted part of a model (plain C++).
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
#include "specavg/estimate/kernel.hpp"
#include "specavg/basis/isometry.hpp"

namespace specavg {

enum class Method { SpecAvg, Krr, KrrGroupAveraged, KrrAugmented };
Method parse_method(const std::string& name);  // throws with the valid names
const char* method_name(Method m);             // "specavg", "krr", "krr-ga", "krr-aug"

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
void krr_predict(const Manifold& M, Method method, const KrrModel& km, int ntargets, const double* x, std::size_t count,
                 double* out);

}  // namespace specavg
