// Exact rotations of real spherical harmonics (basis/wigner_rotation.hpp) and the Wigner
// route to invariant subspaces (group/wigner_invariants.hpp): D_l(g) against least-squares
// collocation, orthogonality and the homomorphism property, accuracy of the recursion at
// l = 4000, and invariant counts against characters up to l = 1000.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "specavg/basis/collocation_action.hpp"
#include "specavg/basis/isometry.hpp"
#include "specavg/basis/manifold.hpp"
#include "specavg/basis/wigner_rotation.hpp"
#include "specavg/group/invariant_basis.hpp"
#include "specavg/group/point_group.hpp"
#include "specavg/group/wigner_invariants.hpp"
#include "specavg/util/counter_rng.hpp"

#include "invariance_checks.hpp"

namespace specavg {
namespace {

constexpr double kPi = 3.141592653589793;

// Uniformly random orthogonal matrix (a unit quaternion; improper = −R) from a counter RNG.
Mat3 random_orthogonal(std::uint64_t stream, bool improper) {
  double q[4], n = 0;
  for (int i = 0; i < 4; ++i) n += (q[i] = rng_normal(77, stream, i)) * q[i];
  n = std::sqrt(n);
  const double w = q[0] / n, x = q[1] / n, y = q[2] / n, z = q[3] / n;
  Mat3 R = {1 - 2 * (y * y + z * z), 2 * (x * y - w * z),     2 * (x * z + w * y),
            2 * (x * y + w * z),     1 - 2 * (x * x + z * z), 2 * (y * z - w * x),
            2 * (x * z - w * y),     2 * (y * z + w * x),     1 - 2 * (x * x + y * y)};
  if (improper)
    for (double& v : R) v = -v;
  return R;
}

double det3(const Mat3& g) {
  return g[0] * (g[4] * g[8] - g[5] * g[7]) - g[1] * (g[3] * g[8] - g[5] * g[6]) + g[2] * (g[3] * g[7] - g[4] * g[6]);
}

// D_l(g) by collocation (the route S² used before): least squares at 4m random points.
std::vector<double> collocation_matrix(int l, const Mat3& g) {
  const ManifoldPtr M = make_manifold("s2", 3);
  const Eigenspace e = M->eigenspace_of(l);
  const std::size_t n = collocation_points(e.m);
  std::vector<double> x(3 * n);
  for (std::size_t i = 0; i < n; ++i) {
    double s = 0;
    for (int c = 0; c < 3; ++c) s += (x[3 * i + c] = rng_normal(5, std::uint64_t(l), 3 * i + c)) * x[3 * i + c];
    for (int c = 0; c < 3; ++c) x[3 * i + c] /= std::sqrt(s);
  }
  return collocation_action(*M, e, {isometry_from_mat3(g)}, std::move(x))->dense_transpose(0);
}

double max_diff(const std::vector<double>& a, const std::vector<double>& b) {
  double d = 0;
  for (std::size_t i = 0; i < a.size(); ++i) d = std::max(d, std::fabs(a[i] - b[i]));
  return d;
}

// Row-major products and checks.
std::vector<double> matmul(const std::vector<double>& a, const std::vector<double>& b, int m) {
  std::vector<double> c(std::size_t(m) * m, 0.0);
  for (int i = 0; i < m; ++i)
    for (int k = 0; k < m; ++k)
      for (int j = 0; j < m; ++j) c[std::size_t(i) * m + j] += a[std::size_t(i) * m + k] * b[std::size_t(k) * m + j];
  return c;
}

double orthogonality_error(const std::vector<double>& d, int m) {
  std::vector<double> dt(d.size());
  for (int i = 0; i < m; ++i)
    for (int j = 0; j < m; ++j) dt[std::size_t(j) * m + i] = d[std::size_t(i) * m + j];
  const std::vector<double> p = matmul(d, dt, m);
  double err = 0;
  for (int i = 0; i < m; ++i)
    for (int j = 0; j < m; ++j) err = std::max(err, std::fabs(p[std::size_t(i) * m + j] - (i == j ? 1.0 : 0.0)));
  return err;
}

// Characters: Σ_{|m|≤l} cos(mθ) = sin((l + 1/2)θ) / sin(θ/2) for a rotation by θ; an
// improper g = −R acts as (−1)^l R.
double character(int l, const Mat3& g) {
  Mat3 r = g;
  double sign = 1.0;
  if (det3(g) < 0) {
    for (double& v : r) v = -v;
    sign = (l % 2 == 0) ? 1.0 : -1.0;
  }
  const double theta = std::acos(std::clamp(0.5 * (r[0] + r[4] + r[8] - 1.0), -1.0, 1.0));
  if (theta < 1e-9) return sign * (2 * l + 1);
  return sign * std::sin((l + 0.5) * theta) / std::sin(0.5 * theta);
}

int character_count(int l, const std::vector<Mat3>& G) {
  double s = 0;
  for (const Mat3& g : G) s += character(l, g);
  return int(std::lround(s / double(G.size())));
}

// g ↦ R g Rᵀ for every generator: a finite group in a random orientation (no axis on z).
std::vector<Mat3> conjugated(const std::vector<Mat3>& gens, const Mat3& R) {
  std::vector<Mat3> out;
  for (const Mat3& g : gens) out.push_back(mat3_mul(R, mat3_mul(g, mat3_transpose(R))));
  return out;
}

TEST(WignerRotation, EqualsCollocationForRandomOrthogonalMatrices) {
  for (int l : {0, 1, 2, 3, 5, 8, 13, 21, 34, 60})
    for (int t = 0; t < 4; ++t) {
      const Mat3 g = random_orthogonal(100 * l + t, t % 2 == 1);
      const double d = max_diff(wigner_matrix(l, g), collocation_matrix(l, g));
      EXPECT_LE(d, 1e-10) << "l = " << l << ", trial " << t;
    }
}

TEST(WignerRotation, EqualsCollocationForPointGroupGenerators) {
  for (const char* spec : {"Ih", "Oh", "Td", "D6", "C7v", "S8", "Cs", "Ci"})
    for (const Mat3& g : generators_from_spec(spec))
      for (int l : {1, 4, 17, 40}) EXPECT_LE(max_diff(wigner_matrix(l, g), collocation_matrix(l, g)), 1e-10) << spec;
}

TEST(WignerRotation, S2ActionIsTheWignerMatrix) {
  const ManifoldPtr M = make_manifold("s2", 3);
  const Mat3 g = random_orthogonal(7, false);
  for (int l : {0, 3, 12}) {
    const auto a = M->eigenspace_action(M->eigenspace_of(l), {isometry_from_mat3(g)});
    const std::vector<double> D = wigner_matrix(l, g);  // row-major
    const int m = 2 * l + 1;
    EXPECT_LE(max_diff(a->dense_transpose(0), D), 1e-15);
    std::vector<double> X(std::size_t(m) * 2), Y(X.size());
    for (std::size_t i = 0; i < X.size(); ++i) X[i] = rng_normal(3, 0, i);
    a->apply(0, false, 2, X.data(), m, Y.data(), m);  // Y = D X
    double err = 0;
    for (int c = 0; c < 2; ++c)
      for (int i = 0; i < m; ++i) {
        double s = 0;
        for (int j = 0; j < m; ++j) s += D[std::size_t(i) * m + j] * X[std::size_t(c) * m + j];
        err = std::max(err, std::fabs(s - Y[std::size_t(c) * m + i]));
      }
    EXPECT_LE(err, 1e-13);
  }
}

TEST(WignerRotation, OrthogonalAndHomomorphism) {
  std::vector<Mat3> gs;
  for (int t = 0; t < 4; ++t) gs.push_back(random_orthogonal(500 + t, t % 2 == 1));
  gs.push_back(rotation_about_axis(0, 0, 1, 0.37));                  // about z: β = 0
  gs.push_back(mat3_mul(rotation_about_axis(1, 0, 0, kPi), gs[0]));  // generic
  gs.push_back(rotation_about_axis(1, 2, 0, kPi));                   // β = π
  gs.push_back(rotation_about_axis(1e-9, 0, 1, 0.8));                // near the pole
  gs.push_back({-1, 0, 0, 0, -1, 0, 0, 0, -1});                      // inversion
  for (int l : {1, 7, 30, 100})
    for (std::size_t i = 0; i < gs.size(); ++i) {
      const int m = 2 * l + 1;
      const std::vector<double> Dg = wigner_matrix(l, gs[i]);
      EXPECT_LE(orthogonality_error(Dg, m), 1e-12) << "l = " << l << ", g " << i;
      const Mat3& h = gs[(i + 3) % gs.size()];
      const std::vector<double> Dgh = wigner_matrix(l, mat3_mul(gs[i], h));
      EXPECT_LE(max_diff(Dgh, matmul(Dg, wigner_matrix(l, h), m)), 1e-12) << "l = " << l << ", g " << i;
    }
}

TEST(WignerRotation, EulerAnglesRebuildTheMatrix) {
  for (int t = 0; t < 20; ++t) {
    const Mat3 g = t < 16 ? random_orthogonal(900 + t, t % 2 == 1) : rotation_about_axis(t % 2, 1, 1e-12 * t, 2.0);
    const EulerZYZ e = euler_zyz(g);
    const Mat3 R = mat3_mul(rotation_about_axis(0, 0, 1, e.alpha),
                            mat3_mul(rotation_about_axis(0, 1, 0, e.beta), rotation_about_axis(0, 0, 1, e.gamma)));
    EXPECT_GE(e.beta, 0.0);
    EXPECT_LE(e.beta, kPi);
    for (int i = 0; i < 9; ++i) EXPECT_NEAR(e.det * R[i], g[i], 1e-14) << "trial " << t;
  }
}

TEST(WignerRotation, PairBlocksOfAxialElements) {
  // Elements mapping z to ±z act on each (Y_m, Y_−m) pair by the 2×2 block z_block_pair.
  const std::vector<Mat3> axial = {rotation_about_axis(0, 0, 1, 2 * kPi / 7), {1, 0, 0, 0, 1, 0, 0, 0, -1},
                                   {1, 0, 0, 0, -1, 0, 0, 0, -1},             {1, 0, 0, 0, -1, 0, 0, 0, 1},
                                   generators_from_spec("S8")[0],             {-1, 0, 0, 0, -1, 0, 0, 0, -1},
                                   mat3_mul(rotation_about_axis(0, 0, 1, 0.3), {1, 0, 0, 0, -1, 0, 0, 0, -1})};
  for (const Mat3& g : axial) {
    ASSERT_TRUE(is_z_block(g));
    for (int l : {0, 1, 6, 11}) {
      const int w = 2 * l + 1;
      const std::vector<double> D = wigner_matrix(l, g);
      for (int m = 0; m <= l; ++m) {
        const PairBlock b = z_block_pair(g, l, m);
        EXPECT_NEAR(D[std::size_t(l + m) * w + l + m], b.b00, 1e-14);
        if (m == 0) continue;
        EXPECT_NEAR(D[std::size_t(l + m) * w + l - m], b.b01, 1e-14);
        EXPECT_NEAR(D[std::size_t(l - m) * w + l + m], b.b10, 1e-14);
        EXPECT_NEAR(D[std::size_t(l - m) * w + l - m], b.b11, 1e-14);
      }
    }
  }
}

// The recursion at high degree: rows of an orthogonal matrix are orthonormal. A few rows
// of Ry(β) up to l = 4000 (the target residual of the Wigner route is ≤ 1e-11).
TEST(WignerRotation, RowsStayOrthonormalUpToDegree4000) {
  const int L = 4000;
  for (double beta : {0.3, 1.2, 2.0, 2.9}) {
    WignerRows W(beta, {0, 1, 2, 333, 1000, 2000, 3999, 4000}, L);
    double worst = 0;
    std::vector<double> T;
    std::vector<int> rows;
    while (W.degree() < L) {
      W.advance();
      const int l = W.degree();
      if (l % 1000 && l != 2001) continue;
      W.rows(T, rows);
      const std::size_t w = 2 * l + 1, nr = rows.size();
      for (std::size_t a = 0; a < nr; ++a)
        for (std::size_t b = a; b < nr; ++b) {
          double s = 0;
          for (std::size_t c = 0; c < w; ++c) s += T[a * w + c] * T[b * w + c];
          worst = std::max(worst, std::fabs(s - (a == b ? 1.0 : 0.0)));
        }
    }
    EXPECT_LE(worst, 1e-11) << "beta = " << beta;
  }
}

// Invariant counts of the Wigner route equal the character counts, and Q passes the
// residual check, up to l = 1000. Axial groups: every degree (block sparse, O(l)); groups
// with general generators: every degree up to 120 and a window at the top (the Wigner rows
// advance through all degrees in between).
TEST(WignerInvariants, CountsMatchCharactersUpToDegree1000) {
  struct Case {
    const char* spec;
    bool all_degrees;
  };
  for (const Case c : {Case{"Cs", true}, Case{"Ci", true}, Case{"C5", true}, Case{"D3", true}, Case{"C4v", true},
                       Case{"D6h", true}, Case{"S8", true}, Case{"D3d", true}, Case{"Ih", false}, Case{"Oh", false},
                       Case{"Td", false}, Case{"T", false}}) {
    const std::vector<Mat3> gens = generators_from_spec(c.spec);
    const auto G = enumerate_group(gens, 1000);
    ASSERT_TRUE(G.has_value());
    WignerInvariants W(gens, 1000);
    double worst = 0;
    int checked = 0;
    for (int l = 0; l <= 1000; ++l) {
      if (!c.all_degrees && l > 120 && l < 990) continue;
      const WignerSpace s = W.solve_space(l);
      EXPECT_EQ(s.k, character_count(l, *G)) << c.spec << " l = " << l;
      worst = std::max(worst, s.residual);
      ++checked;
    }
    EXPECT_LE(worst, 1e-11) << c.spec;
    EXPECT_GT(checked, 100);
  }
}

// Q from the Wigner route spans the invariant subspace found with collocation matrices,
// also for groups in random orientations (the frame is then one of the generator axes),
// and D_l(g)ᵀ Q = Q holds entrywise in the original axes.
TEST(WignerInvariants, SubspaceEqualsCollocationRoute) {
  const Mat3 R = random_orthogonal(4242, false);
  std::vector<std::vector<Mat3>> groups = {generators_from_spec("Ih"), generators_from_spec("Td"),
                                           generators_from_spec("D4h"), conjugated(generators_from_spec("Ih"), R),
                                           conjugated(generators_from_spec("Oh"), R),
                                           conjugated(generators_from_spec("C3v"), R)};
  for (std::size_t gi = 0; gi < groups.size(); ++gi) {
    const std::vector<Mat3>& gens = groups[gi];
    WignerInvariants W(gens, 30);
    for (int l = 0; l <= 30; ++l) {
      const SpaceInvariants s = W.solve(l);
      const std::vector<double> Q = s.dense();  // block sparse for the axial groups
      const int m = 2 * l + 1;
      // collocation: ker Σ (2I − D − Dᵀ) with D from least squares
      std::vector<double> C(std::size_t(m) * m, 0.0);
      for (int i = 0; i < m; ++i) C[std::size_t(i) * m + i] = 2.0 * gens.size();
      for (const Mat3& g : gens) {
        const std::vector<double> D = collocation_matrix(l, g);
        for (int i = 0; i < m; ++i)
          for (int j = 0; j < m; ++j) C[std::size_t(i) * m + j] -= D[std::size_t(i) * m + j] + D[std::size_t(j) * m + i];
      }
      // Q spans ker C: C Q = 0 and k = dim ker C (the count from the group's characters is
      // checked above; here the subspace itself).
      double cq = 0;
      for (int t = 0; t < s.k; ++t)
        for (int i = 0; i < m; ++i) {
          double v = 0;
          for (int j = 0; j < m; ++j) v += C[std::size_t(i) * m + j] * Q[std::size_t(t) * m + j];
          cq = std::max(cq, std::fabs(v));
        }
      EXPECT_LE(cq, 1e-10) << "group " << gi << " l = " << l;
      const auto G = enumerate_group(gens, 1000);
      ASSERT_TRUE(G.has_value());
      EXPECT_EQ(s.k, character_count(l, *G)) << "group " << gi << " l = " << l;
      // Qᵀ Q = I and D(g)ᵀ Q = Q entrywise in the original axes
      const test::BasisErrors e = test::basis_errors(l, Q, s.k, gens, wigner_matrix);
      EXPECT_LE(e.orth, 1e-13);
      EXPECT_LE(e.inv, 1e-12) << "group " << gi << " l = " << l;
      EXPECT_LE(s.residual, 1e-12);
    }
  }
}

TEST(WignerInvariants, AxialGroupsGiveBlockSparseQ) {
  for (const char* spec : {"Cs", "Ci", "C5", "D3", "C6h", "D4d"}) {
    WignerInvariants W(generators_from_spec(spec), 50);
    EXPECT_TRUE(W.block_sparse()) << spec;
    for (int l = 0; l <= 50; ++l) {
      const WignerSpace s = W.solve_space(l);
      ASSERT_TRUE(s.sparse);
      for (int t = 0; t < s.k; ++t) EXPECT_EQ(std::abs(s.rows[2 * t] - l), std::abs(s.rows[2 * t + 1] - l));
    }
  }
  EXPECT_FALSE(WignerInvariants(generators_from_spec("Ih"), 10).block_sparse());
}

TEST(WignerInvariants, CyclicGroupKeepsMultiplesOfN) {
  // C_n about z: exactly the orders m ≡ 0 mod n survive, both cos and sin functions.
  for (int n : {2, 3, 5, 7, 12}) {
    WignerInvariants W(generators_from_spec("C" + std::to_string(n)), 200);
    for (int l : {0, 5, 37, 200}) {
      const WignerSpace s = W.solve_space(l);
      EXPECT_EQ(s.k, 1 + 2 * (l / n)) << "C" << n << " l = " << l;
      for (int t = 0; t < s.k; ++t) EXPECT_EQ((s.rows[2 * t] - l) % n, 0);
      EXPECT_EQ(s.residual, 0.0);
    }
  }
}

}  // namespace
}  // namespace specavg
