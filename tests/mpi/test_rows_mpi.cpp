// Row sources (io/row_source.hpp): the rows a rank gets do not depend on the block size
// or the rank count, float32 points are renormalized, fill values are refused on every
// rank, and eval weights rows as training does.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "mpi_test_util.hpp"
#include "specavg/estimate/synthetic_target.hpp"
#include "specavg/group/coordinate_groups.hpp"
#include "specavg/io/h5_parallel.hpp"
#include "specavg/io/row_source.hpp"
#include "specavg/parallel/predict.hpp"
#include "specavg/parallel/train.hpp"

namespace specavg {
namespace {

using test::global_max;
using test::scratch;
using test::world_rank;

constexpr unsigned long long kSeed = 19;

// Rows of a data set with weights, written in parallel: point i = synthetic_point(kSeed, i)
// (stored as float32 when `single`), values (i, -i), weights w(i) = i % 4.
double weight_of(long long i) {
  return double(i % 4);
}
std::string write_rows_file(const std::string& name, long long n, bool single) {
  const std::string path = scratch(name);
  if (single) {  // float32 points need a typed dataset: rank 0 writes the file serially
    if (world_rank() == 0) {
      hid_t f = H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
      hsize_t dp[2] = {hsize_t(n), 3}, dv[1] = {hsize_t(n)};
      std::vector<float> p(3 * n);
      std::vector<double> v(n);
      for (long long i = 0; i < n; ++i) {
        double x[3];
        synthetic_point(kSeed, i, x);
        for (int k = 0; k < 3; ++k) p[3 * i + k] = float(x[k]);
        v[i] = double(i);
      }
      hid_t sp = H5Screate_simple(2, dp, nullptr);
      hid_t d = H5Dcreate2(f, "points", H5T_IEEE_F32LE, sp, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
      H5Dwrite(d, H5T_NATIVE_FLOAT, H5S_ALL, H5S_ALL, H5P_DEFAULT, p.data());
      H5Dclose(d);
      H5Sclose(sp);
      sp = H5Screate_simple(1, dv, nullptr);
      d = H5Dcreate2(f, "values", H5T_IEEE_F64LE, sp, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
      H5Dwrite(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, v.data());
      H5Dclose(d);
      H5Sclose(sp);
      H5Fclose(f);
    }
    MPI_Barrier(PETSC_COMM_WORLD);
    return path;
  }
  PetscInt b, c;
  row_block(PETSC_COMM_WORLD, n, &b, &c);
  std::vector<double> p(3 * c), v(2 * c), w(c);
  for (PetscInt i = 0; i < c; ++i) {
    synthetic_point(kSeed, b + i, &p[3 * i]);
    v[2 * i] = double(b + i);
    v[2 * i + 1] = -double(b + i);
    w[i] = weight_of(b + i);
  }
  H5Writer wr;
  EXPECT_EQ(wr.create(PETSC_COMM_WORLD, path), 0);
  EXPECT_EQ(wr.create_dataset("points", {hsize_t(n), 3}), 0);
  EXPECT_EQ(wr.create_dataset("values", {hsize_t(n), 2}), 0);
  EXPECT_EQ(wr.create_dataset("weights", {hsize_t(n)}), 0);
  EXPECT_EQ(wr.write_rows("points", b, c, p.data()), 0);
  EXPECT_EQ(wr.write_rows("values", b, c, v.data()), 0);
  EXPECT_EQ(wr.write_rows("weights", b, c, w.data()), 0);
  EXPECT_EQ(wr.commit(), 0);
  return path;
}

TEST(RowsMPI, BlocksDoNotChangeTheRows) {
  const long long n = 1001;
  const std::string path = write_rows_file("rows.h5", n, false);
  const ManifoldPtr S2_ptr = make_manifold("s2", 3);
  const Manifold& S2 = *S2_ptr;
  for (PetscInt block : {1, 7, 64, 5000}) {
    std::unique_ptr<RowSource> src;
    ASSERT_EQ(open_row_source(PETSC_COMM_WORLD, path, {"-data", ValuesNeed::Required, &S2}, &src), 0);
    EXPECT_EQ(src->rows_total(), n);
    EXPECT_EQ(src->dim(), 3);
    EXPECT_EQ(src->ntargets(), 2);
    EXPECT_TRUE(src->has_weights());
    RowBlock b;
    PetscInt next = src->local_begin(), got = 0;
    double dev = 0;
    long long rounds = 0;
    for (bool done = false;; ++rounds) {
      ASSERT_EQ(src->next_block(block, &b, &done), 0);
      if (done) break;
      EXPECT_EQ(b.offset, next);
      EXPECT_LE(b.count, block);
      for (PetscInt i = 0; i < b.count; ++i) {
        const long long gi = b.offset + i;
        double x[3];
        synthetic_point(kSeed, gi, x);
        S2.project(x);
        for (int k = 0; k < 3; ++k) dev = std::max(dev, std::fabs(b.points[3 * i + k] - x[k]));
        dev = std::max(dev, std::fabs(b.values[2 * i] - double(gi)) + std::fabs(b.values[2 * i + 1] + double(gi)));
        dev = std::max(dev, std::fabs(b.weights[i] - weight_of(gi)));
      }
      next += b.count;
      got += b.count;
    }
    ASSERT_EQ(src->close(), 0);
    EXPECT_EQ(global_max(dev), 0.0) << "block " << block;
    EXPECT_EQ(got, src->local_count());
    long long total = 0, mine = got, max_rounds = 0;
    MPI_Allreduce(&mine, &total, 1, MPI_LONG_LONG, MPI_SUM, PETSC_COMM_WORLD);
    MPI_Allreduce(&rounds, &max_rounds, 1, MPI_LONG_LONG, MPI_MAX, PETSC_COMM_WORLD);
    EXPECT_EQ(total, n);
    EXPECT_EQ(rounds, max_rounds);  // every rank took part in every collective round
  }
}

TEST(RowsMPI, Float32PointsAreRenormalizedInDouble) {
  const long long n = 3000;
  const std::string f32 = write_rows_file("f32.h5", n, true);
  const ManifoldPtr S2_ptr = make_manifold("s2", 3);
  const Manifold& S2 = *S2_ptr;
  LocalData d;
  ASSERT_EQ(test::read_rows(f32, "-points", ValuesNeed::None, S2, &d), 0);
  // The reference: the float32 coordinates, renormalized in double precision here.
  std::vector<double> ref(d.points.size());
  double off_before = 0, norm_dev = 0;
  for (PetscInt i = 0; i < d.count; ++i) {
    // The float32 coordinates as stored. volatile: GCC 12's SLP vectorizer (-O2 and up)
    // drops the double -> float -> double round trip of one coordinate here.
    double x[3], s = 0;
    volatile float stored[3];
    synthetic_point(kSeed, d.begin + i, x);
    for (int k = 0; k < 3; ++k) stored[k] = float(x[k]);
    for (int k = 0; k < 3; ++k) x[k] = stored[k], s += x[k] * x[k];
    off_before = std::max(off_before, std::fabs(std::sqrt(s) - 1));
    for (int k = 0; k < 3; ++k) ref[3 * i + k] = x[k] / std::sqrt(s);
    double t = 0;
    for (int k = 0; k < 3; ++k) t += d.points[3 * i + k] * d.points[3 * i + k];
    norm_dev = std::max(norm_dev, std::fabs(std::sqrt(t) - 1));
  }
  double pdev = 0;
  for (std::size_t i = 0; i < ref.size(); ++i) pdev = std::max(pdev, std::fabs(ref[i] - d.points[i]));
  EXPECT_LE(global_max(pdev), 1e-15);
  EXPECT_GT(global_max(off_before), 1e-9);  // float32 input is visibly off the sphere
  EXPECT_LE(global_max(norm_dev), 1e-15);

  // Predictions of a model at the points read agree with those at the reference.
  SynthConfig c;
  c.n = 4000;
  c.generators = generators_for_spec("Oh", 3);
  c.output = scratch("f32_train.h5");
  ASSERT_EQ(synthesize(PETSC_COMM_WORLD, c), 0);
  TrainOptions o;
  o.data = c.output;
  o.group = "Oh";
  o.cutoff.lmax = 16;
  o.verbose = false;
  Model m;
  TrainReport rep;
  ASSERT_EQ(train_model(PETSC_COMM_WORLD, o, &m, &rep), 0);
  std::vector<double> f, g;
  predict_points(m, d.points.data(), d.count, &f);
  predict_points(m, ref.data(), d.count, &g);
  double dev = 0, scale = 0;
  for (std::size_t i = 0; i < f.size(); ++i) dev = std::max(dev, std::fabs(f[i] - g[i])), scale = std::max(scale, std::fabs(g[i]));
  EXPECT_GT(global_max(scale), 1e-2);
  EXPECT_LE(global_max(dev), 1e-12 * global_max(scale));
}

TEST(RowsMPI, FillValueOnOneRankFailsEveryRank) {
  int size;
  MPI_Comm_size(PETSC_COMM_WORLD, &size);
  const long long n = 120;
  PetscInt b, c;
  row_block(PETSC_COMM_WORLD, n, &b, &c);
  std::vector<double> p(3 * c), v(c, 0.5);
  for (PetscInt i = 0; i < c; ++i) synthetic_point(kSeed, b + i, &p[3 * i]);
  if (b + c == n) v[c - 1] = 1e20;  // the last row, on the last rank only
  const std::string path = scratch("fill.h5");
  H5Writer wr;
  ASSERT_EQ(wr.create(PETSC_COMM_WORLD, path), 0);
  ASSERT_EQ(wr.create_dataset("points", {hsize_t(n), 3}), 0);
  ASSERT_EQ(wr.create_dataset("values", {hsize_t(n)}), 0);
  ASSERT_EQ(wr.write_rows("points", b, c, p.data()), 0);
  ASSERT_EQ(wr.write_rows("values", b, c, v.data()), 0);
  ASSERT_EQ(wr.commit(), 0);
  const ManifoldPtr S2_ptr = make_manifold("s2", 3);
  const Manifold& S2 = *S2_ptr;
  LocalData d;
  PetscPushErrorHandler(PetscReturnErrorHandler, nullptr);
  const PetscErrorCode err = test::read_rows(path, "-data", ValuesNeed::Required, S2, &d);
  PetscPopErrorHandler();
  EXPECT_EQ(err, PETSC_ERR_USER_INPUT);  // on every rank, not only the last
}

TEST(RowsMPI, EvalRmseIsWeightedLikeTraining) {
  // Weights 0..3: hand-computed weighted RMSE, and the same as an unweighted file in
  // which every row appears w times.
  SynthConfig c;
  c.n = 3000;
  c.generators = generators_for_spec("D3", 3);
  c.output = scratch("w_train.h5");
  ASSERT_EQ(synthesize(PETSC_COMM_WORLD, c), 0);
  TrainOptions o;
  o.data = c.output;
  o.group = "D3";
  o.cutoff.lmax = 8;
  o.verbose = false;
  Model m;
  TrainReport rep;
  ASSERT_EQ(train_model(PETSC_COMM_WORLD, o, &m, &rep), 0);

  const long long n = 500;
  const SyntheticTarget target(*make_manifold("s2", 3), *enumerate_isometries(c.generators, 100, 0.0));
  PetscInt b, cnt;
  row_block(PETSC_COMM_WORLD, n, &b, &cnt);
  std::vector<double> p(3 * cnt), v(cnt), w(cnt), pd, vd;
  for (PetscInt i = 0; i < cnt; ++i) {
    synthetic_point(kSeed + 1, b + i, &p[3 * i]);
    v[i] = target(&p[3 * i]) + 0.3 * synthetic_noise(kSeed + 1, b + i);
    w[i] = weight_of(b + i);
    for (int r = 0; r < int(w[i]); ++r) {
      pd.insert(pd.end(), &p[3 * i], &p[3 * i] + 3);
      vd.push_back(v[i]);
    }
  }
  long long nd_local = (long long)vd.size(), nd = 0, bd = 0;
  MPI_Allreduce(&nd_local, &nd, 1, MPI_LONG_LONG, MPI_SUM, PETSC_COMM_WORLD);
  MPI_Exscan(&nd_local, &bd, 1, MPI_LONG_LONG, MPI_SUM, PETSC_COMM_WORLD);
  if (world_rank() == 0) bd = 0;
  const std::string weighted = scratch("w_test.h5"), duplicated = scratch("w_dup.h5");
  {
    H5Writer wr;
    ASSERT_EQ(wr.create(PETSC_COMM_WORLD, weighted), 0);
    ASSERT_EQ(wr.create_dataset("points", {hsize_t(n), 3}), 0);
    ASSERT_EQ(wr.create_dataset("values", {hsize_t(n)}), 0);
    ASSERT_EQ(wr.create_dataset("weights", {hsize_t(n)}), 0);
    ASSERT_EQ(wr.write_rows("points", b, cnt, p.data()), 0);
    ASSERT_EQ(wr.write_rows("values", b, cnt, v.data()), 0);
    ASSERT_EQ(wr.write_rows("weights", b, cnt, w.data()), 0);
    ASSERT_EQ(wr.commit(), 0);
    H5Writer wd;  // rows written at this rank's offsets, whatever blocks the reader uses
    ASSERT_EQ(wd.create(PETSC_COMM_WORLD, duplicated), 0);
    ASSERT_EQ(wd.create_dataset("points", {hsize_t(nd), 3}), 0);
    ASSERT_EQ(wd.create_dataset("values", {hsize_t(nd)}), 0);
    ASSERT_EQ(wd.write_rows("points", PetscInt(bd), PetscInt(nd_local), pd.data()), 0);
    ASSERT_EQ(wd.write_rows("values", PetscInt(bd), PetscInt(nd_local), vd.data()), 0);
    ASSERT_EQ(wd.commit(), 0);
  }
  const ManifoldPtr S2_ptr = make_manifold("s2", 3);
  const Manifold& S2 = *S2_ptr;
  LocalData d, dd;
  ASSERT_EQ(test::read_rows(weighted, "-data", ValuesNeed::Required, S2, &d), 0);
  ASSERT_EQ(test::read_rows(duplicated, "-data", ValuesNeed::Required, S2, &dd), 0);
  EvalReport r, rd;
  ASSERT_EQ(evaluate_model(PETSC_COMM_WORLD, m, d, 100, 2, 4, &r), 0);
  ASSERT_EQ(evaluate_model(PETSC_COMM_WORLD, m, dd, 100, 2, 4, &rd), 0);

  std::vector<double> f;
  predict_points(m, d.points.data(), d.count, &f);
  double loc[3] = {0, 0, 0}, glob[3];
  for (PetscInt i = 0; i < d.count; ++i) {
    loc[0] += d.weights[i] * (f[i] - d.values[i]) * (f[i] - d.values[i]);
    loc[1] += d.weights[i];
    loc[2] += (f[i] - d.values[i]) * (f[i] - d.values[i]);
  }
  MPI_Allreduce(loc, glob, 3, MPI_DOUBLE, MPI_SUM, PETSC_COMM_WORLD);
  const double hand = std::sqrt(glob[0] / glob[1]), unweighted = std::sqrt(glob[2] / double(n));
  EXPECT_TRUE(r.weighted);
  EXPECT_FALSE(rd.weighted);
  EXPECT_NEAR(r.rmse_values, hand, 1e-12 * hand);
  EXPECT_NEAR(rd.rmse_values, hand, 1e-12 * hand);
  EXPECT_GT(std::fabs(unweighted - hand), 1e-4 * hand);  // the weights matter here
  EXPECT_EQ(r.weight_sum, glob[1]);
}

}  // namespace
}  // namespace specavg
