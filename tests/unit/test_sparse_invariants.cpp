// Block-sparse invariant bases (SpaceInvariants::sparse, from the exact Wigner route for
// groups about the z-axis): the sparse form holds exactly the Q the pipeline stored densely
// before, and every product with it (features, Qᵀc, Qa, predictions) equals the product
// with the dense Q, and stays exactly invariant.
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "specavg/estimate/estimator.hpp"
#include "specavg/estimate/invariant_features.hpp"
#include "specavg/estimate/model.hpp"
#include "specavg/group/coordinate_groups.hpp"
#include "specavg/group/invariant_basis.hpp"
#include "specavg/group/wigner_invariants.hpp"
#include "specavg/util/counter_rng.hpp"

#include "invariance_checks.hpp"

namespace specavg {
namespace {

const char* const kAxialGroups[] = {"Cs", "Ci", "C5", "D3", "C6h", "D4d", "D4h"};

// The same basis with every Q dense (the form the pipeline used before).
InvariantBasis densified(const InvariantBasis& b) {
  InvariantBasis d = b;
  for (SpaceInvariants& s : d.spaces) {
    s.Q = s.dense();
    s.sparse = false;
    s.sparse_rows.clear();
    s.sparse_vals.clear();
  }
  return d;
}

std::vector<double> random_points(std::uint64_t seed, int n) {
  std::vector<double> x(3 * std::size_t(n));
  for (int i = 0; i < n; ++i) {
    double v[3], r = 0;
    for (int c = 0; c < 3; ++c) v[c] = rng_normal(seed, std::uint64_t(i), std::uint64_t(c)), r += v[c] * v[c];
    for (int c = 0; c < 3; ++c) x[3 * std::size_t(i) + c] = v[c] / std::sqrt(r);
  }
  return x;
}

// dense() equals, bit for bit, the Q that WignerInvariants::solve stored before the sparse
// form existed (the block-sparse columns densified, kept as canonical), for every degree up
// to 60; Qᵀ Q = I and D_l(g)ᵀ Q = Q to 1e-12.
TEST(SparseInvariants, DenseFormEqualsThePreviousDenseQ) {
  for (const char* spec : kAxialGroups) {
    const std::vector<Mat3> gens = generators_from_spec(spec);
    WignerInvariants W(gens, 60), V(gens, 60);
    ASSERT_TRUE(W.block_sparse()) << spec;
    for (int l = 0; l <= 60; ++l) {
      const SpaceInvariants s = W.solve(l);
      const WignerSpace ws = V.solve_space(l);
      EXPECT_TRUE(s.sparse) << spec << " l = " << l;
      EXPECT_TRUE(s.Q.empty());
      EXPECT_EQ(s.stored_entries(), 2 * std::size_t(s.k));
      ASSERT_EQ(s.k, ws.k);
      const std::vector<double> Q = s.dense();
      ASSERT_EQ(Q, ws.dense()) << spec << " l = " << l;
      const test::BasisErrors e = test::basis_errors(l, Q, s.k, gens, representation_matrix);
      EXPECT_LE(e.orth, 1e-14) << spec << " l = " << l;
      EXPECT_LE(e.inv, 1e-12) << spec << " l = " << l;
    }
  }
  // A group off the z-axis keeps dense Q.
  EXPECT_FALSE(WignerInvariants(generators_from_spec("Ih"), 4).solve(4).sparse);
}

// Qᵀc (a gather) and c + Q a (a scatter) equal the dense products.
TEST(SparseInvariants, ProductsEqualDenseProducts) {
  WignerInvariants W(generators_from_spec("C6h"), 40);
  for (int l = 0; l <= 40; ++l) {
    SpaceInvariants s = W.solve(l);
    const int m = s.m;
    SpaceInvariants d = s;
    d.Q = s.dense();
    d.sparse = false;
    std::vector<double> c(m), a(std::size_t(s.k)), ps(std::size_t(s.k)), pd(std::size_t(s.k)), cs(m, 0.5), cd(m, 0.5);
    for (int i = 0; i < m; ++i) c[i] = rng_normal(11, std::uint64_t(l), std::uint64_t(i));
    for (int j = 0; j < s.k; ++j) a[j] = rng_normal(12, std::uint64_t(l), std::uint64_t(j));
    s.apply_transpose(c.data(), ps.data());
    d.apply_transpose(c.data(), pd.data());
    s.apply_add(a.data(), cs.data());
    d.apply_add(a.data(), cd.data());
    for (int j = 0; j < s.k; ++j) EXPECT_NEAR(ps[j], pd[j], 1e-14) << l;
    for (int i = 0; i < m; ++i) EXPECT_NEAR(cs[i], cd[i], 1e-14) << l;
  }
}

// Pointwise features and predictions of a block-sparse basis equal those of the same basis
// densified (≤ 1e-12 on random points), and are invariant under the generators (≤ 1e-12).
TEST(SparseInvariants, FeaturesAndPredictionsEqualTheDenseRoute) {
  const ManifoldPtr M = make_manifold("s2", 3);
  for (const char* spec : {"Cs", "C5", "D4h"}) {
    const std::vector<Isometry> gens = generators_for_spec(spec, 3);
    Cutoff c;
    c.lmax = 30;
    Model sparse;
    sparse.estimator = &ridge_estimator();
    sparse.basis = build_invariant_basis(*M, c, gens);
    std::size_t nsparse = 0;
    for (const SpaceInvariants& s : sparse.basis.spaces) nsparse += s.sparse ? 1 : 0;
    ASSERT_EQ(nsparse, sparse.basis.spaces.size()) << spec;
    Model dense = sparse;
    dense.basis = densified(sparse.basis);
    const int D = sparse.basis.dinv(), n = 400;
    ASSERT_GT(D, 0);
    sparse.ntargets = dense.ntargets = 2;
    sparse.coef.resize(std::size_t(D) * 2);
    for (std::size_t i = 0; i < sparse.coef.size(); ++i) sparse.coef[i] = rng_normal(21, i, 0);
    dense.coef = sparse.coef;
    const std::vector<double> x = random_points(31, n);
    InvariantFeatures fs(sparse.basis), fd(dense.basis);
    std::vector<double> ps(std::size_t(n) * D), pd(ps.size()), pg(ps.size());
    fs.evaluate(x.data(), std::size_t(n), ps.data());
    fd.evaluate(x.data(), std::size_t(n), pd.data());
    double dev = 0;
    for (std::size_t i = 0; i < ps.size(); ++i) dev = std::max(dev, std::fabs(ps[i] - pd[i]));
    EXPECT_LE(dev, 1e-12) << spec;
    std::vector<double> ys(2 * std::size_t(n)), yd(ys.size()), yg(ys.size());
    sparse.predict(x.data(), n, ys.data());
    dense.predict(x.data(), n, yd.data());
    double pdev = 0;
    for (std::size_t i = 0; i < ys.size(); ++i) pdev = std::max(pdev, std::fabs(ys[i] - yd[i]));
    EXPECT_LE(pdev, 1e-12) << spec;
    double inv = 0, finv = 0;
    std::vector<double> gx(x.size());
    for (const Isometry& g : gens) {
      for (int i = 0; i < n; ++i) isometry_apply(g, &x[3 * std::size_t(i)], &gx[3 * std::size_t(i)]);
      sparse.predict(gx.data(), n, yg.data());
      for (std::size_t i = 0; i < ys.size(); ++i) inv = std::max(inv, std::fabs(ys[i] - yg[i]));
      fs.evaluate(gx.data(), std::size_t(n), pg.data());
      for (std::size_t i = 0; i < ps.size(); ++i) finv = std::max(finv, std::fabs(ps[i] - pg[i]));
    }
    EXPECT_LE(inv, 1e-12) << spec;
    EXPECT_LE(finv, 1e-12) << spec;
  }
}

}  // namespace
}  // namespace specavg
