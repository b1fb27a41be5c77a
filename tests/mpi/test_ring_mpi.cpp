// The invariant-ring route through the parallel pipeline: training with -basis_method ring
// predicts like the dense route, is independent of the rank count, exactly invariant,
// recovers a known target, and survives the model file (predictions bitwise equal).
#include <gtest/gtest.h>

#include <cmath>

#include "mpi_test_util.hpp"
#include "specavg/group/coordinate_groups.hpp"
#include "specavg/io/model_file.hpp"
#include "specavg/parallel/predict.hpp"
#include "specavg/parallel/train.hpp"

namespace specavg {
namespace {

using test::global_max;
using test::scratch;
using test::world_rank;

Model train_with(MPI_Comm comm, const std::string& data, const std::string& group, int lmax, const std::string& method,
                 const std::string& group_file = "") {
  TrainOptions o;
  o.tau = 1e-8;
  o.data = data;
  o.manifold = "sphere";
  o.group = group;
  o.group_file = group_file;
  o.cutoff.lmax = lmax;
  o.basis.method = method;
  o.verbose = false;
  Model m;
  TrainReport r;
  EXPECT_EQ(train_model(comm, o, &m, &r), 0);
  return m;
}

std::vector<double> predict_rows(const Model& m, const std::string& data, std::vector<double>* pts = nullptr) {
  LocalData d;
  EXPECT_EQ(test::read_rows(data, "-data", ValuesNeed::Required, m.manifold(), &d), 0);
  std::vector<double> f;
  predict_points(m, d.points.data(), d.count, &f);
  if (pts) *pts = d.points;
  return f;
}

double max_abs(const std::vector<double>& v) {
  double m = 0;
  for (double x : v) m = std::max(m, std::fabs(x));
  return m;
}

TEST(RingMPI, TrainsLikeDenseRankIndependentInvariantAndRoundTrips) {
  // S^5 under Sym(6) with the powersum target (degree 6, inside lmax 6).
  const double sigma = 0.05;
  const long long n = 20000;
  const std::string data = test::synth("ring_s5_sym.h5", "sphere", 6, "Sym", "powersum", n, sigma, 11);
  const std::string held = test::synth("ring_s5_sym_test.h5", "sphere", 6, "Sym", "powersum", 3000, sigma, 12);
  const Model ring = train_with(PETSC_COMM_WORLD, data, "Sym", 6, "ring");
  const Model dense = train_with(PETSC_COMM_WORLD, data, "Sym", 6, "dense");
  ASSERT_TRUE(ring.basis.ring != nullptr);
  EXPECT_EQ(ring.basis.dinv(), dense.basis.dinv());
  for (const SpaceInvariants& s : ring.basis.spaces) EXPECT_EQ(s.method, "ring");
  const std::vector<double> fr = predict_rows(ring, held), fd = predict_rows(dense, held);
  double dev = 0;
  for (std::size_t i = 0; i < fr.size(); ++i) dev = std::max(dev, std::fabs(fr[i] - fd[i]));
  EXPECT_LE(global_max(dev) / global_max(max_abs(fd)), 1e-9);

  // Rank-count independence of the coefficients.
  double rdev = 0;
  if (world_rank() == 0) {
    const Model serial = train_with(PETSC_COMM_SELF, data, "Sym", 6, "ring");
    for (std::size_t i = 0; i < serial.coef.size(); ++i) rdev = std::max(rdev, std::fabs(serial.coef[i] - ring.coef[i]));
    rdev /= max_abs(serial.coef);
  }
  EXPECT_LE(global_max(rdev), 1e-10);

  // Exact invariance and recovery of the target on held-out rows.
  LocalData d;
  ASSERT_EQ(test::read_rows(held, "-data", ValuesNeed::Required, ring.manifold(), &d), 0);
  EvalReport r;
  ASSERT_EQ(evaluate_model(PETSC_COMM_WORLD, ring, d, 2000, 16, 6, &r), 0);
  EXPECT_LE(r.id_rel, 1e-12);
  EXPECT_LE(r.rmse_truth, 1.5 * sigma * std::sqrt(double(ring.basis.dinv()) / n));

  // Model file: the ring representation is stored and read back; predictions bitwise equal.
  const std::string path = scratch("ring_model.h5");
  ASSERT_EQ(write_model(PETSC_COMM_WORLD, ring, path), 0);
  Model back;
  ASSERT_EQ(read_model(PETSC_COMM_WORLD, path, &back), 0);
  ASSERT_TRUE(back.basis.ring != nullptr);
  EXPECT_EQ(back.basis.ring->size(), ring.basis.ring->size());
  for (std::size_t s = 0; s < ring.basis.spaces.size(); ++s) {
    EXPECT_EQ(back.basis.spaces[s].ring_terms, ring.basis.spaces[s].ring_terms);
    EXPECT_EQ(back.basis.spaces[s].ring_coef, ring.basis.spaces[s].ring_coef);
  }
  EXPECT_EQ(predict_rows(back, held), fr);
}

TEST(RingMPI, HyperoctAndSignedCycleMatchDense) {
  // Hyperoct (kind hyperoct) and Cyc + a sign flip (kind orbits) on S^4 at lmax 6.
  const std::string data = test::synth("ring_s4_hyp.h5", "sphere", 5, "Hyperoct", "auto", 4000, 0.0, 13);
  for (const char* group : {"Hyperoct", "Cyc,Signs"}) {
    const Model ring = train_with(PETSC_COMM_WORLD, data, group, 6, "ring");
    const Model dense = train_with(PETSC_COMM_WORLD, data, group, 6, "dense");
    EXPECT_EQ(ring.basis.dinv(), dense.basis.dinv()) << group;
    const std::vector<double> fr = predict_rows(ring, data), fd = predict_rows(dense, data);
    double dev = 0;
    for (std::size_t i = 0; i < fr.size(); ++i) dev = std::max(dev, std::fabs(fr[i] - fd[i]));
    EXPECT_LE(global_max(dev) / global_max(max_abs(fd)), 1e-9) << group;
  }
}

}  // namespace
}  // namespace specavg
