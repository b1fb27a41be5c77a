// Hyperspheres and tori on MPI: S² agreement of the sphere path, rank-count
// independence, exact invariance, recovery of a known target, group files with shifts,
// and the SLEPc null-space path against the dense one.
#include <gtest/gtest.h>
#include <hdf5.h>

#include <cmath>

#include "mpi_test_util.hpp"
#include "specavg/parallel/distributed_basis.hpp"
#include "specavg/parallel/predict.hpp"
#include "specavg/parallel/synth.hpp"
#include "specavg/parallel/train.hpp"
#include "specavg/estimate/synthetic_target.hpp"
#include "specavg/group/coordinate_groups.hpp"
#include "specavg/util/dense_linalg.hpp"

namespace specavg {
namespace {

using test::global_max;
using test::scratch;
using test::world_rank;

const double kPi = std::acos(-1.0);

using test::synth;

Model train(MPI_Comm comm, const std::string& data, const std::string& manifold, const std::string& group,
            const Cutoff& cut, const std::string& group_file = "", double tau = 1e-6) {
  TrainOptions o;
  o.tau = tau;
  o.data = data;
  o.manifold = manifold;
  o.group = group;
  o.group_file = group_file;
  o.cutoff = cut;
  o.verbose = false;
  Model m;
  TrainReport r;
  EXPECT_EQ(train_model(comm, o, &m, &r), 0);
  return m;
}

Cutoff lmax(int L) {
  Cutoff c;
  c.lmax = L;
  return c;
}
Cutoff lambda_max(double v) {
  Cutoff c;
  c.lambda_max = v;
  return c;
}

double max_abs(const std::vector<double>& v) {
  double m = 0;
  for (double x : v) m = std::max(m, std::fabs(x));
  return m;
}

// Coefficients of a P-rank fit against a one-rank fit on rank 0, relative.
double rank_deviation(const std::string& data, const std::string& manifold, const std::string& group, const Cutoff& cut,
                      const std::string& group_file = "") {
  const Model dist = train(PETSC_COMM_WORLD, data, manifold, group, cut, group_file);
  double dev = 0;
  if (world_rank() == 0) {
    const Model serial = train(PETSC_COMM_SELF, data, manifold, group, cut, group_file);
    EXPECT_EQ(serial.coef.size(), dist.coef.size());
    for (std::size_t i = 0; i < serial.coef.size() && i < dist.coef.size(); ++i)
      dev = std::max(dev, std::fabs(serial.coef[i] - dist.coef[i]));
    dev /= max_abs(serial.coef);
  }
  return global_max(dev);
}

EvalReport evaluate(const Model& m, const std::string& data) {
  LocalData d;
  EXPECT_EQ(test::read_rows(data, "-data", ValuesNeed::Required, m.manifold(), &d), 0);
  EvalReport r;
  EXPECT_EQ(evaluate_model(PETSC_COMM_WORLD, m, d, 2000, 16, 6, &r), 0);
  return r;
}

TEST(ManifoldsMPI, SphereDim3PredictsLikeS2) {
  const std::string data = synth("s2_oh.h5", "s2", 3, "Oh", "bumps", 6000, 0.05, 3);
  const std::string test = synth("s2_oh_test.h5", "s2", 3, "Oh", "bumps", 2000, 0.0, 4);
  for (const Cutoff& cut : {lmax(12), lambda_max(12 * 13)}) {
    const Model a = train(PETSC_COMM_WORLD, data, "s2", "Oh", cut);
    const Model b = train(PETSC_COMM_WORLD, data, "sphere", "Oh", cut);
    EXPECT_EQ(a.basis.dinv(), b.basis.dinv());
    LocalData d;
    ASSERT_EQ(test::read_rows(test, "-data", ValuesNeed::Required, a.manifold(), &d), 0);
    std::vector<double> fa, fb;
    predict_points(a, d.points.data(), d.count, &fa);
    predict_points(b, d.points.data(), d.count, &fb);
    double dev = 0;
    for (std::size_t i = 0; i < fa.size(); ++i) dev = std::max(dev, std::fabs(fa[i] - fb[i]));
    EXPECT_LE(global_max(dev) / global_max(max_abs(fa)), 1e-10);
  }
}

TEST(ManifoldsMPI, HypersphereSymRankIndependentExactAndRecovers) {
  // S^3 under Sym(4): the powersum target is a degree-6 polynomial, inside lmax 6.
  const double sigma = 0.05;
  const long long n = 20000;
  const std::string data = synth("s3_sym.h5", "sphere", 4, "Sym", "powersum", n, sigma, 5);
  const std::string test = synth("s3_sym_test.h5", "sphere", 4, "Sym", "powersum", 4000, sigma, 6);
  EXPECT_LE(rank_deviation(data, "sphere", "Sym", lmax(6)), 1e-10);
  const Model m = train(PETSC_COMM_WORLD, data, "sphere", "Sym", lmax(6));
  const EvalReport r = evaluate(m, test);
  EXPECT_LE(r.id_rel, 1e-10);
  EXPECT_LE(r.rmse_truth, 1.5 * sigma * std::sqrt(double(m.basis.dinv()) / n));
  // Hyperoct on S^5 with the even target (degree 8 with lmax 8).
  const std::string even = synth("s5_hyp.h5", "sphere", 6, "Hyperoct", "auto", 5000, 0.0, 7);
  const Model h = train(PETSC_COMM_WORLD, even, "sphere", "Hyperoct", lmax(8), "", 1e-13);
  const EvalReport rh = evaluate(h, even);
  EXPECT_LE(rh.id_rel, 1e-10);
  EXPECT_LE(rh.rmse_truth, 1e-8);  // noise-free, target inside the span, no penalty to speak of
}

TEST(ManifoldsMPI, TorusSignsCountsRankIndependenceAndInvariance) {
  const ManifoldPtr T_ptr = make_manifold("torus", 10);
  const Manifold& T = *T_ptr;
  const std::vector<Isometry> gens = generators_for_spec("Signs", 10);
  const int expect[] = {56, 176, 396};
  for (int n2 = 2; n2 <= 4; ++n2) {
    InvariantBasis b;
    BasisOptions bo;
    ASSERT_EQ(build_invariant_basis_distributed(PETSC_COMM_WORLD, T, lambda_max(n2 * kPi * kPi), gens, bo, &b), 0);
    EXPECT_EQ(b.dinv(), expect[n2 - 2]) << "|k|^2 <= " << n2;
  }
  const std::string data = synth("t10_paper.h5", "torus", 10, "Signs", "paper", 8000, 0.01, 8);
  EXPECT_LE(rank_deviation(data, "torus", "Signs", lambda_max(3 * kPi * kPi)), 1e-10);
  const Model m = train(PETSC_COMM_WORLD, data, "torus", "Signs", lambda_max(3 * kPi * kPi));
  const EvalReport r = evaluate(m, data);
  EXPECT_LE(r.id_rel, 1e-10);
  // |k|^2 <= 3 holds cos(pi x_i) but not cos(2 pi x_i): the best approximation of
  // x^2 = 1/3 + sum_k 4(-1)^k cos(pi k x)/(pi k)^2 misses k >= 2, an L2 error of
  // sqrt(sum_i (i/d)^2) * sqrt(sum_{k>=2} 8/(pi k)^4). The fit must reach it.
  double wi = 0, tail = 0;
  for (int i = 1; i <= 10; ++i) wi += (i / 10.0) * (i / 10.0);
  for (int k = 2; k < 100000; ++k) tail += 8 / std::pow(kPi * k, 4);
  const double best = std::sqrt(wi * tail);
  EXPECT_LE(r.rmse_truth, 1.1 * best);
  EXPECT_GE(r.rmse_truth, 0.9 * best);
}

// Group file on T^2: x -> (x2, x1) and x -> x + (0.5, 0): generators with shifts.
TEST(ManifoldsMPI, TorusGroupFileWithShifts) {
  const std::string gf = scratch("shifts.h5");
  if (world_rank() == 0) {
    hid_t f = H5Fcreate(gf.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
    const double P[2][2][2] = {{{0, 1}, {1, 0}}, {{1, 0}, {0, 1}}}, t[2][2] = {{0, 0}, {0.5, 0}};
    hsize_t pd[3] = {2, 2, 2}, td[2] = {2, 2};
    hid_t sp = H5Screate_simple(3, pd, nullptr);
    hid_t d = H5Dcreate2(f, "generators", H5T_IEEE_F64LE, sp, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    H5Dwrite(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, P);
    H5Dclose(d), H5Sclose(sp);
    sp = H5Screate_simple(2, td, nullptr);
    d = H5Dcreate2(f, "shifts", H5T_IEEE_F64LE, sp, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    H5Dwrite(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, t);
    H5Dclose(d), H5Sclose(sp), H5Fclose(f);
  }
  MPI_Barrier(PETSC_COMM_WORLD);
  // Data from a target that need not be invariant: the fit is still exactly invariant.
  const std::string data = synth("t2_plain.h5", "torus", 2, "C1", "bumps", 3000, 0.1, 9);
  EXPECT_LE(rank_deviation(data, "torus", "", lambda_max(40 * kPi * kPi), gf), 1e-10);
  const Model m = train(PETSC_COMM_WORLD, data, "torus", "", lambda_max(40 * kPi * kPi), gf);
  // Invariance under x1 -> x1 + 1/2 keeps frequencies k1 = 0 mod 4, the swap then pairs
  // modes: |k|^2 = 0: 1; (4,0)/(0,4): cos+cos, sin+sin; (4,4): cc, ss, cs+sc → 6.
  EXPECT_EQ(m.basis.dinv(), 6);
  EXPECT_LE(evaluate(m, data).id_rel, 1e-10);
}

// The SLEPc path finds the same invariant subspaces as the dense one (projectors).
TEST(ManifoldsMPI, SlepcNullSpaceMatchesDense) {
  struct Case {
    const char* manifold;
    int dim;
    const char* group;
    int label;
  };
  const Case cases[] = {{"sphere", 6, "Sym", 4},
                        {"sphere", 5, "Hyperoct", 6},
                        {"s2", 3, "Ih", 30},
                        {"torus", 4, "Sym", 6},
                        {"torus", 3, "Hyperoct", 9}};
  double worst = 0;
  for (const Case& c : cases) {
    const ManifoldPtr M_ptr = make_manifold(c.manifold, c.dim);
    const Manifold& M = *M_ptr;
    const std::vector<Isometry> gens = generators_for_spec(c.group, c.dim);
    const Eigenspace e = M.eigenspace_of(c.label);
    const SpaceInvariants dense = invariant_space(M, e, gens, std::size_t(-1), 1e-8, {});
    const NullSpaceSolver slepc = [](const EigenspaceAction& a, int* k) {
      std::vector<double> V;
      NullSpaceEpsOptions eo;
      NullSpaceEpsReport rep;
      EXPECT_EQ(null_space_eps(PETSC_COMM_SELF, a, eo, &V, k, &rep), 0);
      return V;
    };
    const SpaceInvariants sl = invariant_space(M, e, gens, 0, 1e-8, slepc);
    ASSERT_EQ(dense.k, sl.k) << c.manifold << " " << c.group;
    EXPECT_EQ(sl.method, "slepc");
    EXPECT_GT(dense.k, 0);
    const int m = dense.m, k = dense.k;
    std::vector<double> Pd(std::size_t(m) * m), Ps(Pd.size());
    dgemm(false, true, m, m, k, 1.0, dense.Q.data(), m, dense.Q.data(), m, 0.0, Pd.data(), m);
    dgemm(false, true, m, m, k, 1.0, sl.Q.data(), m, sl.Q.data(), m, 0.0, Ps.data(), m);
    for (std::size_t i = 0; i < Pd.size(); ++i) worst = std::max(worst, std::fabs(Pd[i] - Ps[i]));
    EXPECT_LE(sl.residual, 1e-10);
  }
  EXPECT_LE(global_max(worst), 1e-10);
}

}  // namespace
}  // namespace specavg
