// Eigenspaces, cutoffs and invariant subspaces on S^{d-1} and T^d against closed forms;
// the monomial route against the dense eigensolver.
#include <gtest/gtest.h>

#include <cmath>

#include "specavg/basis/manifold.hpp"
#include "specavg/estimate/model.hpp"
#include "specavg/group/coordinate_groups.hpp"
#include "specavg/group/invariant_basis.hpp"
#include "specavg/group/monomial_invariants.hpp"
#include "specavg/util/dense_linalg.hpp"

namespace specavg {
namespace {

const double kPi = std::acos(-1.0);

// Partitions of n into at most k parts (0 for n < 0).
long long partitions(int n, int k) {
  if (n < 0) return 0;
  std::vector<std::vector<long long>> p(n + 1, std::vector<long long>(k + 1, 0));
  for (int j = 0; j <= k; ++j) p[0][j] = 1;
  for (int i = 1; i <= n; ++i)
    for (int j = 1; j <= k; ++j) p[i][j] = p[i][j - 1] + (i >= j ? p[i - j][j] : 0);
  return p[n][k];
}

long long binom(int n, int r) {
  if (r < 0 || n < r) return 0;
  long long b = 1;
  for (int i = 1; i <= r; ++i) b = b * (n - r + i) / i;
  return b;
}

TEST(ManifoldInvariants, SymCountsArePartitionDifferences) {
  // Sym(d) on S^{d-1}: degree-k invariants = p(k) − p(k−2), parts ≤ d. d = 10: 1,1,1,2,3,4,6.
  const int expect10[] = {1, 1, 1, 2, 3, 4, 6};
  for (int k = 0; k <= 6; ++k)
    EXPECT_EQ(harmonic_invariant_polys(10, k, generators_for_spec("Sym", 10)).count, expect10[k]);
  for (int d : {3, 5, 12})
    for (int k = 0; k <= 9; ++k)
      EXPECT_EQ(harmonic_invariant_polys(d, k, generators_for_spec("Sym", d)).count,
                partitions(k, d) - partitions(k - 2, d))
          << "d " << d << " k " << k;
}

TEST(ManifoldInvariants, SignedGroupCounts) {
  // Hyperoct: symmetric polynomials in x_i² → partitions of k/2; Signs: all polynomials in x_i².
  for (int d : {3, 6})
    for (int k = 0; k <= 10; ++k) {
      const int h = k / 2;
      const long long hyp = k % 2 ? 0 : partitions(h, d) - partitions(h - 1, d);
      const long long sig = k % 2 ? 0 : binom(h + d - 1, d - 1) - binom(h + d - 2, d - 1);
      EXPECT_EQ(harmonic_invariant_polys(d, k, generators_for_spec("Hyperoct", d)).count, hyp) << d << " " << k;
      EXPECT_EQ(harmonic_invariant_polys(d, k, generators_for_spec("Signs", d)).count, sig) << d << " " << k;
    }
}

double projector_distance(const SpaceInvariants& a, const SpaceInvariants& b) {
  const int m = a.m;
  std::vector<double> Pa(std::size_t(m) * m), Pb(Pa.size());
  dgemm(false, true, m, m, a.k, 1.0, a.Q.data(), m, a.Q.data(), m, 0.0, Pa.data(), m);
  dgemm(false, true, m, m, b.k, 1.0, b.Q.data(), m, b.Q.data(), m, 0.0, Pb.data(), m);
  double d = 0;
  for (std::size_t i = 0; i < Pa.size(); ++i) d = std::max(d, std::fabs(Pa[i] - Pb[i]));
  return d;
}

TEST(ManifoldInvariants, MonomialRouteMatchesDense) {
  struct Case {
    const char* manifold;
    int dim;
    const char* group;
    int degree;
  };
  for (const Case& c : {Case{"sphere", 6, "Sym", 4}, Case{"sphere", 5, "Hyperoct", 6}, Case{"sphere", 4, "Cyc", 5},
                        Case{"s2", 3, "Oh", 12}, Case{"sphere", 10, "Alt", 4}, Case{"sphere", 7, "Dih,Signs", 4}}) {
    const ManifoldPtr M_ptr = make_manifold(c.manifold, c.dim);
    const Manifold& M = *M_ptr;
    const auto gens = generators_for_spec(c.group, c.dim);
    const Eigenspace e = M.eigenspace_of(c.degree);
    const SpaceInvariants dense = invariant_space(M, e, gens, std::size_t(-1), 1e-8, {}, MonomialRoute::Never);
    const SpaceInvariants mono = invariant_space(M, e, gens, 0, 1e-8, {}, MonomialRoute::Always);
    EXPECT_EQ(mono.method, "monomial");
    ASSERT_EQ(dense.k, mono.k) << c.manifold << c.dim << " " << c.group;
    EXPECT_GT(dense.k, 0) << c.group;
    EXPECT_LE(projector_distance(dense, mono), 1e-10) << c.manifold << c.dim << " " << c.group;
    EXPECT_LE(mono.residual, 1e-10);
    EXPECT_LE(dense.residual, 1e-12);
  }
}

TEST(ManifoldInvariants, DenseSphereCountsMatchClosedForm) {
  const ManifoldPtr M_ptr = make_manifold("sphere", 10);
  const Manifold& M = *M_ptr;
  Cutoff c;
  c.lmax = 4;
  const InvariantBasis b = build_invariant_basis(M, c, generators_for_spec("Sym", 10));
  const int expect[] = {1, 1, 1, 2, 3};
  for (int k = 0; k <= 4; ++k) EXPECT_EQ(b.spaces[k].k, expect[k]);
}

TEST(ManifoldInvariants, TorusSignsCountsAndShells) {
  const ManifoldPtr T_ptr = make_manifold("torus", 10);
  const Manifold& T = *T_ptr;
  const auto gens = generators_for_spec("Signs", 10);
  const int expect[] = {56, 176, 396};
  for (int n = 2; n <= 4; ++n) {
    Cutoff c;
    c.lambda_max = n * kPi * kPi;
    const InvariantBasis b = build_invariant_basis(T, c, gens);
    EXPECT_EQ(b.dinv(), expect[n - 2]);
    EXPECT_EQ(b.spaces.size(), std::size_t(n + 1));
    for (const SpaceInvariants& s : b.spaces) EXPECT_LE(s.residual, 1e-13);
  }
}

TEST(ManifoldInvariants, Cutoffs) {
  Cutoff nb;
  nb.nbasis = 625;
  EXPECT_EQ(eigenspaces_within(*make_manifold("s2", 3), nb).size(), 25u);  // = lmax 24
  const auto t = eigenspaces_within(*make_manifold("torus", 10), [] {
    Cutoff c;
    c.lambda_max = 4 * kPi * kPi;
    return c;
  }());
  const std::size_t mult[] = {1, 20, 180, 960, 3380};
  ASSERT_EQ(t.size(), 5u);
  for (int n = 0; n < 5; ++n) EXPECT_EQ(t[n].m, mult[n]);
  Cutoff n200;
  n200.nbasis = 200;
  EXPECT_EQ(eigenspaces_within(*make_manifold("torus", 10), n200).size(), 3u);  // 1 + 20 + 180 = 201
  Cutoff lm;
  lm.lambda_max = 48;  // S^9: λ = k(k+8) = 0, 9, 20, 33, 48
  EXPECT_EQ(eigenspaces_within(*make_manifold("sphere", 10), lm).size(), 5u);
  Cutoff l3;
  l3.lmax = 3;
  EXPECT_THROW(eigenspaces_within(*make_manifold("torus", 3), l3), std::invalid_argument);
  EXPECT_THROW(*make_manifold("s2", 4), std::invalid_argument);
  EXPECT_THROW(*make_manifold("ball", 3), std::invalid_argument);
  // d = 3 torus: shell 7 is empty (not a sum of three squares) and skipped.
  Cutoff l8;
  l8.lambda_max = 8 * kPi * kPi;
  for (const Eigenspace& e : eigenspaces_within(*make_manifold("torus", 3), l8)) EXPECT_NE(e.label, 7);
}

TEST(ManifoldInvariants, DefectsAndMaps) {
  const ManifoldPtr T_ptr = make_manifold("torus", 2), S_ptr = make_manifold("sphere", 2);
  const Manifold &T = *T_ptr, &S = *S_ptr;
  const double in[2] = {0.9, -1.0}, out[2] = {1.2, 0.0};
  EXPECT_EQ(T.defect(in), 0.0);
  EXPECT_NEAR(T.defect(out), 0.2, 1e-15);
  Isometry g = isometry_identity(2);
  g.t = {0.3, 0.0};
  double y[2];
  T.map_point(g, in, y);
  EXPECT_NEAR(y[0], -0.8, 1e-15);  // 1.2 wraps to −0.8
  const double u[2] = {0.6, 0.8};
  EXPECT_NEAR(S.defect(u), 0.0, 1e-15);
}

}  // namespace
}  // namespace specavg
