// The Manifold interface, checked the same way for every registered manifold: what any new
// manifold must satisfy (docs/extending.md). A manifold added to the registry without a
// case here fails RegistryIsCovered.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>
#include <vector>

#include "specavg/basis/eigen_basis.hpp"
#include "specavg/basis/manifold.hpp"
#include "specavg/group/coordinate_groups.hpp"

using namespace specavg;

namespace {

struct Case {
  std::string name;
  int dim;
  std::string group;  // generators for the isometry checks (plus extra())
};

const std::vector<Case>& cases() {
  static const std::vector<Case> c = {{"s2", 3, "Ih"}, {"sphere", 4, "Hyperoct"}, {"torus", 3, "Hyperoct"}};
  return c;
}

// Generators beyond the named group: a rotation that is no signed permutation on spheres,
// a shifted cyclic permutation on manifolds with translations.
std::vector<Isometry> generators(const Manifold& M, const Case& c) {
  std::vector<Isometry> gens = generators_for_spec(c.group, c.dim);
  const int d = M.dim();
  Isometry g = isometry_identity(d);
  if (M.translation_period() > 0) {
    for (int i = 0; i < d; ++i) {
      g.P[std::size_t(i) * d + i] = 0.0;
      g.P[std::size_t(i) * d + (i + 1) % d] = i == 0 ? -1.0 : 1.0;
      g.t[std::size_t(i)] = 0.5 * M.translation_period() * (i + 1) / 3.0 - 0.1 * i;
    }
  } else {
    for (int i = 0; i + 1 < d; i += 2) {  // rotations in the planes (x0, x1), (x2, x3), ...
      const double a = 0.7 + 0.4 * i, ca = std::cos(a), sa = std::sin(a);
      g.P[std::size_t(i) * d + i] = ca, g.P[std::size_t(i) * d + i + 1] = -sa;
      g.P[std::size_t(i + 1) * d + i] = sa, g.P[std::size_t(i + 1) * d + i + 1] = ca;
    }
  }
  gens.push_back(g);
  return gens;
}

std::vector<double> sample(const Manifold& M, std::uint64_t seed, std::size_t n) {
  std::vector<double> x(n * std::size_t(M.dim()));
  for (std::size_t i = 0; i < n; ++i) M.sample_uniform(seed, i, &x[i * std::size_t(M.dim())]);
  return x;
}

Cutoff nbasis(long long n) {
  Cutoff c;
  c.nbasis = n;
  return c;
}

}  // namespace

TEST(ManifoldInterface, RegistryIsCovered) {
  const std::vector<std::string> names = manifold_names();
  EXPECT_EQ(names.size(), cases().size());
  for (const std::string& n : names) {
    const bool covered = std::any_of(cases().begin(), cases().end(), [&](const Case& c) { return c.name == n; });
    EXPECT_TRUE(covered) << "registered manifold '" << n << "' has no case in this test";
  }
  for (const Case& c : cases()) {
    const ManifoldPtr M = make_manifold(c.name, c.dim);
    EXPECT_EQ(M->name(), c.name);
    EXPECT_EQ(M->dim(), c.dim);
    const int dd = manifold_default_dim(c.name);
    if (dd > 0) EXPECT_EQ(dd, c.dim);
  }
  try {
    make_manifold("ball", 3);
    ADD_FAILURE() << "an unknown name must throw";
  } catch (const std::invalid_argument& e) {
    for (const std::string& n : names) EXPECT_NE(std::string(e.what()).find(n), std::string::npos) << e.what();
  }
}

// ∫ φ_a φ_b = δ_ab under the normalized measure, by Monte Carlo over the manifold's own
// uniform sample: every entry within 5 standard errors (estimated from the sample) and 0.1.
TEST(ManifoldInterface, EigenbasisOrthonormalByMonteCarlo) {
  for (const Case& c : cases()) {
    const ManifoldPtr Mp = make_manifold(c.name, c.dim);
    const Manifold& M = *Mp;
    const std::vector<Eigenspace> spaces = eigenspaces_within(M, nbasis(30));
    for (std::size_t s = 1; s < spaces.size(); ++s) EXPECT_GE(spaces[s].lambda, spaces[s - 1].lambda) << c.name;
    const auto B = M.eigenbasis(spaces);
    const std::size_t n = 40000, m = B->size();
    ASSERT_GE(m, 30u) << c.name;
    const std::vector<double> x = sample(M, 11, n);
    for (std::size_t i = 0; i < n; ++i) ASSERT_LE(M.defect(&x[i * std::size_t(c.dim)]), 1e-12) << c.name;
    std::vector<double> phi(n * m);
    B->evaluate(x.data(), n, phi.data(), n);
    double worst = 0, worst_z = 0;
    for (std::size_t a = 0; a < m; ++a)
      for (std::size_t b = a; b < m; ++b) {
        double s1 = 0, s2 = 0;
        for (std::size_t i = 0; i < n; ++i) {
          const double v = phi[a * n + i] * phi[b * n + i];
          s1 += v, s2 += v * v;
        }
        const double mean = s1 / double(n), var = std::max(s2 / double(n) - mean * mean, 0.0);
        const double se = std::sqrt(var / double(n)) + 1e-12, err = std::fabs(mean - (a == b ? 1.0 : 0.0));
        worst = std::max(worst, err);
        worst_z = std::max(worst_z, err / se);
      }
    EXPECT_LE(worst, 0.1) << c.name;
    EXPECT_LE(worst_z, 5.0) << c.name;
    // One space alone, and a subset of its functions, agree with the block evaluation.
    const std::size_t s = spaces.size() - 1, ms = spaces[s].m;
    std::vector<double> one(n * ms);
    B->evaluate_space(s, x.data(), n, one.data(), n);
    const std::vector<int> rows = {int(ms) - 1, 0};
    std::vector<double> some(n * rows.size());
    B->evaluate_functions(s, rows, x.data(), n, some.data(), n);
    double diff = 0;
    for (std::size_t r = 0; r < ms; ++r)
      for (std::size_t i = 0; i < n; ++i)
        diff = std::max(diff, std::fabs(one[r * n + i] - phi[(B->offset(s) + r) * n + i]));
    for (std::size_t r = 0; r < rows.size(); ++r)
      for (std::size_t i = 0; i < n; ++i)
        diff = std::max(diff, std::fabs(some[r * n + i] - one[std::size_t(rows[r]) * n + i]));
    EXPECT_LE(diff, 1e-12) << c.name;
  }
}

// Generators are accepted as isometries, and g·x stays on the manifold (also from points
// pushed slightly off it, which project() brings back).
TEST(ManifoldInterface, MapPointKeepsPointsOnTheManifold) {
  for (const Case& c : cases()) {
    const ManifoldPtr Mp = make_manifold(c.name, c.dim);
    const Manifold& M = *Mp;
    const std::vector<Isometry> gens = generators(M, c);
    EXPECT_NO_THROW(M.validate_isometries(gens, "test"));
    const std::size_t n = 200, d = std::size_t(c.dim);
    const std::vector<double> x = sample(M, 5, n);
    std::vector<double> y(d), off(d);
    for (const Isometry& g : gens)
      for (std::size_t i = 0; i < n; ++i) {
        M.map_point(g, &x[i * d], y.data());
        EXPECT_LE(M.defect(y.data()), 1e-12) << c.name;
        for (std::size_t k = 0; k < d; ++k) off[k] = 1.001 * x[i * d + k];
        M.map_point(g, off.data(), y.data());
        EXPECT_LE(M.defect(y.data()), 1e-12) << c.name;
      }
    std::vector<double> far(d, 3.0);
    EXPECT_GT(M.defect(far.data()), M.point_tolerance()) << c.name;
    EXPECT_FALSE(M.off_manifold(M.defect(far.data())).empty());
    Isometry wrong = isometry_identity(c.dim + 1);
    EXPECT_THROW(M.validate_isometries({wrong}, "test"), std::invalid_argument) << c.name;
  }
}

// D_λ(g) is orthogonal to 1e-10 and satisfies φ(g x) = D φ(x) at sample points.
TEST(ManifoldInterface, EigenspaceActionIsOrthogonalAndExact) {
  for (const Case& c : cases()) {
    const ManifoldPtr Mp = make_manifold(c.name, c.dim);
    const Manifold& M = *Mp;
    const std::vector<Isometry> gens = generators(M, c);
    const std::vector<Eigenspace> spaces = eigenspaces_within(M, nbasis(60));
    const std::size_t n = 64, d = std::size_t(c.dim);
    const std::vector<double> x = sample(M, 7, n);
    std::vector<double> gx(n * d);
    for (std::size_t s = 0; s < spaces.size(); ++s) {
      const Eigenspace& e = spaces[s];
      const std::size_t m = e.m;
      const auto B = M.eigenbasis({e});
      std::vector<double> px(n * m), pg(n * m);
      B->evaluate(x.data(), n, px.data(), n);
      const auto a = M.eigenspace_action(e, gens);
      ASSERT_EQ(a->ngenerators(), int(gens.size()));
      for (std::size_t j = 0; j < gens.size(); ++j) {
        const std::vector<double> Dt = a->dense_transpose(int(j));  // D[r][q] = Dt[r * m + q]
        double orth = 0;
        for (std::size_t p = 0; p < m; ++p)
          for (std::size_t q = 0; q < m; ++q) {
            double v = 0;
            for (std::size_t r = 0; r < m; ++r) v += Dt[r * m + p] * Dt[r * m + q];
            orth = std::max(orth, std::fabs(v - (p == q ? 1.0 : 0.0)));
          }
        EXPECT_LE(orth, 1e-10) << c.name << " label " << e.label << " generator " << j;
        for (std::size_t i = 0; i < n; ++i) M.map_point(gens[j], &x[i * d], &gx[i * d]);
        B->evaluate(gx.data(), n, pg.data(), n);
        double err = 0;
        for (std::size_t r = 0; r < m; ++r)
          for (std::size_t i = 0; i < n; ++i) {
            double v = 0;
            for (std::size_t q = 0; q < m; ++q) v += Dt[r * m + q] * px[q * n + i];
            err = std::max(err, std::fabs(v - pg[r * n + i]));
          }
        EXPECT_LE(err, 1e-10) << c.name << " label " << e.label << " generator " << j;
      }
    }
  }
}

// The default kernel exists, is invariant under the isometries and has K(x, x) > 0; a
// kernel name the manifold does not define is refused.
TEST(ManifoldInterface, DefaultKernelIsInvariant) {
  for (const Case& c : cases()) {
    const ManifoldPtr Mp = make_manifold(c.name, c.dim);
    const Manifold& M = *Mp;
    const auto K = M.kernel(M.default_kernel(), 2.0);
    const std::vector<Isometry> gens = generators(M, c);
    const std::size_t n = 50, d = std::size_t(c.dim);
    const std::vector<double> x = sample(M, 3, n), y = sample(M, 4, n);
    std::vector<double> kxy(n * n), kg(n * n), gx(n * d), gy(n * d);
    K->block(x.data(), n, y.data(), n, kxy.data(), n, 1.0, false);
    for (std::size_t i = 0; i < n; ++i) {
      double kxx;
      K->block(&x[i * d], 1, &x[i * d], 1, &kxx, 1, 1.0, false);
      EXPECT_GT(kxx, 0.0) << c.name;
    }
    for (const Isometry& g : gens) {
      for (std::size_t i = 0; i < n; ++i) M.map_point(g, &x[i * d], &gx[i * d]), M.map_point(g, &y[i * d], &gy[i * d]);
      K->block(gx.data(), n, gy.data(), n, kg.data(), n, 1.0, false);
      double err = 0, top = 0;
      for (std::size_t i = 0; i < n * n; ++i) err = std::max(err, std::fabs(kg[i] - kxy[i])), top = std::max(top, kxy[i]);
      EXPECT_LE(err, 1e-12 * top) << c.name;
    }
    EXPECT_THROW(M.kernel("no-such-kernel", 1.0), std::invalid_argument) << c.name;
  }
}
