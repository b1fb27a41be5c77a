// Data-only model selection and the error model through the training pipeline: the
// scores and the choice do not depend on the rank count (every rank count is compared
// with a one-rank fit of the same file), k-fold equals explicit fold sums built from the
// rows with fold_of, the model file keeps selection and error model, and the 95%
// intervals of predict -std cover a target inside the model's span at 93-97%.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>

#include "mpi_test_util.hpp"
#include "specavg/estimate/invariant_features.hpp"
#include "specavg/io/h5_parallel.hpp"
#include "specavg/io/model_file.hpp"
#include "specavg/io/row_sink.hpp"
#include "specavg/parallel/predict.hpp"
#include "specavg/parallel/train.hpp"
#include "specavg/util/counter_rng.hpp"

namespace specavg {
namespace {

using test::global_max;
using test::scratch;
using test::world_rank;

Model fit(MPI_Comm comm, const std::string& data, const std::string& group, int lmax, SelectCriterion c,
          const Estimator& est = ridge_estimator(), bool pooled = false, int unc = -1, double tau = 1e-6) {
  TrainOptions o;
  o.data = data;
  o.group = group;
  o.cutoff.lmax = lmax;
  o.estimator = &est;
  o.tau = tau;
  o.select.criterion = c;
  o.select.pooled = pooled;
  o.select.uncertainty = unc;
  o.select.taus = log_grid(1e-8, 1.0, 12);
  o.verbose = false;
  Model m;
  TrainReport r;
  EXPECT_EQ(train_model(comm, o, &m, &r), 0);
  return m;
}

double rel_dev(const std::vector<double>& a, const std::vector<double>& b) {
  double d = 0, s = 0;
  for (std::size_t i = 0; i < a.size() && i < b.size(); ++i) d = std::max(d, std::fabs(a[i] - b[i])), s = std::max(s, std::fabs(b[i]));
  return a.size() == b.size() ? d / std::max(s, 1e-300) : 1e300;
}

TEST(SelectMPI, ScoresAndChoiceIndependentOfRankCount) {
  const std::string data = test::synth("sel.h5", "s2", 3, "D3", "auto", 2400, 0.2, 7);
  for (SelectCriterion c : {SelectCriterion::Gcv, SelectCriterion::KFold, SelectCriterion::Loo})
    for (const Estimator* e : {&ridge_estimator(), &spectral_estimator()}) {
      const Estimator& est = *e;
      const Model dist = fit(PETSC_COMM_WORLD, data, "D3", 8, c, est);
      double dev = 0, same = 1;
      if (world_rank() == 0) {
        const Model one = fit(PETSC_COMM_SELF, data, "D3", 8, c, est);
        dev = std::max(rel_dev(dist.selection.scores, one.selection.scores), rel_dev(dist.coef, one.coef));
        dev = std::max(dev, rel_dev(dist.uncertainty.noise_variance, one.uncertainty.noise_variance));
        same = dist.selection.chosen_cutoff == one.selection.chosen_cutoff &&
               dist.selection.chosen_tau == one.selection.chosen_tau;
      }
      EXPECT_LT(global_max(dev), 1e-10) << select_criterion_name(c) << " " << est.name();
      EXPECT_EQ(global_max(1 - same), 0) << select_criterion_name(c);
      EXPECT_TRUE(dist.has_selection);
      EXPECT_EQ(int(dist.selection.scores.size()),
                int(dist.selection.cutoffs.size() * dist.selection.taus.size() * dist.ntargets));
    }
}

TEST(SelectMPI, KFoldScoresEqualFoldSumsOfTheRows) {
  const std::string data = test::synth("kf.h5", "s2", 3, "D3", "auto", 900, 0.2, 8);
  const Model m = fit(PETSC_COMM_WORLD, data, "D3", 6, SelectCriterion::KFold);
  double dev = 0;
  if (world_rank() == 0) {
    LocalData d;
    EXPECT_EQ(load_rows(PETSC_COMM_SELF, data, RowRequest{"-data", ValuesNeed::Required, m.basis.manifold.get()}, &d), 0);
    const int D = m.basis.dinv(), K = 5;
    InvariantFeatures feats(m.basis);
    std::vector<double> psi(std::size_t(d.count) * D);
    feats.evaluate(d.points.data(), std::size_t(d.count), psi.data());
    std::vector<ReducedSums> folds(K);
    for (auto& f : folds) {
      f.dinv = D, f.ntargets = 1;
      f.gram.assign(std::size_t(D) * D, 0.0), f.rhs.assign(D, 0.0), f.yy.assign(1, 0.0);
    }
    for (PetscInt i = 0; i < d.count; ++i) {
      ReducedSums& f = folds[fold_of(d.begin + i, K)];
      const double y = d.values[i];
      for (int a = 0; a < D; ++a) {
        const double pa = psi[std::size_t(a) * d.count + i];
        for (int b = 0; b < D; ++b) f.gram[std::size_t(a) * D + b] += pa * psi[std::size_t(b) * d.count + i];
        f.rhs[a] += pa * y;
      }
      f.yy[0] += y * y, f.wsum += 1, f.n += 1;
    }
    const auto pen = penalty_weights(m.basis, 1.0);
    const SelectionResult ref = select_kfold(folds, pen, m.selection.cutoffs, m.selection.taus, false, false);
    dev = rel_dev(m.selection.scores, ref.scores);
  }
  EXPECT_LT(global_max(dev), 1e-10);
}

TEST(SelectMPI, ModelFileKeepsSelectionAndErrorModel) {
  const std::string data = test::synth("rt.h5", "s2", 3, "D3", "auto", 600, 0.2, 9);
  const Model m = fit(PETSC_COMM_WORLD, data, "D3", 6, SelectCriterion::Gcv);
  const std::string path = scratch("rt_model.h5");
  ASSERT_EQ(write_model(PETSC_COMM_WORLD, m, path), 0);
  Model r;
  ASSERT_EQ(read_model(PETSC_COMM_WORLD, path, &r), 0);
  EXPECT_TRUE(r.has_selection);
  EXPECT_EQ(r.selection.scores, m.selection.scores);
  EXPECT_EQ(r.selection.chosen_tau, m.selection.chosen_tau);
  EXPECT_EQ(r.selection.cutoffs.back().label, m.selection.cutoffs.back().label);
  EXPECT_EQ(r.uncertainty.noise_variance, m.uncertainty.noise_variance);
  EXPECT_EQ(r.uncertainty.unit_covariance, m.uncertainty.unit_covariance);
  if (world_rank() == 0) std::remove(path.c_str());
}

// Writes n points uniform on S² with y = ψ(x)ᵀa* + σ ε (a target inside the span of the
// invariant features of `basis`) and the noise-free truth, rows by rank.
std::string in_span_data(const std::string& name, const InvariantBasis& basis, const std::vector<double>& astar,
                         long long n, double sigma, unsigned long long seed) {
  PetscInt begin = 0, count = 0;
  row_block(PETSC_COMM_WORLD, PetscInt(n), &begin, &count);
  std::vector<double> x(std::size_t(count) * 3), y(count), t(count);
  for (PetscInt i = 0; i < count; ++i) {
    const std::uint64_t g = std::uint64_t(begin + i);
    const double z = 2 * rng_uniform(seed, 1, g) - 1, ph = 2 * M_PI * rng_uniform(seed, 2, g), r = std::sqrt(1 - z * z);
    x[3 * i] = r * std::cos(ph), x[3 * i + 1] = r * std::sin(ph), x[3 * i + 2] = z;
  }
  InvariantFeatures feats(basis);
  const int D = basis.dinv();
  std::vector<double> psi(std::size_t(count) * D);
  feats.evaluate(x.data(), std::size_t(count), psi.data());
  for (PetscInt i = 0; i < count; ++i) {
    double f = 0;
    for (int j = 0; j < D; ++j) f += psi[std::size_t(j) * count + i] * astar[j];
    t[i] = f;
    y[i] = f + sigma * rng_normal(seed, 3, std::uint64_t(begin + i));
  }
  const std::string path = scratch(name);
  std::unique_ptr<RowSink> sink;
  EXPECT_EQ(create_row_sink(PETSC_COMM_WORLD, path, "-output", PetscInt(n), {{"points", 3}, {"values", 0}, {"truth", 0}},
                            &sink),
            0);
  EXPECT_EQ(sink->write_rows("points", begin, count, x.data()), 0);
  EXPECT_EQ(sink->write_rows("values", begin, count, y.data()), 0);
  EXPECT_EQ(sink->write_rows("truth", begin, count, t.data()), 0);
  EXPECT_EQ(sink->commit(), 0);
  return path;
}

TEST(SelectMPI, NinetyFivePercentIntervalsCoverAnInSpanTarget) {
  const InvariantBasis basis = build_invariant_basis(*make_manifold("s2", 3), Cutoff{8}, generators_for_spec("D3", 3));
  const int D = basis.dinv();
  const double sigma = 0.3;
  double covered = 0, total = 0, noise_ratio = 0;
  const int seeds = 20;
  for (int s = 1; s <= seeds; ++s) {
    std::vector<double> astar(D);
    for (int j = 0; j < D; ++j) astar[j] = rng_normal(100 + s, 0, j) / (1.0 + j);
    const std::string train = in_span_data("cal_train.h5", basis, astar, 1500, sigma, 2 * s);
    const std::string testf = in_span_data("cal_test.h5", basis, astar, 1000, sigma, 2 * s + 1);
    const Model m = fit(PETSC_COMM_WORLD, train, "D3", 8, SelectCriterion::None, ridge_estimator(), false, 1, 1e-9);
    LocalData d;
    ASSERT_EQ(load_rows(PETSC_COMM_WORLD, testf, RowRequest{"-points", ValuesNeed::Required, m.basis.manifold.get()}, &d), 0);
    std::vector<double> f, sd;
    predict_points(m, d.points.data(), d.count, &f);
    predict_std_points(m, d.points.data(), d.count, &sd);
    double loc[2] = {0, double(d.count)}, glob[2];
    for (PetscInt i = 0; i < d.count; ++i) loc[0] += std::fabs(f[i] - d.truth[i]) <= 1.96 * sd[i];
    MPI_Allreduce(loc, glob, 2, MPI_DOUBLE, MPI_SUM, PETSC_COMM_WORLD);
    covered += glob[0], total += glob[1];
    noise_ratio += std::sqrt(m.uncertainty.noise_variance[0]) / sigma / seeds;
  }
  const double coverage = covered / total;
  if (world_rank() == 0) std::printf("[calibration] in-span coverage %.4f over %d seeds, noise sd ratio %.4f\n", coverage, seeds, noise_ratio);
  EXPECT_GE(coverage, 0.93);
  EXPECT_LE(coverage, 0.97);
  EXPECT_NEAR(noise_ratio, 1.0, 0.03);
}

}  // namespace
}  // namespace specavg
