// Weights that do not cancel: an integer weight w_i must act exactly like w_i copies of
// row i, and a zero weight exactly like removing the row (uniform weights, tested in
// test_train_mpi.cpp, cancel in the normalization by W and prove little). The weighted
// and the expanded file are distributed differently over the ranks, so this also checks
// that the weighted sums do not depend on where the rows live.
#include <gtest/gtest.h>

#include <cmath>
#include <functional>

#include "mpi_test_util.hpp"
#include "specavg/estimate/synthetic_target.hpp"
#include "specavg/group/point_group.hpp"
#include "specavg/io/h5_parallel.hpp"
#include "specavg/parallel/predict.hpp"
#include "specavg/parallel/train.hpp"

namespace specavg {
namespace {

using test::global_max;
using test::scratch;

constexpr unsigned long long kStream = 4242;
constexpr long long kBase = 6000;  // rows of the underlying sample

// Noisy D3-invariant sample row i (global index into the underlying sample).
void sample_row(const SyntheticTarget& f, long long i, double* x, double* y) {
  synthetic_point(kStream, (unsigned long long)i, x);
  *y = f(x) + 0.05 * synthetic_noise(kStream, (unsigned long long)i);
}

// Integer weights 0..3 that vary with the row (a quarter of the rows have weight 0).
int row_weight(long long i) {
  return int((i * 7 + 3) % 4);
}

// Writes a data file whose rows are `copies(i)` copies of sample row i (i < kBase), each
// with weight `weight(i)` (no weights dataset when `weight` is empty). Each rank expands
// its block of the sample; the output offsets come from an exclusive scan.
std::string write_file(const std::string& name, const std::function<int(long long)>& copies,
                       const std::function<double(long long)>& weight) {
  const auto G = enumerate_group(generators_from_spec("D3"), 100);
  const SyntheticTarget f(*G);
  PetscInt b, c;
  row_block(PETSC_COMM_WORLD, kBase, &b, &c);
  std::vector<double> p, v, w;
  for (long long i = b; i < b + c; ++i) {
    double x[3], y;
    sample_row(f, i, x, &y);
    for (int r = 0; r < copies(i); ++r) {
      p.insert(p.end(), x, x + 3);
      v.push_back(y);
      if (weight) w.push_back(weight(i));
    }
  }
  long long local = (long long)v.size(), begin = 0, total = 0;
  MPI_Exscan(&local, &begin, 1, MPI_LONG_LONG, MPI_SUM, PETSC_COMM_WORLD);
  if (test::world_rank() == 0) begin = 0;  // MPI_Exscan leaves rank 0's result undefined
  MPI_Allreduce(&local, &total, 1, MPI_LONG_LONG, MPI_SUM, PETSC_COMM_WORLD);
  const std::string path = scratch(name);
  H5Writer wr;
  EXPECT_EQ(wr.create(PETSC_COMM_WORLD, path), 0);
  EXPECT_EQ(wr.create_dataset("points", {hsize_t(total), 3}), 0);
  EXPECT_EQ(wr.create_dataset("values", {hsize_t(total)}), 0);
  EXPECT_EQ(wr.write_rows("points", PetscInt(begin), PetscInt(local), p.data()), 0);
  EXPECT_EQ(wr.write_rows("values", PetscInt(begin), PetscInt(local), v.data()), 0);
  if (weight) {
    EXPECT_EQ(wr.create_dataset("weights", {hsize_t(total)}), 0);
    EXPECT_EQ(wr.write_rows("weights", PetscInt(begin), PetscInt(local), w.data()), 0);
  }
  EXPECT_EQ(wr.commit(), 0);
  return path;
}

Model fit(const std::string& data, const Estimator& est) {
  TrainOptions o;
  o.data = data;
  o.group = "D3";
  o.cutoff.lmax = 14;
  o.estimator = &est;
  o.tau = 1e-4;
  o.verbose = false;
  Model m;
  TrainReport r;
  EXPECT_EQ(train_model(PETSC_COMM_WORLD, o, &m, &r), 0);
  return m;
}

// max_i |a_i − b_i| / max_i |b_i| over the coefficients (the same on every rank).
double relative_deviation(const Model& a, const Model& b) {
  EXPECT_EQ(a.coef.size(), b.coef.size());
  double dev = 0, scale = 0;
  for (std::size_t i = 0; i < a.coef.size() && i < b.coef.size(); ++i) {
    dev = std::max(dev, std::fabs(a.coef[i] - b.coef[i]));
    scale = std::max(scale, std::fabs(b.coef[i]));
  }
  return global_max(dev / scale);
}

TEST(WeightsMPI, IntegerWeightsEqualDuplicatedRows) {
  const std::string weighted = write_file("w_int.h5", [](long long) { return 1; }, row_weight);
  const std::string duplicated = write_file("w_dup.h5", row_weight, nullptr);
  for (const Estimator* e : {&ridge_estimator(), &spectral_estimator()}) {
      const Estimator& est = *e;
    const Model mw = fit(weighted, est), md = fit(duplicated, est);
    ASSERT_GT(mw.coef.size(), 0u);
    EXPECT_LE(relative_deviation(mw, md), 1e-10) << est.name();
    EXPECT_NEAR(mw.prov.weight_sum, md.prov.weight_sum, 1e-9);
  }
  // The weights matter: the same rows unweighted give a different fit.
  const Model unweighted = fit(write_file("w_one.h5", [](long long) { return 1; }, nullptr), ridge_estimator());
  EXPECT_GT(relative_deviation(unweighted, fit(weighted, ridge_estimator())), 1e-4);
}

TEST(WeightsMPI, ZeroWeightsEqualRemovedRows) {
  auto keep = [](long long i) { return row_weight(i) == 0 ? 0 : 1; };
  const std::string zeroed = write_file("w_zero.h5", [](long long) { return 1; },
                                        [&](long long i) { return double(keep(i)); });
  const std::string removed = write_file("w_removed.h5", keep, nullptr);
  for (const Estimator* e : {&ridge_estimator(), &spectral_estimator()}) {
      const Estimator& est = *e;
    const Model mz = fit(zeroed, est), mr = fit(removed, est);
    ASSERT_GT(mz.coef.size(), 0u);
    EXPECT_LE(relative_deviation(mz, mr), 1e-10) << est.name();
  }
}

}  // namespace
}  // namespace specavg
