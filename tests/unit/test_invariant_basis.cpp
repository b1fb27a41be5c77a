// Representation matrices D_l(g) and canonical invariant subspaces Q_l.
#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "specavg/estimate/synthetic_target.hpp"
#include "specavg/basis/sphere_harmonics.hpp"
#include "specavg/group/invariant_basis.hpp"
#include "specavg/group/point_group.hpp"
#include "specavg/util/counter_rng.hpp"

namespace specavg {
namespace {

constexpr double kPi = 3.141592653589793;

std::vector<double> random_points(std::size_t n, std::uint64_t stream) {
  std::vector<double> x(3 * n);
  for (std::size_t i = 0; i < n; ++i) synthetic_point(91 * 1000 + stream, i, &x[3 * i]);
  return x;
}

// Row-major m × m product.
std::vector<double> matmul(const std::vector<double>& a, const std::vector<double>& b, int m) {
  std::vector<double> c(std::size_t(m) * m, 0.0);
  for (int i = 0; i < m; ++i)
    for (int k = 0; k < m; ++k)
      for (int j = 0; j < m; ++j) c[i * m + j] += a[i * m + k] * b[k * m + j];
  return c;
}

double orthogonality_error(const std::vector<double>& d, int m) {
  double err = 0;
  for (int i = 0; i < m; ++i)
    for (int j = 0; j < m; ++j) {
      double s = 0;
      for (int k = 0; k < m; ++k) s += d[k * m + i] * d[k * m + j];
      err = std::max(err, std::fabs(s - (i == j ? 1.0 : 0.0)));
    }
  return err;
}

// Q (m × k column-major) has orthonormal columns.
double column_orthonormality_error(const SpaceInvariants& d) {
  double err = 0;
  for (int a = 0; a < d.k; ++a)
    for (int b = 0; b < d.k; ++b) {
      double s = 0;
      for (int i = 0; i < d.m; ++i) s += d.Q[std::size_t(a) * d.m + i] * d.Q[std::size_t(b) * d.m + i];
      err = std::max(err, std::fabs(s - (a == b ? 1.0 : 0.0)));
    }
  return err;
}

TEST(InvariantBasis, RepresentationIsOrthogonal) {
  std::vector<Mat3> gens;
  for (const char* s : {"Ih", "Oh", "D7", "C5v", "Td", "C3h"}) {
    const std::vector<Mat3> g = generators_from_spec(s);
    gens.insert(gens.end(), g.begin(), g.end());
  }
  gens.push_back(rotation_about_axis(0.3, -1.1, 0.8, 0.9));  // generic rotation
  for (int l = 0; l <= 20; ++l)
    for (const Mat3& g : gens) {
      const std::vector<double> d = representation_matrix(l, g);
      ASSERT_EQ(d.size(), std::size_t(2 * l + 1) * (2 * l + 1));
      ASSERT_LT(orthogonality_error(d, 2 * l + 1), 1e-12) << "l = " << l;
    }
}

// φ_l(gx) = D_l(g) φ_l(x) at random points, and D_l(gh) = D_l(g) D_l(h).
TEST(InvariantBasis, RepresentationActsAndIsHomomorphism) {
  const Mat3 g = rotation_about_axis(1, 2, -0.5, 2.2);
  Mat3 h = rotation_about_axis(-0.4, 0.1, 1, 0.7);
  h = mat3_mul(h, Mat3{1, 0, 0, 0, 1, 0, 0, 0, -1});  // include a reflection
  const int L = 20;
  const SphereHarmonics sh(L);
  const std::size_t n = 5;
  const std::vector<double> x = random_points(n, 3);
  std::vector<double> gx(3 * n), phix(n * sh.size()), phigx(n * sh.size());
  for (std::size_t i = 0; i < n; ++i) mat3_apply(g, &x[3 * i], &gx[3 * i]);
  sh.evaluate(x.data(), n, phix.data(), n);
  sh.evaluate(gx.data(), n, phigx.data(), n);
  for (int l : {0, 1, 2, 7, 13, 20}) {
    const int m = 2 * l + 1;
    const std::vector<double> dg = representation_matrix(l, g), dh = representation_matrix(l, h);
    const std::vector<double> dgh = representation_matrix(l, mat3_mul(g, h)), prod = matmul(dg, dh, m);
    double err = 0;
    for (int i = 0; i < m * m; ++i) err = std::max(err, std::fabs(dgh[i] - prod[i]));
    EXPECT_LT(err, 1e-12) << "l = " << l;
    double act = 0;
    for (std::size_t p = 0; p < n; ++p)
      for (int r = 0; r < m; ++r) {
        double s = 0;
        for (int c = 0; c < m; ++c) s += dg[r * m + c] * phix[(l * l + c) * n + p];
        act = std::max(act, std::fabs(s - phigx[(l * l + r) * n + p]));
      }
    EXPECT_LT(act, 1e-12) << "l = " << l;
  }
}

TEST(InvariantBasis, CountsIcosahedralAndOctahedral) {
  const std::vector<Mat3> ih = generators_from_spec("Ih"), oh = generators_from_spec("Oh");
  for (int l = 0; l <= 20; ++l) {
    const bool ih1 = l == 0 || l == 6 || l == 10 || l == 12 || l == 16 || l == 18 || l == 20;
    int oh_count = 0;
    if (l == 0 || l == 4 || l == 6 || l == 8 || l == 10 || l == 14) oh_count = 1;
    if (l == 12 || l == 16 || l == 18 || l == 20) oh_count = 2;
    const SpaceInvariants a = invariant_subspace(l, ih), b = invariant_subspace(l, oh);
    EXPECT_EQ(a.k, ih1 ? 1 : 0) << "Ih, l = " << l;
    EXPECT_EQ(b.k, oh_count) << "Oh, l = " << l;
    for (const SpaceInvariants* d : {&a, &b}) {
      EXPECT_EQ(d->m, 2 * l + 1);
      EXPECT_EQ(d->Q.size(), std::size_t(d->m) * d->k);
      EXPECT_LT(d->residual, 1e-12);
      EXPECT_LT(column_orthonormality_error(*d), 1e-13);
    }
  }
}

TEST(InvariantBasis, CountsCyclicAndDihedral) {
  for (int n = 2; n <= 7; ++n) {
    const std::vector<Mat3> cn = generators_from_spec("C" + std::to_string(n));
    const std::vector<Mat3> dn = generators_from_spec("D" + std::to_string(n));
    const std::vector<Mat3> cnv = generators_from_spec("C" + std::to_string(n) + "v");
    for (int l = 0; l <= 20; ++l) {
      const SpaceInvariants c = invariant_subspace(l, cn), d = invariant_subspace(l, dn);
      EXPECT_EQ(c.k, 1 + 2 * (l / n)) << "C" << n << ", l = " << l;
      EXPECT_EQ(d.k, l / n + (l % 2 == 0 ? 1 : 0)) << "D" << n << ", l = " << l;
      EXPECT_EQ(invariant_subspace(l, cnv).k, l / n + 1) << "C" << n << "v, l = " << l;
      EXPECT_LT(c.residual, 1e-12);
      EXPECT_LT(d.residual, 1e-12);
      EXPECT_LT(column_orthonormality_error(c), 1e-13);
    }
  }
}

TEST(InvariantBasis, NoGeneratorsKeepsEverything) {
  for (int l : {0, 3, 10}) {
    const SpaceInvariants d = invariant_subspace(l, {});
    EXPECT_EQ(d.k, 2 * l + 1);
    EXPECT_EQ(d.residual, 0.0);
    EXPECT_LT(column_orthonormality_error(d), 1e-13);
  }
}

// f = Σ_l φ_lᵀ Q_l a_l is invariant under every element of the (enumerated) group.
TEST(InvariantBasis, FeaturesAreInvariantUnderWholeGroup) {
  const int L = 20;
  const SphereHarmonics sh(L);
  const std::size_t n = 16;
  const std::vector<double> x = random_points(n, 4);
  for (const char* spec : {"Ih", "Oh", "Td", "D6", "C5v", "C3h", "C6,Cs"}) {
    const std::vector<Mat3> gens = generators_from_spec(spec);
    const auto G = enumerate_group(gens, 200);
    ASSERT_TRUE(G.has_value());
    // Coefficient vector c = Q a per degree, with fixed random a.
    std::vector<double> c(sh.size(), 0.0);
    for (int l = 0; l <= L; ++l) {
      const SpaceInvariants d = invariant_subspace(l, gens);
      for (int j = 0; j < d.k; ++j) {
        const double a = rng_normal(5, l, j);
        for (int i = 0; i < d.m; ++i) c[l * l + i] += a * d.Q[std::size_t(j) * d.m + i];
      }
    }
    auto f = [&](const std::vector<double>& pts, std::vector<double>& vals) {
      std::vector<double> phi(n * sh.size());
      sh.evaluate(pts.data(), n, phi.data(), n);
      vals.assign(n, 0.0);
      for (std::size_t j = 0; j < sh.size(); ++j)
        for (std::size_t i = 0; i < n; ++i) vals[i] += c[j] * phi[j * n + i];
    };
    std::vector<double> f0, fg, gx(3 * n);
    f(x, f0);
    double fmax = 0, id = 0;
    for (double v : f0) fmax = std::max(fmax, std::fabs(v));
    ASSERT_GT(fmax, 1e-3) << spec;  // non-trivial invariant function
    for (const Mat3& g : *G) {
      for (std::size_t i = 0; i < n; ++i) mat3_apply(g, &x[3 * i], &gx[3 * i]);
      f(gx, fg);
      for (std::size_t i = 0; i < n; ++i) id = std::max(id, std::fabs(fg[i] - f0[i]));
    }
    EXPECT_LT(id, 1e-12 * std::max(1.0, fmax)) << spec;
  }
}

double max_abs_diff(const std::vector<double>& a, const std::vector<double>& b) {
  double d = 0;
  for (std::size_t i = 0; i < a.size(); ++i) d = std::max(d, std::fabs(a[i] - b[i]));
  return d;
}

TEST(InvariantBasis, CanonicalQIsReproducibleAndGeneratorIndependent) {
  const std::vector<Mat3> oh = generators_from_spec("Oh");
  const std::vector<Mat3> permuted(oh.rbegin(), oh.rend());
  const std::vector<Mat3> redundant = {oh[0], mat3_mul(oh[0], oh[1]), oh[1], oh[2], oh[3]};
  const std::vector<Mat3> all = *enumerate_group(oh, 48);  // every element as a generator
  const std::vector<Mat3> alt = {Mat3{0, -1, 0, 1, 0, 0, 0, 0, 1}, mat3_mul(oh[0], oh[3]),
                                 Mat3{1, 0, 0, 0, 1, 0, 0, 0, -1}};  // C4z, S6, σh: another set for Oh
  ASSERT_EQ(enumerate_group(alt, 100)->size(), 48u);
  for (int l = 0; l <= 20; ++l) {
    const SpaceInvariants a = invariant_subspace(l, oh), b = invariant_subspace(l, oh);
    ASSERT_EQ(a.Q, b.Q) << "not bitwise reproducible, l = " << l;
    for (const std::vector<Mat3>* gs : {&permuted, &redundant, &all, &alt}) {
      const SpaceInvariants c = invariant_subspace(l, *gs);
      ASSERT_EQ(c.k, a.k) << "l = " << l;
      EXPECT_LT(max_abs_diff(a.Q, c.Q), 1e-12) << "l = " << l;
    }
  }
  // Same for a group with multi-dimensional invariant subspaces.
  const std::vector<Mat3> d3 = generators_from_spec("D3");
  const std::vector<Mat3> d3b = {d3[1], d3[0], mat3_mul(d3[0], d3[1])};
  for (int l : {6, 12, 20}) {
    const SpaceInvariants a = invariant_subspace(l, d3), c = invariant_subspace(l, d3b);
    ASSERT_GE(a.k, 3);
    ASSERT_EQ(c.k, a.k);
    EXPECT_LT(max_abs_diff(a.Q, c.Q), 1e-12) << "l = " << l;
  }
}

}  // namespace
}  // namespace specavg
