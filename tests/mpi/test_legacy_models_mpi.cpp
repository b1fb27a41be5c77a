// Model files of every format this build reads: the committed files in tests/data/ hold
// one S² model under D3 (lmax 8, trained on noise-free group-averaged bumps) written as
// format 3 by `specavg train` and rewritten in the layouts of formats 1 and 2 by
// tests/data/make_legacy_models.py. Each must load with the same basis and coefficients
// and predict the target.
#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "mpi_test_util.hpp"
#include "specavg/estimate/synthetic_target.hpp"
#include "specavg/group/point_group.hpp"
#include "specavg/io/model_file.hpp"
#include "specavg/parallel/predict.hpp"

namespace specavg {
namespace {

using test::global_max;

std::string data_file(const std::string& name) {
  return std::string(SPECAVG_TEST_DATA_DIR) + "/" + name;
}

// Predictions at 2000 uniform points of a fixed stream (every rank the same points).
std::vector<double> predict_fixed(const Model& m, std::vector<double>* x) {
  const int n = 2000;
  x->resize(3 * n);
  for (int i = 0; i < n; ++i) synthetic_point(777, i, &(*x)[3 * i]);
  std::vector<double> f;
  predict_points(m, x->data(), n, &f);
  return f;
}

TEST(LegacyModelsMPI, EveryFormatLoadsAndPredictsTheTarget) {
  Model v3;
  ASSERT_EQ(read_model(PETSC_COMM_WORLD, data_file("model_v3.h5"), &v3), 0);
  ASSERT_EQ(v3.manifold().name(), "s2");
  ASSERT_EQ(v3.basis.spaces.size(), 9u);  // lmax 8
  std::vector<double> x;
  const std::vector<double> f3 = predict_fixed(v3, &x);
  // The model recovers the D3 bumps it was trained on (band-limited at degree 8).
  const SyntheticTarget target(*enumerate_group(generators_from_spec("D3"), 100));
  double err = 0, scale = 0;
  for (std::size_t i = 0; i < f3.size(); ++i) {
    err = std::max(err, std::fabs(f3[i] - target(&x[3 * i])));
    scale = std::max(scale, std::fabs(target(&x[3 * i])));
  }
  EXPECT_LT(global_max(err), 0.05 * scale) << "max error " << err << " of max |f| " << scale;
  // The file's dense Q (format 3, written before the Wigner route) spans the same invariant
  // subspace as the block-sparse basis this build computes for D3: Q Qᵀ agrees to 1e-12.
  const InvariantBasis now = build_invariant_basis(v3.manifold(), Cutoff{8}, v3.generators);
  ASSERT_EQ(now.spaces.size(), v3.basis.spaces.size());
  for (std::size_t s = 0; s < now.spaces.size(); ++s) {
    const SpaceInvariants &a = now.spaces[s], &b = v3.basis.spaces[s];
    EXPECT_TRUE(a.sparse) << s;
    EXPECT_FALSE(b.sparse) << s;
    ASSERT_EQ(a.k, b.k) << s;
    const std::vector<double> qa = a.dense();
    double dev = 0;
    for (int i = 0; i < a.m; ++i)
      for (int j = 0; j < a.m; ++j) {
        double pa = 0, pb = 0;
        for (int t = 0; t < a.k; ++t) {
          pa += qa[std::size_t(t) * a.m + i] * qa[std::size_t(t) * a.m + j];
          pb += b.Q[std::size_t(t) * a.m + i] * b.Q[std::size_t(t) * a.m + j];
        }
        dev = std::max(dev, std::fabs(pa - pb));
      }
    EXPECT_LE(dev, 1e-12) << "degree " << s;
  }

  for (const char* name : {"model_v1.h5", "model_v2.h5"}) {
    Model old;
    ASSERT_EQ(read_model(PETSC_COMM_WORLD, data_file(name), &old), 0) << name;
    EXPECT_EQ(old.manifold().name(), "s2") << name;
    EXPECT_EQ(old.estimator, &ridge_estimator()) << name;
    EXPECT_EQ(old.group_spec, v3.group_spec) << name;
    EXPECT_EQ(old.basis.cutoff, v3.basis.cutoff) << name;
    EXPECT_EQ(old.generators.size(), v3.generators.size()) << name;
    ASSERT_EQ(old.basis.spaces.size(), v3.basis.spaces.size()) << name;
    for (std::size_t s = 0; s < v3.basis.spaces.size(); ++s) {
      EXPECT_EQ(old.basis.spaces[s].label, v3.basis.spaces[s].label) << name;
      EXPECT_EQ(old.basis.spaces[s].k, v3.basis.spaces[s].k) << name;
    }
    ASSERT_EQ(old.coef, v3.coef) << name;
    const std::vector<double> f = predict_fixed(old, &x);
    double dev = 0;
    for (std::size_t i = 0; i < f.size(); ++i) dev = std::max(dev, std::fabs(f[i] - f3[i]));
    EXPECT_EQ(global_max(dev), 0.0) << name;
  }
}

}  // namespace
}  // namespace specavg
