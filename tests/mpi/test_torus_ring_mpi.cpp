// The invariant-ring route on the torus through the parallel pipeline: training with
// -basis_method ring predicts like the dense route (Hyperoct and two generator files with
// half-period shifts), is independent of the rank count, exactly invariant, taken by auto,
// and survives the model file (predictions bitwise equal).
#include <gtest/gtest.h>
#include <hdf5.h>

#include <cmath>

#include "mpi_test_util.hpp"
#include "specavg/io/model_file.hpp"
#include "specavg/parallel/predict.hpp"
#include "specavg/parallel/train.hpp"

namespace specavg {
namespace {

using test::global_max;
using test::scratch;
using test::world_rank;

const double kPi = std::acos(-1.0);

Model train_with(MPI_Comm comm, const std::string& data, int d, const std::string& group, int nmax,
                 const std::string& method, const std::string& group_file = "") {
  TrainOptions o;
  o.tau = 1e-8;
  o.data = data;
  o.manifold = "torus";
  o.dim = d;
  o.group = group;
  o.group_file = group_file;
  o.cutoff.lambda_max = nmax * kPi * kPi;
  o.basis.method = method;
  o.verbose = false;
  Model m;
  TrainReport r;
  EXPECT_EQ(train_model(comm, o, &m, &r), 0);
  return m;
}

std::vector<double> predict_rows(const Model& m, const std::string& data) {
  LocalData d;
  EXPECT_EQ(test::read_rows(data, "-data", ValuesNeed::Required, m.manifold(), &d), 0);
  std::vector<double> f;
  predict_points(m, d.points.data(), d.count, &f);
  return f;
}

double max_abs(const std::vector<double>& v) {
  double m = 0;
  for (double x : v) m = std::max(m, std::fabs(x));
  return m;
}

// A generator file of r signed permutations (perm, sign per row) with shifts.
std::string generator_file(const std::string& name, int d, const std::vector<std::vector<int>>& perm,
                           const std::vector<std::vector<int>>& sign, const std::vector<std::vector<double>>& shift) {
  const std::string path = scratch(name);
  if (world_rank() == 0) {
    const std::size_t r = perm.size();
    std::vector<double> P(r * d * d, 0.0), t;
    for (std::size_t g = 0; g < r; ++g) {
      for (int i = 0; i < d; ++i) P[(g * d + i) * d + perm[g][i]] = sign[g][i];
      t.insert(t.end(), shift[g].begin(), shift[g].end());
    }
    hid_t f = H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
    hsize_t pd[3] = {r, hsize_t(d), hsize_t(d)}, td[2] = {r, hsize_t(d)};
    hid_t sp = H5Screate_simple(3, pd, nullptr);
    hid_t ds = H5Dcreate2(f, "generators", H5T_IEEE_F64LE, sp, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    H5Dwrite(ds, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, P.data());
    H5Dclose(ds), H5Sclose(sp);
    sp = H5Screate_simple(2, td, nullptr);
    ds = H5Dcreate2(f, "shifts", H5T_IEEE_F64LE, sp, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    H5Dwrite(ds, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, t.data());
    H5Dclose(ds), H5Sclose(sp), H5Fclose(f);
  }
  MPI_Barrier(PETSC_COMM_WORLD);
  return path;
}

void expect_like_dense(const Model& ring, const Model& dense, const std::string& data, const std::string& what) {
  ASSERT_TRUE(ring.basis.torus_ring != nullptr) << what;
  EXPECT_EQ(ring.basis.dinv(), dense.basis.dinv()) << what;
  for (const SpaceInvariants& s : ring.basis.spaces) EXPECT_EQ(s.method, "ring") << what;
  const std::vector<double> fr = predict_rows(ring, data), fd = predict_rows(dense, data);
  double dev = 0;
  for (std::size_t i = 0; i < fr.size(); ++i) dev = std::max(dev, std::fabs(fr[i] - fd[i]));
  EXPECT_LE(global_max(dev) / global_max(max_abs(fd)), 1e-9) << what;
  LocalData d;
  ASSERT_EQ(test::read_rows(data, "-data", ValuesNeed::Required, ring.manifold(), &d), 0);
  EvalReport r;
  ASSERT_EQ(evaluate_model(PETSC_COMM_WORLD, ring, d, 2000, 16, 6, &r), 0);
  EXPECT_LE(r.id_rel, 1e-12) << what;
}

TEST(TorusRingMPI, HyperoctTrainsLikeDenseRankIndependentAndRoundTrips) {
  const int d = 6, nmax = 6;
  const std::string data = test::synth("tring_t6_hyp.h5", "torus", d, "Hyperoct", "even", 6000, 0.01, 21);
  const Model ring = train_with(PETSC_COMM_WORLD, data, d, "Hyperoct", nmax, "ring");
  const Model dense = train_with(PETSC_COMM_WORLD, data, d, "Hyperoct", nmax, "dense");
  expect_like_dense(ring, dense, data, "Hyperoct");
  EXPECT_EQ(ring.basis.torus_ring->kind(), TorusOrbitKind::Hyperoct);
  // auto takes the route here (cheaper than the eigenspace solves).
  const Model chosen = train_with(PETSC_COMM_WORLD, data, d, "Hyperoct", nmax, "auto");
  EXPECT_TRUE(chosen.basis.torus_ring != nullptr);

  double rdev = 0;
  if (world_rank() == 0) {
    const Model serial = train_with(PETSC_COMM_SELF, data, d, "Hyperoct", nmax, "ring");
    for (std::size_t i = 0; i < serial.coef.size(); ++i) rdev = std::max(rdev, std::fabs(serial.coef[i] - ring.coef[i]));
    rdev /= max_abs(serial.coef);
  }
  EXPECT_LE(global_max(rdev), 1e-10);

  const std::string path = scratch("tring_model.h5");
  ASSERT_EQ(write_model(PETSC_COMM_WORLD, ring, path), 0);
  Model back;
  ASSERT_EQ(read_model(PETSC_COMM_WORLD, path, &back), 0);
  ASSERT_TRUE(back.basis.torus_ring != nullptr);
  EXPECT_EQ(back.basis.torus_ring->size(), ring.basis.torus_ring->size());
  for (std::size_t s = 0; s < ring.basis.spaces.size(); ++s)
    EXPECT_EQ(back.basis.spaces[s].ring_terms, ring.basis.spaces[s].ring_terms);
  EXPECT_EQ(predict_rows(back, data), predict_rows(ring, data));
}

TEST(TorusRingMPI, GeneratorFilesWithHalfPeriodShiftsMatchDense) {
  const int d = 4, nmax = 8;
  // (a) the cyclic shift with x_0 moved by half a period, and x → x + (1, 1, 1, 1);
  // (b) x_0 → 1 − x_0 and the reversal with x_3 moved by half a period.
  const std::string fa = generator_file("tring_gens_a.h5", d, {{1, 2, 3, 0}, {0, 1, 2, 3}}, {{1, 1, 1, 1}, {1, 1, 1, 1}},
                                        {{1, 0, 0, 0}, {1, 1, 1, 1}});
  const std::string fb = generator_file("tring_gens_b.h5", d, {{0, 1, 2, 3}, {3, 2, 1, 0}}, {{-1, 1, 1, 1}, {1, 1, 1, 1}},
                                        {{1, 0, 0, 0}, {0, 0, 0, 1}});
  const std::string data = test::synth("tring_t4_plain.h5", "torus", d, "C1", "bumps", 4000, 0.05, 22);
  for (const std::string& gf : {fa, fb}) {
    const Model ring = train_with(PETSC_COMM_WORLD, data, d, "", nmax, "ring", gf);
    const Model dense = train_with(PETSC_COMM_WORLD, data, d, "", nmax, "dense", gf);
    expect_like_dense(ring, dense, data, gf);
    EXPECT_EQ(ring.basis.torus_ring->kind(), TorusOrbitKind::Orbits);
    double rdev = 0;
    if (world_rank() == 0) {
      const Model serial = train_with(PETSC_COMM_SELF, data, d, "", nmax, "ring", gf);
      for (std::size_t i = 0; i < serial.coef.size(); ++i)
        rdev = std::max(rdev, std::fabs(serial.coef[i] - ring.coef[i]));
      rdev /= max_abs(serial.coef);
    }
    EXPECT_LE(global_max(rdev), 1e-10) << gf;
  }
}

}  // namespace
}  // namespace specavg
