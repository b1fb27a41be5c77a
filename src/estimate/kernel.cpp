#include "specavg/estimate/kernel.hpp"

#include <algorithm>
#include <cmath>
#include <sstream>
#include <stdexcept>

#include "specavg/basis/gauss_quadrature.hpp"
#include "specavg/basis/hypersphere_harmonics.hpp"
#include "specavg/util/dense_linalg.hpp"

namespace specavg {
namespace {

constexpr double kPi = 3.14159265358979323846;
constexpr int kMaxTerms = 4000;

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

// Σ_k c_k T_k(v) (Clenshaw), T_k(cos θ) = cos kθ.
double chebyshev_sum(const std::vector<double>& c, double v) {
  double b1 = 0.0, b2 = 0.0;
  for (std::size_t k = c.size(); k-- > 1;) {
    const double b0 = 2.0 * v * b1 - b2 + c[k];
    b2 = b1;
    b1 = b0;
  }
  return c[0] + v * b1 - b2;
}

}  // namespace

KernelKind parse_kernel(const std::string& name) {
  if (name == "heat") return KernelKind::Heat;
  if (name == "sobolev") return KernelKind::Sobolev;
  if (name == "vmf") return KernelKind::VonMisesFisher;
  if (name == "vonmises") return KernelKind::ProductVonMises;
  throw std::invalid_argument("unknown -krr_kernel '" + name + "': expected heat, sobolev, vmf or vonmises");
}

const char* kernel_name(KernelKind k) {
  switch (k) {
    case KernelKind::Heat:
      return "heat";
    case KernelKind::Sobolev:
      return "sobolev";
    case KernelKind::VonMisesFisher:
      return "vmf";
    case KernelKind::ProductVonMises:
      return "vonmises";
  }
  return "?";
}

KernelKind default_kernel(const Manifold& M) {
  return M.is_torus() ? KernelKind::ProductVonMises : KernelKind::VonMisesFisher;
}

Kernel::Kernel(const Manifold& M, const KernelSpec& spec) : M_(M), spec_(spec) {
  const std::string name = kernel_name(spec.kind);
  if (!(spec.width > 0) || !std::isfinite(spec.width))
    throw std::invalid_argument("-krr_width must be a positive number for the " + name + " kernel");
  const int d = M.dim;
  alpha_ = 0.5 * (d - 2);
  switch (spec.kind) {
    case KernelKind::VonMisesFisher:
      if (M.is_torus())
        throw std::invalid_argument("the vmf kernel lives on spheres: use -krr_kernel vonmises or heat on the torus");
      break;
    case KernelKind::ProductVonMises:
      if (!M.is_torus())
        throw std::invalid_argument(
            "the vonmises kernel lives on the torus: use -krr_kernel vmf, heat or sobolev on "
            "spheres");
      break;
    case KernelKind::Sobolev:
      if (M.is_torus())
        throw std::invalid_argument(
            "the sobolev kernel is implemented on spheres only (it is not a product on the "
            "torus): use -krr_kernel heat or vonmises there");
      for (int k = 0; k <= kSobolevDegree; ++k)
        coef_.push_back(std::pow(1.0 + double(k) * (k + d - 2), -spec.width) * double(sphere_multiplicity(d, k)));
      break;
    case KernelKind::Heat:
      if (M.is_torus()) {  // 1D theta series on [−1, 1] with period 2
        coef_.push_back(1.0);
        for (int k = 1;; ++k) {
          const double w = 2.0 * std::exp(-spec.width * kPi * kPi * double(k) * k);
          if (w < 1e-17) break;
          if (k > kMaxTerms)
            throw std::invalid_argument("heat kernel width t = " + std::to_string(spec.width) +
                                        " needs more than 4000 terms: use a larger -krr_width");
          coef_.push_back(w);
        }
      } else {
        for (int k = 0;; ++k) {
          const double w = std::exp(-spec.width * double(k) * (k + d - 2)) * double(sphere_multiplicity(d, k));
          if (k > 2 && w < 1e-17 * coef_[0]) break;
          if (k > kMaxTerms)
            throw std::invalid_argument("heat kernel width t = " + std::to_string(spec.width) +
                                        " needs more than 4000 degrees: use a larger -krr_width");
          coef_.push_back(w);
        }
      }
      break;
  }
}

std::string Kernel::describe() const {
  static const char* param[] = {"t", "s", "kappa", "eta"};
  std::ostringstream os;
  os << kernel_name(spec_.kind) << ", " << param[int(spec_.kind)] << " = " << spec_.width;
  if (!coef_.empty()) os << " (" << terms() << " terms)";
  return os.str();
}

double Kernel::scalar(double u) const {
  switch (spec_.kind) {
    case KernelKind::VonMisesFisher:
      return std::exp(spec_.width * (u - 1.0));
    case KernelKind::ProductVonMises:
      return std::exp(spec_.width * u);
    default:
      return gegenbauer_sum(coef_, M_.dim, u);
  }
}

void Kernel::lift(const double* X, std::size_t n, std::vector<double>* Z) const {
  const std::size_t d = std::size_t(M_.dim);
  if (!M_.is_torus()) {
    Z->assign(X, X + n * d);
    return;
  }
  Z->resize(n * 2 * d);
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t j = 0; j < d; ++j) {
      (*Z)[i * 2 * d + j] = std::cos(kPi * X[i * d + j]);
      (*Z)[i * 2 * d + d + j] = std::sin(kPi * X[i * d + j]);
    }
}

void Kernel::block(const double* X, std::size_t nx, const double* Y, std::size_t ny, double* out, std::size_t ldo,
                   double scale, bool accumulate) const {
  if (nx == 0 || ny == 0) return;
  const std::size_t d = std::size_t(M_.dim);
  std::vector<double> zx, zy;
  lift(X, nx, &zx);
  lift(Y, ny, &zy);
  if (M_.is_torus() && spec_.kind == KernelKind::Heat) {  // product of 1D theta series
    for (std::size_t i = 0; i < nx; ++i)
      for (std::size_t j = 0; j < ny; ++j) {
        const double *a = &zx[i * 2 * d], *b = &zy[j * 2 * d];
        double p = 1.0;
        for (std::size_t c = 0; c < d; ++c) p *= chebyshev_sum(coef_, a[c] * b[c] + a[d + c] * b[d + c]);
        double& o = out[i * ldo + j];
        o = accumulate ? o + scale * p : scale * p;
      }
    return;
  }
  // Row-major G = Zx Zyᵀ is column-major Gᵀ = Zy Zxᵀ.
  const int k = int(zx.size() / nx);
  std::vector<double> tmp;
  double* G = out;
  std::size_t ldg = ldo;
  if (accumulate) {
    tmp.resize(nx * ny);
    G = tmp.data();
    ldg = ny;
  }
  dgemm(true, false, int(ny), int(nx), k, 1.0, zy.data(), k, zx.data(), k, 0.0, G, int(ldg));
  for (std::size_t i = 0; i < nx; ++i)
    for (std::size_t j = 0; j < ny; ++j) {
      const double v = scale * scalar(G[i * ldg + j]);
      if (accumulate)
        out[i * ldo + j] += v;
      else
        out[i * ldo + j] = v;
    }
}

double Kernel::space_eigenvalue(const Eigenspace& e) const {
  switch (spec_.kind) {
    case KernelKind::Heat:
      return std::exp(-spec_.width * e.lambda);
    case KernelKind::Sobolev:
      if (e.label > kSobolevDegree)
        throw std::invalid_argument("the sobolev kernel is truncated at degree " + std::to_string(kSobolevDegree) +
                                    ": use a cutoff at or below it for a kernel penalty");
      return std::pow(1.0 + e.lambda, -spec_.width);
    case KernelKind::ProductVonMises:
      throw std::invalid_argument(
          "the vonmises kernel is not a function of the Laplacian (its eigenvalues differ "
          "inside an eigenspace): use a heat kernel or the sobolev penalty on the torus");
    case KernelKind::VonMisesFisher:
      break;
  }
  // Funk–Hecke in θ (t = cos θ, weight sin^{d−2} θ), Gauss–Legendre with enough nodes for
  // the degree and the kernel's sharpness.
  const int d = M_.dim, k = e.label;
  const int q = 64 + 2 * k + int(4 * std::sqrt(spec_.width));
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

double Kernel::operator()(const double* x, const double* y) const {
  double v;
  block(x, 1, y, 1, &v, 1);
  return v;
}

}  // namespace specavg
