#include "specavg/basis/manifold.hpp"

#include <cmath>
#include <limits>
#include <sstream>
#include <stdexcept>

#include "specavg/basis/hypersphere_harmonics.hpp"
#include "specavg/basis/torus_fourier.hpp"

namespace specavg {
namespace {
const double kPi = std::acos(-1.0);
}

std::string Manifold::name() const {
  switch (kind) {
    case ManifoldKind::S2:
      return "s2";
    case ManifoldKind::Sphere:
      return "sphere";
    default:
      return "torus";
  }
}

std::string Manifold::describe() const {
  std::ostringstream os;
  if (kind == ManifoldKind::S2) os << "S^2 (real spherical harmonics)";
  if (kind == ManifoldKind::Sphere) os << "S^" << dim - 1 << " (sphere in R^" << dim << ", Gegenbauer-chain harmonics)";
  if (kind == ManifoldKind::Torus) os << "T^" << dim << " (torus [-1,1)^" << dim << ", Fourier products)";
  return os.str();
}

Manifold make_manifold(const std::string& name, int dim) {
  Manifold M;
  M.dim = dim;
  if (name == "s2") {
    M.kind = ManifoldKind::S2;
    if (dim != 3)
      throw std::invalid_argument("-manifold s2 has points with 3 coordinates, but -dim is " + std::to_string(dim) +
                                  ": use -manifold sphere -dim " + std::to_string(dim) + " for S^" +
                                  std::to_string(dim - 1));
  } else if (name == "sphere") {
    M.kind = ManifoldKind::Sphere;
    if (dim < 2 || dim > 64)
      throw std::invalid_argument("-manifold sphere needs 2 <= -dim <= 64 (S^{d-1} in R^d), got " +
                                  std::to_string(dim));
  } else if (name == "torus") {
    M.kind = ManifoldKind::Torus;
    if (dim < 1 || dim > 64)
      throw std::invalid_argument("-manifold torus needs 1 <= -dim <= 64, got " + std::to_string(dim));
  } else {
    throw std::invalid_argument("unknown -manifold '" + name + "': expected s2, sphere or torus");
  }
  return M;
}

Eigenspace eigenspace_of(const Manifold& M, int label) {
  Eigenspace e;
  e.label = label;
  if (M.kind == ManifoldKind::Torus) {
    e.lambda = kPi * kPi * label;
    e.m = torus_multiplicity(M.dim, label);
  } else {
    e.lambda = double(label) * (label + M.dim - 2);
    e.m = M.kind == ManifoldKind::S2 ? std::size_t(2 * label + 1) : sphere_multiplicity(M.dim, label);
  }
  return e;
}

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
    if (M.is_torus())
      throw std::invalid_argument(
          "-lmax is the sphere degree and does not apply to the torus: use -lambda_max or "
          "-nbasis");
    for (int l = 0; l <= c.lmax; ++l) {
      out.push_back(eigenspace_of(M, l));
      total += out.back().m;
      if (total > max_functions) throw too_many();
    }
    return out;
  }
  const double lam_cap = c.lambda_max >= 0 ? c.lambda_max * (1 + 1e-9) + 1e-12 : std::numeric_limits<double>::max();
  for (int label = 0;; ++label) {
    const Eigenspace e = eigenspace_of(M, label);
    if (e.lambda > lam_cap) break;
    if (c.lambda_max < 0 && c.nbasis >= 0 && total >= std::size_t(c.nbasis)) break;
    if (e.m == 0) continue;
    out.push_back(e);
    total += e.m;
    if (total > max_functions) throw too_many();
  }
  return out;
}

double manifold_defect(const Manifold& M, const double* x) {
  if (M.kind == ManifoldKind::Torus) {
    double worst = 0.0;
    for (int i = 0; i < M.dim; ++i) {
      if (!std::isfinite(x[i])) return std::numeric_limits<double>::infinity();
      worst = std::max(worst, std::fabs(x[i]) - 1.0);
    }
    return worst;
  }
  double s = 0.0;
  for (int i = 0; i < M.dim; ++i) s += x[i] * x[i];
  return std::isfinite(s) ? std::fabs(std::sqrt(s) - 1.0) : std::numeric_limits<double>::infinity();
}

BasisConventions basis_conventions(const Manifold& M) {
  switch (M.kind) {
    case ManifoldKind::S2:
      return {"eigenspaces by degree l ascending; within degree l, order m = -l..l ascending (index l^2 + l + m)",
              "orthonormal for the normalized surface measure dsigma/(4 pi) (4pi-normalized, Y_00 = 1)",
              "real harmonics without the Condon-Shortley factor (-1)^m: m > 0 cos(m phi), m < 0 sin(|m| phi)"};
    case ManifoldKind::Sphere:
      return {"eigenspaces by degree k ascending; within a degree, Gelfand-Tsetlin chains (j_{d-1}, ..., j_2) "
              "lexicographic ascending, cos before sin",
              "orthonormal for the normalized surface measure (Y_0 = 1)",
              "Gegenbauer-chain products with positive normalizing constants times Re/Im (x_1 + i x_2)^{j_2}"};
    case ManifoldKind::Torus:
      break;
  }
  return {"shells n = |kappa|^2 ascending (empty shells skipped); within a shell kappa >= 0 lexicographic ascending "
          "(kappa_0 most significant), then the sine mask ascending",
          "orthonormal for the normalized measure dx / 2^d (phi_0 = 1)",
          "products of sqrt(2) cos(pi kappa_i x_i) or sqrt(2) sin(pi kappa_i x_i), no sign factors"};
}

void project_to_manifold(const Manifold& M, double* x) {
  if (M.kind == ManifoldKind::Torus) return;
  double s = 0.0;
  for (int i = 0; i < M.dim; ++i) s += x[i] * x[i];
  if (!(s > 0)) return;
  const double inv = 1.0 / std::sqrt(s);
  for (int i = 0; i < M.dim; ++i) x[i] *= inv;
}

void map_point(const Manifold& M, const Isometry& g, const double* x, double* y) {
  isometry_apply(g, x, y);
  if (M.kind == ManifoldKind::Torus) {
    for (int i = 0; i < M.dim; ++i) y[i] = torus_wrap(y[i]);
    return;
  }
  double s = 0.0;
  for (int i = 0; i < M.dim; ++i) s += y[i] * y[i];
  const double inv = s > 0 ? 1.0 / std::sqrt(s) : 1.0;
  for (int i = 0; i < M.dim; ++i) y[i] *= inv;
}

void validate_isometries(const Manifold& M, const std::vector<Isometry>& gens, const std::string& source) {
  for (std::size_t j = 0; j < gens.size(); ++j)
    if (gens[j].dim != M.dim) {
      std::ostringstream os;
      os << "generator " << j << " from " << source << " acts on " << gens[j].dim << " coordinates, but the manifold "
         << M.describe() << " has points with " << M.dim << ": give " << M.dim << "x" << M.dim << " generators";
      throw std::invalid_argument(os.str());
    }
  if (M.is_torus())
    validate_torus_isometries(gens, source);
  else
    validate_sphere_isometries(gens, source);
}

}  // namespace specavg
