#include "specavg/basis/torus_manifold.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <sstream>
#include <stdexcept>

#include "specavg/basis/torus_fourier.hpp"
#include "specavg/util/counter_rng.hpp"
#include "specavg/util/dense_linalg.hpp"

namespace specavg {
namespace {

const double kPi = std::acos(-1.0);
constexpr int kMaxTerms = 4000;

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

// Each shell evaluated on its own (no recurrence across shells).
class TorusBasis final : public EigenBasis {
 public:
  TorusBasis(int dim, std::vector<Eigenspace> spaces) : EigenBasis(std::move(spaces)) {
    for (const Eigenspace& e : this->spaces()) shells_.emplace_back(dim, e.label);
  }
  void evaluate(const double* x, std::size_t n, double* out, std::size_t ld) const override {
    for (std::size_t s = 0; s < shells_.size(); ++s) shells_[s].evaluate(x, n, out + offset(s) * ld, ld);
  }
  void evaluate_space(std::size_t s, const double* x, std::size_t n, double* out, std::size_t ld) const override {
    shells_[s].evaluate(x, n, out, ld);
  }
  void evaluate_functions(std::size_t s, const std::vector<int>& rows, const double* x, std::size_t n, double* out,
                          std::size_t ld) const override {
    shells_[s].evaluate_modes(rows, x, n, out, ld);
  }
  double flops_per_point() const override {
    double f = 0;
    for (const TorusShell& sh : shells_) f += 3.0 * double(sh.size());
    return f;
  }

 private:
  std::vector<TorusShell> shells_;
};

// Kernels of [cos πx, sin πx]: inner products of the lifted points give Σ_i cos π(x_i − y_i).
class TorusKernel final : public ManifoldKernel {
 public:
  TorusKernel(int d, bool heat, double width) : d_(d), heat_(heat), width_(width) {
    if (!heat) return;
    coef_.push_back(1.0);  // 1D theta series on [−1, 1] with period 2
    for (int k = 1;; ++k) {
      const double w = 2.0 * std::exp(-width * kPi * kPi * double(k) * k);
      if (w < 1e-17) break;
      if (k > kMaxTerms)
        throw std::invalid_argument("heat kernel width t = " + std::to_string(width) +
                                    " needs more than 4000 terms: use a larger -krr_width");
      coef_.push_back(w);
    }
  }

  void block(const double* X, std::size_t nx, const double* Y, std::size_t ny, double* out, std::size_t ldo,
             double scale, bool accumulate) const override {
    if (nx == 0 || ny == 0) return;
    const std::size_t d = std::size_t(d_);
    std::vector<double> zx, zy;
    lift(X, nx, &zx);
    lift(Y, ny, &zy);
    if (heat_) {  // product of 1D theta series
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
    const int k = int(2 * d);
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
        const double v = scale * std::exp(width_ * G[i * ldg + j]);
        if (accumulate)
          out[i * ldo + j] += v;
        else
          out[i * ldo + j] = v;
      }
  }

  double space_eigenvalue(const Eigenspace& e) const override {
    if (heat_) return std::exp(-width_ * e.lambda);
    throw std::invalid_argument(
        "the vonmises kernel is not a function of the Laplacian (its eigenvalues differ "
        "inside an eigenspace): use a heat kernel or the sobolev penalty on the torus");
  }

  int terms() const override { return int(coef_.size()) - 1; }

 private:
  void lift(const double* X, std::size_t n, std::vector<double>* Z) const {
    const std::size_t d = std::size_t(d_);
    Z->resize(n * 2 * d);
    for (std::size_t i = 0; i < n; ++i)
      for (std::size_t j = 0; j < d; ++j) {
        (*Z)[i * 2 * d + j] = std::cos(kPi * X[i * d + j]);
        (*Z)[i * 2 * d + d + j] = std::sin(kPi * X[i * d + j]);
      }
  }

  int d_;
  bool heat_;
  double width_;
  std::vector<double> coef_;  // 1D heat weights
};

}  // namespace

TorusManifold::TorusManifold(int dim) : Manifold(dim) {
  if (dim < 1 || dim > 64)
    throw std::invalid_argument("-manifold torus needs 1 <= -dim <= 64, got " + std::to_string(dim));
}

ManifoldPtr make_torus_manifold(int dim) {
  return std::make_shared<TorusManifold>(dim);
}

std::string TorusManifold::describe() const {
  std::ostringstream os;
  os << "T^" << dim() << " (torus [-1,1)^" << dim() << ", Fourier products)";
  return os.str();
}

Eigenspace TorusManifold::eigenspace_of(int label) const {
  Eigenspace e;
  e.label = label;
  e.lambda = kPi * kPi * label;
  e.m = torus_multiplicity(dim(), label);
  return e;
}

std::vector<double> TorusManifold::cutoff_ladder() const {
  constexpr double pi = 3.14159265358979323846;
  return {pi * pi, 2 * pi * pi, 3 * pi * pi, 4 * pi * pi};
}

std::unique_ptr<EigenBasis> TorusManifold::eigenbasis(std::vector<Eigenspace> spaces) const {
  return std::make_unique<TorusBasis>(dim(), std::move(spaces));
}

BasisConventions TorusManifold::basis_conventions() const {
  return {"shells n = |kappa|^2 ascending (empty shells skipped); within a shell kappa >= 0 lexicographic ascending "
          "(kappa_0 most significant), then the sine mask ascending",
          "orthonormal for the normalized measure dx / 2^d (phi_0 = 1)",
          "products of sqrt(2) cos(pi kappa_i x_i) or sqrt(2) sin(pi kappa_i x_i), no sign factors"};
}

double TorusManifold::defect(const double* x) const {
  double worst = 0.0;
  for (int i = 0; i < dim(); ++i) {
    if (!std::isfinite(x[i])) return std::numeric_limits<double>::infinity();
    worst = std::max(worst, std::fabs(x[i]) - 1.0);
  }
  return worst;
}

std::string TorusManifold::off_manifold(double defect) const {
  std::ostringstream os;
  os << "is outside the torus [-1, 1]^" << dim() << " (a coordinate lies " << defect
     << " beyond it): map coordinates into [-1, 1) (period 2)";
  return os.str();
}

void TorusManifold::map_point(const Isometry& g, const double* x, double* y) const {
  isometry_apply(g, x, y);
  for (int i = 0; i < dim(); ++i) y[i] = torus_wrap(y[i]);
}

// Independent uniform coordinates (stream 3 of the seed).
void TorusManifold::sample_uniform(std::uint64_t seed, std::uint64_t i, double* x) const {
  const int d = dim();
  for (int c = 0; c < d; ++c) x[c] = 2.0 * rng_uniform(seed, 3, std::uint64_t(d) * i + c) - 1.0;
}

void TorusManifold::place(double* z) const {
  for (int c = 0; c < dim(); ++c) z[c] = std::tanh(z[c]);
}

// Product von Mises: exp(κ (Σ_i cos π(x_i − c_i) − d) / d).
double TorusManifold::bump(const double* x, const double* c, double kappa) const {
  const int d = dim();
  double s = 0;
  for (int i = 0; i < d; ++i) s += std::cos(kPi * (x[i] - c[i]));
  return std::exp(kappa * (s - d) / d);
}

std::function<double(const double*)> TorusManifold::closed_form_target(const std::string& name) const {
  const int d = dim();
  if (name == "powersum")
    return [d](const double* x) {
      double mc = 0, ms = 0, msc = 0;
      for (int i = 0; i < d; ++i) {
        const double c = std::cos(kPi * x[i]), s = std::sin(kPi * x[i]);
        mc += c, ms += s, msc += s * c;
      }
      mc /= d, ms /= d, msc /= d;
      return ms + mc * mc + 0.5 * msc;
    };
  if (name == "even")
    return [d](const double* x) {
      double m1 = 0, m3 = 0;
      for (int i = 0; i < d; ++i) {
        const double c = std::cos(kPi * x[i]);
        m1 += c, m3 += c * c * c;
      }
      m1 /= d, m3 /= d;
      return m1 + m1 * m1 + 0.5 * m3;
    };
  return Manifold::closed_form_target(name);
}

void TorusManifold::check_isometries(const std::vector<Isometry>& gens, const std::string& source) const {
  validate_torus_isometries(gens, source);
}

std::unique_ptr<EigenspaceAction> TorusManifold::make_action(const Eigenspace& e,
                                                             const std::vector<Isometry>& gens) const {
  const TorusShell shell(dim(), e.label);
  std::vector<SparseRows> mats;
  for (const Isometry& g : gens) mats.push_back(shell.action(g));
  return sparse_action(std::move(mats));
}

std::unique_ptr<ManifoldKernel> TorusManifold::kernel(const std::string& name, double width) const {
  if (name == "heat") return std::make_unique<TorusKernel>(dim(), true, width);
  if (name == "vonmises") return std::make_unique<TorusKernel>(dim(), false, width);
  throw std::invalid_argument("the " + name + " kernel is not defined on " + describe() +
                              ": use -krr_kernel vonmises or heat on the torus");
}

}  // namespace specavg
