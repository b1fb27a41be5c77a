// The generic parts of the manifold interface: cutoffs, and the checks shared by every
// implementation before it is asked about isometries.
#include "specavg/basis/manifold.hpp"

#include <limits>
#include <sstream>
#include <stdexcept>

namespace specavg {

std::string Cutoff::describe() const {
  std::ostringstream os;
  if (lmax >= 0)
    os << "lmax " << lmax;
  else if (lambda_max >= 0)
    os << "lambda_max " << lambda_max;
  else if (nbasis >= 0)
    os << "nbasis " << nbasis;
  else
    os << "none";
  return os.str();
}

std::vector<Eigenspace> eigenspaces_within(const Manifold& M, const Cutoff& c, std::size_t max_functions) {
  if (!c.set()) throw std::invalid_argument("no cutoff given: pass -lmax, -lambda_max or -nbasis");
  std::vector<Eigenspace> out;
  std::size_t total = 0;
  auto too_many = [&]() {
    std::ostringstream os;
    os << "the cutoff " << c.describe() << " on " << M.describe() << " needs more than " << max_functions
       << " basis functions: choose a smaller cutoff";
    return std::invalid_argument(os.str());
  };
  if (c.lmax >= 0) {
    if (!M.has_degree_cutoff())
      throw std::invalid_argument("-lmax is a degree cutoff and does not apply to the " + M.name() + " (" +
                                  M.describe() + "): use -lambda_max or -nbasis");
    for (int l = 0; l <= c.lmax; ++l) {
      out.push_back(M.eigenspace_of(l));
      total += out.back().m;
      if (total > max_functions) throw too_many();
    }
    return out;
  }
  const double lam_cap = c.lambda_max >= 0 ? c.lambda_max * (1 + 1e-9) + 1e-12 : std::numeric_limits<double>::max();
  for (int label = 0;; ++label) {
    const Eigenspace e = M.eigenspace_of(label);
    if (e.lambda > lam_cap) break;
    if (c.lambda_max < 0 && c.nbasis >= 0 && total >= std::size_t(c.nbasis)) break;
    if (e.m == 0) continue;
    out.push_back(e);
    total += e.m;
    if (total > max_functions) throw too_many();
  }
  return out;
}

std::function<double(const double*)> Manifold::closed_form_target(const std::string& name) const {
  if (name != "paper") return {};
  const int d = dim();
  return [d](const double* x) {
    double f = 0;
    for (int i = 0; i < d; ++i) f += double(i + 1) * x[i] * x[i];
    return f / d;
  };
}

void Manifold::map_point(const Isometry& g, const double* x, double* y) const {
  isometry_apply(g, x, y);
  project(y);
}

void Manifold::validate_isometries(const std::vector<Isometry>& gens, const std::string& source) const {
  for (std::size_t j = 0; j < gens.size(); ++j)
    if (gens[j].dim != dim()) {
      std::ostringstream os;
      os << "generator " << j << " from " << source << " acts on " << gens[j].dim << " coordinates, but the manifold "
         << describe() << " has points with " << dim() << ": give " << dim() << "x" << dim() << " generators";
      throw std::invalid_argument(os.str());
    }
  check_isometries(gens, source);
}

std::unique_ptr<EigenspaceAction> Manifold::eigenspace_action(const Eigenspace& e,
                                                              const std::vector<Isometry>& gens) const {
  for (const Isometry& g : gens)
    if (g.dim != dim())
      throw std::invalid_argument("eigenspace_action: a generator acts on " + std::to_string(g.dim) +
                                  " coordinates but the manifold has " + std::to_string(dim()));
  return make_action(e, gens);
}

}  // namespace specavg
