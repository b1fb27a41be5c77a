#include "specavg/basis/sphere_manifold.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <sstream>
#include <stdexcept>

#include "specavg/basis/collocation_action.hpp"
#include "specavg/basis/gauss_quadrature.hpp"
#include "specavg/basis/hypersphere_harmonics.hpp"
#include "specavg/util/counter_rng.hpp"
#include "specavg/util/dense_linalg.hpp"

namespace specavg {
namespace {

constexpr double kPi = 3.14159265358979323846;
constexpr int kMaxTerms = 4000;
constexpr std::uint64_t kCollocationSeed = 0xC0110C;

// Σ_k c_k P_k(u) with P_k normalized Gegenbauer polynomials of S^{d−1}:
// P_{k+1} = ((2k + d − 2) u P_k − k P_{k−1}) / (k + d − 2), P_0 = 1, P_1 = u.
double gegenbauer_sum(const std::vector<double>& c, int d, double u) {
  u = std::clamp(u, -1.0, 1.0);
  double p0 = 1.0, p1 = u, s = c[0];
  if (c.size() > 1) s += c[1] * u;
  for (std::size_t k = 1; k + 1 < c.size(); ++k) {
    const double p2 = ((2.0 * k + d - 2) * u * p1 - double(k) * p0) / double(k + d - 2);
    s += c[k + 1] * p2;
    p0 = p1;
    p1 = p2;
  }
  return s;
}

// Zonal kernels K(x, y) = k(x·y): one DGEMM for the inner products, then k element-wise.
class SphereKernel final : public ManifoldKernel {
 public:
  enum class Kind { Heat, Sobolev, Vmf };

  SphereKernel(int d, Kind kind, double width) : d_(d), kind_(kind), width_(width) {
    if (kind == Kind::Sobolev)
      for (int k = 0; k <= kSobolevDegree; ++k)
        coef_.push_back(std::pow(1.0 + double(k) * (k + d - 2), -width) * double(sphere_multiplicity(d, k)));
    if (kind == Kind::Heat)
      for (int k = 0;; ++k) {
        const double w = std::exp(-width * double(k) * (k + d - 2)) * double(sphere_multiplicity(d, k));
        if (k > 2 && w < 1e-17 * coef_[0]) break;
        if (k > kMaxTerms)
          throw std::invalid_argument("heat kernel width t = " + std::to_string(width) +
                                      " needs more than 4000 degrees: use a larger -krr_width");
        coef_.push_back(w);
      }
  }

  void block(const double* X, std::size_t nx, const double* Y, std::size_t ny, double* out, std::size_t ldo,
             double scale, bool accumulate) const override {
    if (nx == 0 || ny == 0) return;
    const int k = d_;
    // Row-major G = X Yᵀ is column-major Gᵀ = Y Xᵀ.
    std::vector<double> tmp;
    double* G = out;
    std::size_t ldg = ldo;
    if (accumulate) {
      tmp.resize(nx * ny);
      G = tmp.data();
      ldg = ny;
    }
    dgemm(true, false, int(ny), int(nx), k, 1.0, Y, k, X, k, 0.0, G, int(ldg));
    for (std::size_t i = 0; i < nx; ++i)
      for (std::size_t j = 0; j < ny; ++j) {
        const double v = scale * scalar(G[i * ldg + j]);
        if (accumulate)
          out[i * ldo + j] += v;
        else
          out[i * ldo + j] = v;
      }
  }

  double space_eigenvalue(const Eigenspace& e) const override {
    if (kind_ == Kind::Heat) return std::exp(-width_ * e.lambda);
    if (kind_ == Kind::Sobolev) {
      if (e.label > kSobolevDegree)
        throw std::invalid_argument("the sobolev kernel is truncated at degree " + std::to_string(kSobolevDegree) +
                                    ": use a cutoff at or below it for a kernel penalty");
      return std::pow(1.0 + e.lambda, -width_);
    }
    // Funk–Hecke in θ (t = cos θ, weight sin^{d−2} θ), Gauss–Legendre with enough nodes for
    // the degree and the kernel's sharpness.
    const int d = d_, k = e.label;
    const int q = 64 + 2 * k + int(4 * std::sqrt(width_));
    std::vector<double> x, w;
    gauss_legendre(q, x, w);
    double num = 0.0, den = 0.0;
    std::vector<double> c(std::size_t(k) + 1, 0.0);
    c[std::size_t(k)] = 1.0;
    for (int i = 0; i < q; ++i) {
      const double th = 0.5 * kPi * (x[i] + 1.0), t = std::cos(th);
      const double wt = w[i] * std::pow(std::sin(th), d - 2);
      num += wt * scalar(t) * gegenbauer_sum(c, d, t);
      den += wt;
    }
    return num / den;
  }

  int terms() const override { return int(coef_.size()) - 1; }

 private:
  double scalar(double u) const {
    if (kind_ == Kind::Vmf) return std::exp(width_ * (u - 1.0));
    return gegenbauer_sum(coef_, d_, u);
  }

  int d_;
  Kind kind_;
  double width_;
  std::vector<double> coef_;  // addition-theorem weights a_k N(d, k)
};

}  // namespace

SphereManifold::SphereManifold(int dim) : Manifold(dim) {
  if (dim < 2 || dim > 64)
    throw std::invalid_argument("-manifold sphere needs 2 <= -dim <= 64 (S^{d-1} in R^d), got " + std::to_string(dim));
}

ManifoldPtr make_sphere_manifold(int dim) {
  return std::make_shared<SphereManifold>(dim);
}

std::string SphereManifold::describe() const {
  std::ostringstream os;
  os << "S^" << dim() - 1 << " (sphere in R^" << dim() << ", Gegenbauer-chain harmonics)";
  return os.str();
}

Eigenspace SphereManifold::eigenspace_of(int label) const {
  Eigenspace e;
  e.label = label;
  e.lambda = double(label) * (label + dim() - 2);
  e.m = sphere_multiplicity(dim(), label);
  return e;
}

std::unique_ptr<EigenBasis> SphereManifold::eigenbasis(std::vector<Eigenspace> spaces) const {
  int top = 0;
  for (const Eigenspace& e : spaces) {
    if (e.label < 0) throw std::invalid_argument("EigenBasis: negative sphere degree");
    top = std::max(top, e.label);
  }
  return std::make_unique<DegreeChainBasis<HypersphereHarmonics>>(
      std::make_unique<HypersphereHarmonics>(dim(), top), std::move(spaces),
      [](const HypersphereHarmonics& h, int l) { return h.degree_offset(l); });
}

BasisConventions SphereManifold::basis_conventions() const {
  return {"eigenspaces by degree k ascending; within a degree, Gelfand-Tsetlin chains (j_{d-1}, ..., j_2) "
          "lexicographic ascending, cos before sin",
          "orthonormal for the normalized surface measure (Y_0 = 1)",
          "Gegenbauer-chain products with positive normalizing constants times Re/Im (x_1 + i x_2)^{j_2}"};
}

double SphereManifold::defect(const double* x) const {
  double s = 0.0;
  for (int i = 0; i < dim(); ++i) s += x[i] * x[i];
  return std::isfinite(s) ? std::fabs(std::sqrt(s) - 1.0) : std::numeric_limits<double>::infinity();
}

std::string SphereManifold::off_manifold(double defect) const {
  std::ostringstream os;
  os << "is off the unit sphere in R^" << dim() << " (| |x| - 1 | = " << defect << ", tolerance " << point_tolerance()
     << "): normalize the points to unit length";
  return os.str();
}

void SphereManifold::project(double* y) const {
  double s = 0.0;
  for (int i = 0; i < dim(); ++i) s += y[i] * y[i];
  if (!(s > 0)) return;
  const double inv = 1.0 / std::sqrt(s);
  for (int i = 0; i < dim(); ++i) y[i] *= inv;
}

// Normalized Gaussian vectors (stream 1 of the seed): uniform on the sphere.
void SphereManifold::sample_uniform(std::uint64_t seed, std::uint64_t i, double* x) const {
  const int d = dim();
  double n2 = 0.0;
  for (int c = 0; c < d; ++c) {
    x[c] = rng_normal(seed, 1, std::uint64_t(d) * i + c);
    n2 += x[c] * x[c];
  }
  const double inv = 1.0 / std::sqrt(n2);
  for (int c = 0; c < d; ++c) x[c] *= inv;
}

void SphereManifold::place(double* z) const {
  double n2 = 0;
  for (int c = 0; c < dim(); ++c) n2 += z[c] * z[c];
  for (int c = 0; c < dim(); ++c) z[c] = z[c] / std::sqrt(n2);
}

// von Mises–Fisher: exp(κ (c·x − 1)).
double SphereManifold::bump(const double* x, const double* c, double kappa) const {
  double s = 0;
  for (int i = 0; i < dim(); ++i) s += c[i] * x[i];
  return std::exp(kappa * (s - 1.0));
}

std::function<double(const double*)> SphereManifold::closed_form_target(const std::string& name) const {
  const int d = dim();
  if (name == "powersum")
    return [d](const double* x) {
      double p3 = 0, p4 = 0;
      for (int i = 0; i < d; ++i) {
        const double u = std::sqrt(double(d)) * x[i], u2 = u * u;
        p3 += u2 * u, p4 += u2 * u2;
      }
      p3 /= d, p4 /= d;
      return p3 + 0.5 * (p4 - 3) + 0.25 * p3 * p3;
    };
  if (name == "even")
    return [d](const double* x) {
      double p4 = 0, p6 = 0;
      for (int i = 0; i < d; ++i) {
        const double u2 = double(d) * x[i] * x[i];
        p4 += u2 * u2, p6 += u2 * u2 * u2;
      }
      p4 /= d, p6 /= d;
      return 0.5 * (p4 - 3) + 0.1 * (p6 - 15) + 0.125 * (p4 - 3) * (p4 - 3);
    };
  return Manifold::closed_form_target(name);
}

void SphereManifold::check_isometries(const std::vector<Isometry>& gens, const std::string& source) const {
  validate_sphere_isometries(gens, source);
}

std::unique_ptr<EigenspaceAction> SphereManifold::make_action(const Eigenspace& e,
                                                              const std::vector<Isometry>& gens) const {
  const int d = dim();
  const std::size_t n = collocation_points(e.m);
  std::vector<double> x(n * d);
  const std::uint64_t stream = std::uint64_t(e.label) + collocation_salt();
  for (std::size_t i = 0; i < n; ++i) {
    double s2 = 0;
    for (int c = 0; c < d; ++c) {
      double& v = x[i * d + c];
      v = rng_normal(kCollocationSeed, stream, i * d + c);
      s2 += v * v;
    }
    for (int c = 0; c < d; ++c) x[i * d + c] /= std::sqrt(s2);
  }
  return collocation_action(*this, e, gens, std::move(x));
}

std::unique_ptr<ManifoldKernel> SphereManifold::kernel(const std::string& name, double width) const {
  if (name == "heat") return std::make_unique<SphereKernel>(dim(), SphereKernel::Kind::Heat, width);
  if (name == "sobolev") return std::make_unique<SphereKernel>(dim(), SphereKernel::Kind::Sobolev, width);
  if (name == "vmf") return std::make_unique<SphereKernel>(dim(), SphereKernel::Kind::Vmf, width);
  throw std::invalid_argument("the " + name + " kernel is not defined on " + describe() +
                              ": use -krr_kernel vmf, heat or sobolev on spheres");
}

}  // namespace specavg
