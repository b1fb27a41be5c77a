// Kernels of the kernel-ridge baselines (estimate/kernel.hpp): heat and Sobolev against
// explicit eigenfunction sums, vMF and product von Mises against their closed forms,
// invariance under isometries, positive semi-definiteness, block() conventions, errors.
#include <gtest/gtest.h>

#include <cmath>
#include <functional>
#include <limits>
#include <stdexcept>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "specavg/basis/eigen_basis.hpp"
#include "specavg/basis/manifold.hpp"
#include "specavg/estimate/kernel.hpp"
#include "specavg/estimate/synthetic_target.hpp"
#include "specavg/group/coordinate_groups.hpp"
#include "specavg/basis/isometry.hpp"
#include "specavg/util/counter_rng.hpp"
#include "specavg/util/dense_linalg.hpp"

namespace specavg {
namespace {

constexpr double kPi = 3.141592653589793;

std::vector<double> random_points(const Manifold& M, std::size_t n, unsigned long long seed) {
  std::vector<double> x(std::size_t(M.dim()) * n);
  for (std::size_t i = 0; i < n; ++i) synthetic_manifold_point(M, seed, i, &x[std::size_t(M.dim()) * i]);
  return x;
}

Kernel kernel(const Manifold& M, KernelKind kind, double width) {
  KernelSpec s;
  s.kind = kind;
  s.width = width;
  return Kernel(M, s);
}

// Σ_λ w(λ) Σ_r φ_{λ,r}(x_i) φ_{λ,r}(y_i) for n point pairs, over the eigenspaces of `cut`.
template <class Weight>
std::vector<double> eigen_sum(const Manifold& M, const Cutoff& cut, const std::vector<double>& x,
                              const std::vector<double>& y, Weight w) {
  const auto Bp = M.eigenbasis(eigenspaces_within(M, cut));
  const EigenBasis& B = *Bp;
  const std::size_t n = x.size() / std::size_t(M.dim());
  std::vector<double> px(n * B.size()), py(n * B.size()), k(n, 0.0);
  B.evaluate(x.data(), n, px.data(), n);
  B.evaluate(y.data(), n, py.data(), n);
  for (std::size_t s = 0; s < B.spaces().size(); ++s) {
    const double ws = w(B.spaces()[s].lambda);
    for (std::size_t r = 0; r < B.spaces()[s].m; ++r) {
      const std::size_t c = B.offset(s) + r;
      for (std::size_t i = 0; i < n; ++i) k[i] += ws * px[c * n + i] * py[c * n + i];
    }
  }
  return k;
}

// max_i |K(x_i, y_i) − ref_i| / |ref_i|.
double max_rel_error(const Kernel& K, const std::vector<double>& x, const std::vector<double>& y,
                     const std::vector<double>& ref) {
  const std::size_t d = std::size_t(K.manifold().dim());
  double err = 0;
  for (std::size_t i = 0; i < ref.size(); ++i)
    err = std::max(err, std::fabs(K(&x[i * d], &y[i * d]) - ref[i]) / std::fabs(ref[i]));
  return err;
}

Cutoff lmax(int L) {
  Cutoff c;
  c.lmax = L;
  return c;
}
Cutoff lambda_max(double v) {
  Cutoff c;
  c.lambda_max = v;
  return c;
}

TEST(Kernels, HeatMatchesEigenfunctionSum) {
  struct Case {
    const char* manifold;
    int dim;
    double t;
    Cutoff cut;  // tail e^{−tλ} m_λ beyond it below 1e-15 of K
  };
  // S²: e^{−0.3·14·15}·29 ≈ 1e-26; S^4: e^{−0.2·18·21}·N(5,18) ≈ 1e-29; T^3: e^{−0.1π²·40}·m ≈ 1e-15.
  const Case cases[] = {{"s2", 3, 0.3, lmax(14)},
                        {"sphere", 3, 0.3, lmax(14)},
                        {"sphere", 5, 0.2, lmax(18)},
                        {"torus", 3, 0.1, lambda_max(40 * kPi * kPi)},
                        {"torus", 1, 0.05, lambda_max(120 * kPi * kPi)}};
  for (const Case& c : cases) {
    const ManifoldPtr M_ptr = make_manifold(c.manifold, c.dim);
    const Manifold& M = *M_ptr;
    const Kernel K = kernel(M, KernelKind::Heat, c.t);
    EXPECT_GT(K.terms(), 0);
    const std::vector<double> x = random_points(M, 8, 101), y = random_points(M, 8, 102);
    const auto ref = eigen_sum(M, c.cut, x, y, [&](double lam) { return std::exp(-c.t * lam); });
    EXPECT_LE(max_rel_error(K, x, y, ref), 1e-10) << c.manifold << " " << c.dim;
    // K(x, x) = Σ_λ e^{−tλ} m_λ, the same at every point.
    const auto diag = eigen_sum(M, c.cut, x, x, [&](double lam) { return std::exp(-c.t * lam); });
    EXPECT_LE(max_rel_error(K, x, x, diag), 1e-10) << c.manifold << " " << c.dim;
    EXPECT_NEAR(diag[0], diag[5], 1e-10 * diag[0]);
  }
}

TEST(Kernels, SobolevMatchesTruncatedEigenfunctionSum) {
  for (const auto& [name, dim, s] :
       {std::tuple<const char*, int, double>{"s2", 3, 1.5}, {"s2", 3, 3.0}, {"sphere", 4, 2.0}}) {
    const ManifoldPtr M_ptr = make_manifold(name, dim);
    const Manifold& M = *M_ptr;
    const Kernel K = kernel(M, KernelKind::Sobolev, s);
    EXPECT_EQ(K.terms(), kSobolevDegree);
    const std::vector<double> x = random_points(M, 6, 111), y = random_points(M, 6, 112);
    const auto w = [&](double lam) { return std::pow(1.0 + lam, -s); };
    EXPECT_LE(max_rel_error(K, x, y, eigen_sum(M, lmax(kSobolevDegree), x, y, w)), 1e-10) << name << " s = " << s;
    EXPECT_LE(max_rel_error(K, x, x, eigen_sum(M, lmax(kSobolevDegree), x, x, w)), 1e-10) << name << " s = " << s;
  }
}

TEST(Kernels, ClosedFormsVonMisesFisherAndProductVonMises) {
  for (int d : {3, 5, 10}) {
    const ManifoldPtr M_ptr = make_manifold(d == 3 ? "s2" : "sphere", d);
    const Manifold& M = *M_ptr;
    for (double kappa : {0.5, 10.0, 80.0}) {
      const Kernel K = kernel(M, KernelKind::VonMisesFisher, kappa);
      const std::vector<double> x = random_points(M, 20, 121), y = random_points(M, 20, 122);
      for (std::size_t i = 0; i < 20; ++i) {
        double u = 0;
        for (int j = 0; j < d; ++j) u += x[i * d + j] * y[i * d + j];
        const double ref = std::exp(kappa * (u - 1));
        EXPECT_NEAR(K(&x[i * d], &y[i * d]), ref, 1e-13 * std::max(ref, 1e-300)) << d << " " << kappa;
        EXPECT_NEAR(K(&x[i * d], &x[i * d]), 1.0, 1e-13);
      }
    }
  }
  for (int d : {1, 3, 10}) {
    const ManifoldPtr M_ptr = make_manifold("torus", d);
    const Manifold& M = *M_ptr;
    for (double eta : {0.3, 1.0, 5.0}) {
      const Kernel K = kernel(M, KernelKind::ProductVonMises, eta);
      const std::vector<double> x = random_points(M, 20, 123), y = random_points(M, 20, 124);
      for (std::size_t i = 0; i < 20; ++i) {
        double u = 0;
        for (int j = 0; j < d; ++j) u += std::cos(kPi * (x[i * d + j] - y[i * d + j]));
        const double ref = std::exp(eta * u);
        EXPECT_NEAR(K(&x[i * d], &y[i * d]), ref, 1e-13 * ref) << d << " " << eta;
        EXPECT_NEAR(K(&x[i * d], &x[i * d]), std::exp(eta * d), 1e-13 * std::exp(eta * d));
      }
    }
  }
}

// Random orthogonal d × d matrix (row-major) from the QR of a Gaussian matrix.
Isometry random_orthogonal(int d, std::uint64_t seed) {
  std::vector<double> A(std::size_t(d) * d);
  for (std::size_t i = 0; i < A.size(); ++i) A[i] = rng_normal(seed, 0, i);
  orthonormalize_columns(d, d, A);
  Isometry g = isometry_identity(d);
  g.P = A;  // the transpose of an orthogonal matrix is orthogonal
  return g;
}

// max over kernels, isometries and point pairs of |K(gx, gy) − K(x, y)| / K(x, x).
double invariance_error(const Kernel& K, const std::vector<Isometry>& gs, const std::vector<double>& x,
                        const std::vector<double>& y) {
  const Manifold& M = K.manifold();
  const std::size_t d = std::size_t(M.dim()), n = x.size() / d;
  const double scale = K(&x[0], &x[0]);
  double err = 0;
  std::vector<double> gx(d), gy(d);
  for (const Isometry& g : gs)
    for (std::size_t i = 0; i < n; ++i) {
      M.map_point(g, &x[i * d], gx.data());
      M.map_point(g, &y[i * d], gy.data());
      err = std::max(err, std::fabs(K(gx.data(), gy.data()) - K(&x[i * d], &y[i * d])) / scale);
    }
  return err;
}

TEST(Kernels, InvariantUnderIsometries) {
  {  // S^4: Sym and Signs generators, a word in them, and random orthogonal matrices.
    const ManifoldPtr M_ptr = make_manifold("sphere", 5);
    const Manifold& M = *M_ptr;
    std::vector<Isometry> gs = generators_for_spec("Sym,Signs", 5);
    ASSERT_GE(gs.size(), 3u);
    gs.push_back(isometry_compose(gs[0], isometry_compose(gs[1], gs.back())));
    gs.push_back(random_orthogonal(5, 7));
    gs.push_back(random_orthogonal(5, 8));
    const std::vector<double> x = random_points(M, 10, 131), y = random_points(M, 10, 132);
    for (const auto& [kind, w] : {std::pair<KernelKind, double>{KernelKind::Heat, 0.05},
                                  {KernelKind::Sobolev, 3.0},
                                  {KernelKind::VonMisesFisher, 10.0}})
      EXPECT_LE(invariance_error(kernel(M, kind, w), gs, x, y), 1e-12) << kernel_name(kind);
  }
  {  // S²: the icosahedral generators and a random rotation.
    const ManifoldPtr M_ptr = make_manifold("s2", 3);
    const Manifold& M = *M_ptr;
    std::vector<Isometry> gs = generators_for_spec("Ih", 3);
    gs.push_back(random_orthogonal(3, 9));
    const std::vector<double> x = random_points(M, 10, 133), y = random_points(M, 10, 134);
    for (const auto& [kind, w] : {std::pair<KernelKind, double>{KernelKind::Heat, 0.02},
                                  {KernelKind::Sobolev, 2.0},
                                  {KernelKind::VonMisesFisher, 30.0}})
      EXPECT_LE(invariance_error(kernel(M, kind, w), gs, x, y), 1e-12) << kernel_name(kind);
  }
  {  // T^3: Signs, Sym and shifts (wrapped by map_point).
    const ManifoldPtr M_ptr = make_manifold("torus", 3);
    const Manifold& M = *M_ptr;
    std::vector<Isometry> gs = generators_for_spec("Signs,Sym", 3);
    Isometry shift = isometry_identity(3);
    shift.t = {0.3, -0.7, 0.45};
    gs.push_back(shift);
    gs.push_back(isometry_compose(gs[0], isometry_compose(shift, gs[3])));
    const std::vector<double> x = random_points(M, 10, 135), y = random_points(M, 10, 136);
    for (const auto& [kind, w] :
         {std::pair<KernelKind, double>{KernelKind::Heat, 0.02}, {KernelKind::ProductVonMises, 2.0}})
      EXPECT_LE(invariance_error(kernel(M, kind, w), gs, x, y), 1e-12) << kernel_name(kind);
  }
}

// A kernel on a manifold, for the table-driven tests below.
struct KernelCase {
  const char* manifold;
  int dim;
  KernelKind kind;
  double width;
};

TEST(Kernels, GramMatricesArePositiveSemidefinite) {
  const KernelCase cases[] = {{"s2", 3, KernelKind::Heat, 0.05},
                              {"s2", 3, KernelKind::Sobolev, 3.0},
                              {"s2", 3, KernelKind::VonMisesFisher, 10.0},
                              {"sphere", 5, KernelKind::Heat, 0.1},
                              {"sphere", 5, KernelKind::Sobolev, 5.0},
                              {"sphere", 5, KernelKind::VonMisesFisher, 3.0},
                              {"torus", 3, KernelKind::Heat, 0.05},
                              {"torus", 3, KernelKind::ProductVonMises, 1.0},
                              {"torus", 10, KernelKind::ProductVonMises, 1.0},
                              // Smooth kernels: numerically low rank, the smallest eigenvalues are rounding.
                              {"s2", 3, KernelKind::Heat, 1.0},
                              {"s2", 3, KernelKind::VonMisesFisher, 0.5},
                              {"s2", 3, KernelKind::Sobolev, 8.0},
                              {"torus", 3, KernelKind::Heat, 0.5}};
  const std::size_t n = 60;
  for (const KernelCase& c : cases) {
    const ManifoldPtr M_ptr = make_manifold(c.manifold, c.dim);
    const Manifold& M = *M_ptr;
    const Kernel K = kernel(M, c.kind, c.width);
    const std::vector<double> x = random_points(M, n, 141);
    std::vector<double> G(n * n), w;
    K.block(x.data(), n, x.data(), n, G.data(), n);
    double asym = 0;
    for (std::size_t i = 0; i < n; ++i)
      for (std::size_t j = 0; j < n; ++j) asym = std::max(asym, std::fabs(G[i * n + j] - G[j * n + i]));
    symmetric_eigen(int(n), G, w);
    const double top = w.back();
    EXPECT_GT(top, 0.0);
    EXPECT_GE(w.front(), -1e-10 * top) << c.manifold << " " << c.dim << " " << kernel_name(c.kind);
    EXPECT_LE(asym, 1e-13 * top) << c.manifold << " " << kernel_name(c.kind);
  }
}

TEST(Kernels, BlockScaleAccumulateAndLeadingDimension) {
  const KernelCase cases[] = {{"s2", 3, KernelKind::VonMisesFisher, 10.0},
                              {"sphere", 5, KernelKind::Heat, 0.1},
                              {"torus", 3, KernelKind::Heat, 0.05},  // the product-of-theta-series path
                              {"torus", 4, KernelKind::ProductVonMises, 1.0}};
  const std::size_t nx = 7, ny = 5, ldo = 9;
  const double sentinel = -12345.0;
  for (const KernelCase& c : cases) {
    const ManifoldPtr M_ptr = make_manifold(c.manifold, c.dim);
    const Manifold& M = *M_ptr;
    const Kernel K = kernel(M, c.kind, c.width);
    const std::size_t d = std::size_t(c.dim);
    const std::vector<double> x1 = random_points(M, nx, 151), x2 = random_points(M, nx, 152),
                              y = random_points(M, ny, 153);
    std::vector<double> a(nx * ny), b(nx * ny), sum(nx * ldo, sentinel);
    K.block(x1.data(), nx, y.data(), ny, a.data(), ny);
    K.block(x2.data(), nx, y.data(), ny, b.data(), ny);
    K.block(x1.data(), nx, y.data(), ny, sum.data(), ldo, 0.75);
    K.block(x2.data(), nx, y.data(), ny, sum.data(), ldo, -2.5, true);
    double err = 0, ref = 0, single = 0;
    bool untouched = true;
    for (std::size_t i = 0; i < nx; ++i) {
      for (std::size_t j = 0; j < ny; ++j) {
        const double e = 0.75 * a[i * ny + j] - 2.5 * b[i * ny + j];
        err = std::max(err, std::fabs(sum[i * ldo + j] - e));
        ref = std::max(ref, std::fabs(e));
        single = std::max(single, std::fabs(a[i * ny + j] - K(&x1[i * d], &y[j * d])) / std::fabs(a[i * ny + j]));
      }
      for (std::size_t j = ny; j < ldo; ++j) untouched = untouched && sum[i * ldo + j] == sentinel;
    }
    EXPECT_LE(err, 1e-14 * ref) << c.manifold << " " << kernel_name(c.kind);
    EXPECT_LE(single, 1e-14) << c.manifold << " " << kernel_name(c.kind);  // block = pointwise operator()
    EXPECT_TRUE(untouched) << "block wrote beyond ny columns: " << c.manifold << " " << kernel_name(c.kind);
  }
}

std::string message_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return "";
}

TEST(Kernels, BadInputThrows) {
  const ManifoldPtr S2_ptr = make_manifold("s2", 3), S4_ptr = make_manifold("sphere", 5),
                    T3_ptr = make_manifold("torus", 3);
  const Manifold &S2 = *S2_ptr, &S4 = *S4_ptr, &T3 = *T3_ptr;
  EXPECT_THROW(kernel(T3, KernelKind::VonMisesFisher, 1.0), std::invalid_argument);
  EXPECT_THROW(kernel(S2, KernelKind::ProductVonMises, 1.0), std::invalid_argument);
  EXPECT_THROW(kernel(S4, KernelKind::ProductVonMises, 1.0), std::invalid_argument);
  EXPECT_THROW(kernel(T3, KernelKind::Sobolev, 1.0), std::invalid_argument);
  EXPECT_NE(message_of([&] { kernel(T3, KernelKind::VonMisesFisher, 1.0); }).find("vonmises"), std::string::npos);
  for (double w : {0.0, -1.0, std::nan(""), std::numeric_limits<double>::infinity()})
    for (KernelKind k : {KernelKind::Heat, KernelKind::Sobolev, KernelKind::VonMisesFisher})
      EXPECT_THROW(kernel(S2, k, w), std::invalid_argument) << kernel_name(k) << " " << w;
  EXPECT_THROW(kernel(T3, KernelKind::ProductVonMises, 0.0), std::invalid_argument);
  EXPECT_THROW(kernel(T3, KernelKind::Heat, -0.1), std::invalid_argument);
  EXPECT_THROW(parse_kernel("gauss"), std::invalid_argument);
  EXPECT_THROW(parse_kernel("VMF"), std::invalid_argument);
  EXPECT_THROW(parse_kernel(""), std::invalid_argument);
  const std::string msg = message_of([] { parse_kernel("rbf"); });
  for (const char* name : {"rbf", "heat", "sobolev", "vmf", "vonmises"}) EXPECT_NE(msg.find(name), std::string::npos);
  for (KernelKind k : {KernelKind::Heat, KernelKind::Sobolev, KernelKind::VonMisesFisher, KernelKind::ProductVonMises})
    EXPECT_EQ(parse_kernel(kernel_name(k)), k);
  EXPECT_EQ(default_kernel(S2), KernelKind::VonMisesFisher);
  EXPECT_EQ(default_kernel(T3), KernelKind::ProductVonMises);
}

}  // namespace
}  // namespace specavg
