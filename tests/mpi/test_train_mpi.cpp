// Distributed training: rank-count independence, exact invariance, recovery of a known
// target, several targets, weights, and the reduced solver options.
#include <gtest/gtest.h>

#include <cmath>

#include "mpi_test_util.hpp"
#include "specavg/parallel/distributed_basis.hpp"
#include "specavg/group/coordinate_groups.hpp"
#include "specavg/parallel/predict.hpp"
#include "specavg/parallel/synth.hpp"
#include "specavg/parallel/train.hpp"
#include "specavg/estimate/synthetic_target.hpp"
#include "specavg/io/h5_parallel.hpp"

namespace specavg {
namespace {

using test::global_max;
using test::scratch;
using test::world_rank;

std::string make_data(const std::string& name, const std::string& group, long long n, double noise,
                      unsigned long long seed) {
  SynthConfig c;
  c.n = n;
  c.noise = noise;
  c.seed = seed;
  c.generators = generators_for_spec(group, 3);
  c.output = scratch(name);
  EXPECT_EQ(synthesize(PETSC_COMM_WORLD, c), 0);
  return c.output;
}

Model train(MPI_Comm comm, const std::string& data, const std::string& group, int lmax,
            const Estimator& est = ridge_estimator(), double tau = 1e-6) {
  TrainOptions o;
  o.data = data;
  o.group = group;
  o.cutoff.lmax = lmax;
  o.estimator = &est;
  o.tau = tau;
  o.verbose = false;
  Model m;
  TrainReport r;
  EXPECT_EQ(train_model(comm, o, &m, &r), 0);
  return m;
}

double max_abs(const std::vector<double>& v) {
  double m = 0;
  for (double x : v) m = std::max(m, std::fabs(x));
  return m;
}

// max |a − b| / max |b|, computed on rank 0 against a serial (PETSC_COMM_SELF) fit.
double rank_count_deviation(const std::string& data, const std::string& group, int lmax, const Estimator& est) {
  const Model dist = train(PETSC_COMM_WORLD, data, group, lmax, est);
  double dev = 0.0;
  if (world_rank() == 0) {
    const Model serial = train(PETSC_COMM_SELF, data, group, lmax, est);
    EXPECT_EQ(serial.coef.size(), dist.coef.size());
    for (std::size_t i = 0; i < serial.coef.size(); ++i) dev = std::max(dev, std::fabs(serial.coef[i] - dist.coef[i]));
    dev /= max_abs(serial.coef);
  }
  return global_max(dev);
}

TEST(TrainMPI, CoefficientsIndependentOfRankCount) {
  const std::string data = make_data("rank_ih.h5", "Ih", 30000, 0.1, 11);
  EXPECT_LE(rank_count_deviation(data, "Ih", 24, ridge_estimator()), 1e-10);
  EXPECT_LE(rank_count_deviation(data, "Ih", 24, spectral_estimator()), 1e-10);
  const std::string d5 = make_data("rank_d5.h5", "D5", 20000, 0.1, 12);
  EXPECT_LE(rank_count_deviation(d5, "D5", 16, ridge_estimator()), 1e-10);
}

TEST(TrainMPI, FewerRowsThanRanks) {  // ranks without rows still take part in every collective
  const std::string data = make_data("tiny.h5", "Oh", 2, 0.1, 61);
  EXPECT_LE(rank_count_deviation(data, "Oh", 4, ridge_estimator()), 1e-10);
}

TEST(TrainMPI, SmallAndDistributedReducedSystems) {
  // D_inv = 1, 5, 21 (redundant solves) and, without symmetry, 225 and 289 (rows
  // distributed over 2 or 3 ranks, ScaLAPACK Cholesky, uneven splits).
  const std::string data = make_data("uneven.h5", "D3", 3000, 0.1, 62);
  for (int lmax : {0, 4, 10}) EXPECT_LE(rank_count_deviation(data, "D3", lmax, ridge_estimator()), 1e-10) << lmax;
  for (int lmax : {14, 16}) EXPECT_LE(rank_count_deviation(data, "C1", lmax, ridge_estimator()), 1e-10) << lmax;
}

TEST(TrainMPI, ExactInvarianceForGeneratorsAndRandomWords) {
  for (const char* group : {"Ih", "Oh", "C6,Cs", "D5", "T"}) {
    const std::string data = make_data(std::string("inv_") + group + ".h5", group, 8000, 0.1, 21);
    for (const Estimator* e : {&ridge_estimator(), &spectral_estimator()}) {
      const Estimator& est = *e;
      const Model m = train(PETSC_COMM_WORLD, data, group, 20, est);
      LocalData d;
      ASSERT_EQ(test::read_rows(data, "-data", ValuesNeed::Required, *make_manifold("s2", 3), &d), 0);
      EvalReport r;
      ASSERT_EQ(evaluate_model(PETSC_COMM_WORLD, m, d, 8000, 16, 6, &r), 0);
      EXPECT_GT(r.max_abs_f, 1e-3) << group;
      EXPECT_LE(r.id_rel, 1e-10) << group << " " << est.name();
      EXPECT_EQ(r.id_words, int(m.generators.size()) + 16);
    }
  }
}

TEST(TrainMPI, RecoversKnownTargetAtNoiseLimit) {
  const double sigma = 0.1;
  const long long n = 60000;
  const std::string train_f = make_data("rec_train.h5", "Oh", n, sigma, 31);
  const std::string test_f = make_data("rec_test.h5", "Oh", 20000, sigma, 32);
  const Model m = train(PETSC_COMM_WORLD, train_f, "Oh", 24);
  LocalData d;
  ASSERT_EQ(test::read_rows(test_f, "-data", ValuesNeed::Required, *make_manifold("s2", 3), &d), 0);
  EvalReport r;
  ASSERT_EQ(evaluate_model(PETSC_COMM_WORLD, m, d, 1000, 4, 6, &r), 0);
  const double limit = sigma * std::sqrt(double(m.basis.dinv()) / double(n));
  EXPECT_LE(r.rmse_truth, 1.5 * limit);
  EXPECT_GE(r.rmse_truth, 0.3 * limit);  // a fit that ignores the noise would be suspicious

  // Without noise the target (smooth, invariant, essentially band-limited) is recovered.
  const std::string clean = make_data("rec_clean.h5", "Oh", 20000, 0.0, 33);
  const Model mc = train(PETSC_COMM_WORLD, clean, "Oh", 24, ridge_estimator(), 1e-10);
  ASSERT_EQ(evaluate_model(PETSC_COMM_WORLD, mc, d, 1000, 4, 6, &r), 0);
  EXPECT_LE(r.rmse_truth, 1e-6);
}

// values (n × 2) = (y, 3y) with optional uniform weights.
std::string make_two_targets(const std::string& name, long long n, double weight) {
  const auto el = enumerate_group(generators_from_spec("D3"), 100);
  const SyntheticTarget f(*el);
  PetscInt b, c;
  row_block(PETSC_COMM_WORLD, n, &b, &c);
  std::vector<double> p(3 * c), v(2 * c), w(c, weight);
  for (PetscInt i = 0; i < c; ++i) {
    synthetic_point(41, b + i, &p[3 * i]);
    const double y = f(&p[3 * i]) + 0.05 * synthetic_noise(41, b + i);
    v[2 * i] = y;
    v[2 * i + 1] = 3 * y;
  }
  H5Writer wr;
  const std::string path = scratch(name);
  EXPECT_EQ(wr.create(PETSC_COMM_WORLD, path), 0);
  EXPECT_EQ(wr.create_dataset("points", {hsize_t(n), 3}), 0);
  EXPECT_EQ(wr.create_dataset("values", {hsize_t(n), 2}), 0);
  EXPECT_EQ(wr.write_rows("points", b, c, p.data()), 0);
  EXPECT_EQ(wr.write_rows("values", b, c, v.data()), 0);
  if (weight > 0) {
    EXPECT_EQ(wr.create_dataset("weights", {hsize_t(n)}), 0);
    EXPECT_EQ(wr.write_rows("weights", b, c, w.data()), 0);
  }
  EXPECT_EQ(wr.commit(), 0);
  return path;
}

TEST(TrainMPI, SeveralTargetsAndWeights) {
  const std::string plain = make_two_targets("two.h5", 12000, 0.0);
  const std::string weighted = make_two_targets("two_w.h5", 12000, 2.5);
  const Model m = train(PETSC_COMM_WORLD, plain, "D3", 12);
  const Model mw = train(PETSC_COMM_WORLD, weighted, "D3", 12);
  ASSERT_EQ(m.ntargets, 2);
  LocalData d;
  ASSERT_EQ(test::read_rows(plain, "-data", ValuesNeed::Required, *make_manifold("s2", 3), &d), 0);
  std::vector<double> f, fw;
  predict_points(m, d.points.data(), d.count, &f);
  predict_points(mw, d.points.data(), d.count, &fw);
  double lin = 0, wdev = 0;
  for (PetscInt i = 0; i < d.count; ++i) lin = std::max(lin, std::fabs(f[2 * i + 1] - 3 * f[2 * i]));
  for (std::size_t i = 0; i < m.coef.size(); ++i) wdev = std::max(wdev, std::fabs(m.coef[i] - mw.coef[i]));
  EXPECT_LE(global_max(lin), 1e-10);   // one factorization, two right-hand sides, linear in y
  EXPECT_LE(global_max(wdev), 1e-12);  // uniform weights cancel in the normalization by W
}

TEST(TrainMPI, IterativeReducedSolverAgreesWithDirect) {
  const std::string data = make_data("cg.h5", "Oh", 10000, 0.1, 51);
  // Oh at lmax 20: D_inv = 14 (redundant); C1 at lmax 14: D_inv = 225 (distributed).
  for (const auto& [group, lmax] : {std::pair<const char*, int>{"Oh", 20}, {"C1", 14}}) {
    const Model direct = train(PETSC_COMM_WORLD, data, group, lmax);
    PetscOptionsSetValue(nullptr, "-reduced_ksp_type", "cg");
    PetscOptionsSetValue(nullptr, "-reduced_ksp_rtol", "1e-14");
    const Model cg = train(PETSC_COMM_WORLD, data, group, lmax);
    PetscOptionsClearValue(nullptr, "-reduced_ksp_type");
    PetscOptionsClearValue(nullptr, "-reduced_ksp_rtol");
    double dev = 0;
    for (std::size_t i = 0; i < cg.coef.size(); ++i) dev = std::max(dev, std::fabs(cg.coef[i] - direct.coef[i]));
    EXPECT_LE(global_max(dev) / max_abs(direct.coef), 1e-9) << group;
  }
}

}  // namespace
}  // namespace specavg
