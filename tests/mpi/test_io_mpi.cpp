// Parallel HDF5 I/O: synthesized data independent of the rank count, model round trip,
// distributed predictions, and atomic output.
#include <gtest/gtest.h>

#include <cmath>

#include "mpi_test_util.hpp"
#include "specavg/comm/collective.hpp"
#include "specavg/parallel/predict.hpp"
#include "specavg/parallel/synth.hpp"
#include "specavg/parallel/train.hpp"
#include "specavg/estimate/synthetic_target.hpp"
#include "specavg/group/coordinate_groups.hpp"
#include "specavg/io/h5_parallel.hpp"
#include "specavg/io/model_file.hpp"

namespace specavg {
namespace {

using test::global_max;
using test::scratch;
using test::world_rank;

TEST(IOMPI, SynthIsIndependentOfRankCount) {
  SynthConfig c;
  c.n = 5001;
  c.noise = 0.2;
  c.seed = 7;
  c.generators = generators_for_spec("Td", 3);
  c.output = scratch("synth.h5");
  ASSERT_EQ(synthesize(PETSC_COMM_WORLD, c), 0);
  double dev = 0;
  if (world_rank() == 0) {  // whole file on one rank vs. the row-wise definition
    H5Reader r;
    ASSERT_EQ(r.open(PETSC_COMM_SELF, c.output, "-data"), 0);
    std::vector<double> p(3 * c.n), v(c.n), t(c.n);
    ASSERT_EQ(r.read_rows("points", 0, c.n, p.data()), 0);
    ASSERT_EQ(r.read_rows("values", 0, c.n, v.data()), 0);
    ASSERT_EQ(r.read_rows("truth", 0, c.n, t.data()), 0);
    ASSERT_EQ(r.close(), 0);
    const SyntheticTarget f(*make_manifold("s2", 3), *enumerate_isometries(c.generators, 1000, 0.0));
    for (long long i = 0; i < c.n; ++i) {
      double x[3];
      synthetic_point(c.seed, i, x);
      for (int k = 0; k < 3; ++k) dev = std::max(dev, std::fabs(x[k] - p[3 * i + k]));
      dev = std::max(dev, std::fabs(f(x) - t[i]));
      dev = std::max(dev, std::fabs(t[i] + c.noise * synthetic_noise(c.seed, i) - v[i]));
    }
  }
  EXPECT_EQ(global_max(dev), 0.0);
}

TEST(IOMPI, ModelRoundTripAndDistributedPrediction) {
  SynthConfig c;
  c.n = 6000;
  c.generators = generators_for_spec("O", 3);
  c.output = scratch("rt_train.h5");
  ASSERT_EQ(synthesize(PETSC_COMM_WORLD, c), 0);
  TrainOptions o;
  o.data = c.output;
  o.group = "O";
  o.cutoff.lmax = 18;
  o.verbose = false;
  Model m, back;
  TrainReport rep;
  ASSERT_EQ(train_model(PETSC_COMM_WORLD, o, &m, &rep), 0);
  const std::string path = scratch("model.h5");
  ASSERT_EQ(write_model(PETSC_COMM_WORLD, m, path), 0);
  EXPECT_FALSE(file_exists(path + ".tmp"));
  ASSERT_EQ(read_model(PETSC_COMM_WORLD, path, &back), 0);
  EXPECT_EQ(back.coef, m.coef);
  ASSERT_EQ(back.basis.spaces.size(), 19u);
  EXPECT_EQ(back.basis.dinv(), m.basis.dinv());
  for (int l = 0; l <= 18; ++l) {
    EXPECT_EQ(back.basis.spaces[l].label, l);
    EXPECT_EQ(back.basis.spaces[l].Q, m.basis.spaces[l].Q) << l;
  }
  ASSERT_EQ(back.generators.size(), m.generators.size());
  for (std::size_t j = 0; j < m.generators.size(); ++j) EXPECT_EQ(back.generators[j].P, m.generators[j].P);
  EXPECT_EQ(back.estimator, m.estimator);
  EXPECT_EQ(back.prov.nranks, m.prov.nranks);

  // Parallel prediction file: every rank writes its block; compare to direct predictions.
  LocalData d;
  ASSERT_EQ(test::read_rows(c.output, "-points", ValuesNeed::None, *make_manifold("s2", 3), &d), 0);
  std::vector<double> f;
  predict_points(back, d.points.data(), d.count, &f);
  H5Writer w;
  const std::string pred = scratch("pred.h5");
  ASSERT_EQ(w.create(PETSC_COMM_WORLD, pred), 0);
  ASSERT_EQ(w.create_dataset("values", {hsize_t(d.n_global), 1}), 0);
  ASSERT_EQ(w.write_rows("values", d.begin, d.count, f.data()), 0);
  ASSERT_EQ(w.commit(), 0);
  H5Reader r;
  ASSERT_EQ(r.open(PETSC_COMM_WORLD, pred, "-output"), 0);
  std::vector<double> g(d.count);
  ASSERT_EQ(r.read_rows("values", d.begin, d.count, g.data()), 0);
  ASSERT_EQ(r.close(), 0);
  EXPECT_EQ(g, f);
}

// A block-sparse basis (C6h: the Wigner route about z) is written as basis/Q_sparse and
// read back bit for bit: the same degrees sparse, rows, values, residuals and coefficients,
// and identical predictions.
TEST(IOMPI, SparseModelRoundTripIsBitwise) {
  const std::string data = test::synth("rt_sparse.h5", "s2", 3, "C6h", "bumps", 3000, 0.01, 5);
  TrainOptions o;
  o.data = data;
  o.group = "C6h";
  o.cutoff.lmax = 20;
  o.verbose = false;
  Model m, back;
  TrainReport rep;
  ASSERT_EQ(train_model(PETSC_COMM_WORLD, o, &m, &rep), 0);
  std::size_t nsparse = 0;
  for (const SpaceInvariants& s : m.basis.spaces) nsparse += s.sparse ? 1 : 0;
  ASSERT_EQ(nsparse, m.basis.spaces.size());
  const std::string path = scratch("model_sparse.h5");
  ASSERT_EQ(write_model(PETSC_COMM_WORLD, m, path), 0);
  ASSERT_EQ(read_model(PETSC_COMM_WORLD, path, &back), 0);
  ASSERT_EQ(back.basis.spaces.size(), m.basis.spaces.size());
  for (std::size_t l = 0; l < m.basis.spaces.size(); ++l) {
    const SpaceInvariants &a = m.basis.spaces[l], &b = back.basis.spaces[l];
    EXPECT_EQ(b.label, a.label);
    EXPECT_EQ(b.k, a.k);
    EXPECT_TRUE(b.sparse) << l;
    EXPECT_TRUE(b.Q.empty()) << l;
    EXPECT_EQ(b.sparse_rows, a.sparse_rows) << l;
    EXPECT_EQ(b.sparse_vals, a.sparse_vals) << l;
    EXPECT_EQ(b.residual, a.residual) << l;
  }
  EXPECT_EQ(back.coef, m.coef);
  std::vector<double> x(3 * 500), f, g;
  for (int i = 0; i < 500; ++i) synthetic_point(99, i, &x[3 * std::size_t(i)]);
  predict_points(m, x.data(), 500, &f);
  predict_points(back, x.data(), 500, &g);
  EXPECT_EQ(g, f);
}

TEST(IOMPI, AbandonedWriterLeavesNoFile) {
  const std::string path = scratch("abandoned.h5");
  {
    H5Writer w;
    ASSERT_EQ(w.create(PETSC_COMM_WORLD, path), 0);
    ASSERT_EQ(w.create_dataset("values", {10}), 0);
  }  // destroyed without commit(), as on an error path: no collective call, file removed
  MPI_Barrier(PETSC_COMM_WORLD);
  EXPECT_FALSE(file_exists(path));
  EXPECT_FALSE(file_exists(path + ".tmp"));
}

}  // namespace
}  // namespace specavg
