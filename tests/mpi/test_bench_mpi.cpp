// `specavg bench` end to end on a small case: the CSV must hold one tuned row per method,
// specavg and krr-ga exactly invariant, plain krr visibly not, krr-aug refused with the
// cost, and specavg's error comparable to krr-ga's on the same data.
#include <gtest/gtest.h>
#include <petscsys.h>

#include <cmath>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "mpi_test_util.hpp"
#include "specavg/app/commands.hpp"
#include "specavg/parallel/krr.hpp"
#include "specavg/parallel/predict.hpp"
#include "specavg/parallel/synth.hpp"
#include "specavg/parallel/train.hpp"
#include "specavg/estimate/kernel.hpp"
#include "specavg/estimate/synthetic_target.hpp"
#include "specavg/group/coordinate_groups.hpp"

namespace specavg {
namespace {

using test::scratch;

std::vector<std::map<std::string, std::string>> read_csv(const std::string& path) {
  std::ifstream f(path);
  std::string line;
  std::vector<std::string> head;
  std::vector<std::map<std::string, std::string>> rows;
  auto split = [](const std::string& s) {
    std::vector<std::string> v;
    std::stringstream ss(s);
    std::string x;
    while (std::getline(ss, x, ',')) v.push_back(x);
    if (!s.empty() && s.back() == ',') v.push_back("");
    return v;
  };
  if (std::getline(f, line)) head = split(line);
  while (std::getline(f, line)) {
    const auto v = split(line);
    std::map<std::string, std::string> r;
    for (std::size_t i = 0; i < head.size() && i < v.size(); ++i) r[head[i]] = v[i];
    rows.push_back(r);
  }
  return rows;
}

TEST(BenchMPI, SmallS2IhRunHasTheExpectedRows) {
  const std::string out = scratch("bench.csv");
  std::remove(out.c_str());
  const std::string opts =
      "-bench_groups Ih -bench_n 300 -bench_seeds 1 -bench_ntest 200 -bench_nval 200 "
      "-bench_id_points 100 -bench_cutoffs 10,16 -bench_taus 1e-6,1e-3 -bench_krr_widths 10 "
      "-bench_krr_lambdas 0.1,1 -krr_max_rows 2000 -bench_output " +
      out;
  ASSERT_EQ(PetscOptionsInsertString(nullptr, opts.c_str()), 0);
  ASSERT_EQ(cmd_bench(PETSC_COMM_WORLD), 0);
  ASSERT_EQ(PetscOptionsClear(nullptr), 0);
  const auto rows = read_csv(out);
  std::map<std::string, std::map<std::string, std::string>> by;
  for (const auto& r : rows) by[r.at("method")] = r;
  ASSERT_EQ(rows.size(), 4u);
  for (const char* m : {"specavg", "krr", "krr-ga"}) {
    ASSERT_TRUE(by.count(m)) << m;
    EXPECT_EQ(by[m]["status"], "ok") << m;
    EXPECT_EQ(by[m]["order"], "120");
    EXPECT_EQ(by[m]["n"], "300");
  }
  EXPECT_LE(std::stod(by["specavg"]["rel_discrepancy"]), 1e-10);
  EXPECT_LE(std::stod(by["krr-ga"]["rel_discrepancy"]), 1e-10);
  EXPECT_GE(std::stod(by["krr"]["rel_discrepancy"]), 1e-3);
  // 300 × 120 = 36000 rows > -krr_max_rows 2000: refused with the size and the cost.
  EXPECT_EQ(by["krr-aug"]["status"].rfind("refused", 0), 0u);
  EXPECT_NE(by["krr-aug"]["status"].find("kernel matrix"), std::string::npos);
  // Both invariant methods see the same data; neither may be far worse than the other
  // (measured: both within a factor 1.5 of each other at this size).
  const double sa = std::stod(by["specavg"]["test_rmse"]), ga = std::stod(by["krr-ga"]["test_rmse"]);
  EXPECT_LT(sa, 2.0 * ga);
  EXPECT_LT(ga, 2.0 * sa);
  EXPECT_GT(std::stod(by["specavg"]["peak_mem_mib"]), 0.0);
}

// With the kernel's spectrum as ridge penalty and τ = λ/(n μ_0), specavg is the
// group-averaged KRR truncated at the cutoff: both must predict the same function.
TEST(BenchMPI, KernelPenaltyRidgeEqualsGroupAveragedKrr) {
  SynthConfig c;
  c.n = 400;
  c.noise = 0.01;
  c.seed = 3;
  c.generators = generators_for_spec("Ih", 3);
  c.output = scratch("eq_train.h5");
  ASSERT_EQ(synthesize(PETSC_COMM_WORLD, c), 0);
  const double kappa = 10, lambda = 0.05;
  KrrOptions ko;
  ko.estimator = &as_kernel_ridge(krr_group_averaged_estimator());
  ko.kernel = "vmf";
  ko.width = kappa;
  ko.lambda = lambda;
  ko.verbose = false;
  TrainOptions to;
  to.data = c.output;
  to.group = "Ih";
  to.verbose = false;
  Model krr;
  KrrReport kr;
  ASSERT_EQ(train_krr(PETSC_COMM_WORLD, to, ko, &krr, &kr), 0);

  const ManifoldPtr M_ptr = make_manifold("s2", 3);
  const Manifold& M = *M_ptr;
  const Kernel kern(M, KernelSpec{KernelKind::VonMisesFisher, kappa});
  const double mu0 = kern.space_eigenvalue(M.eigenspace_of(0));
  to.cutoff.lmax = 40;  // the vMF spectrum at κ = 10 is below 1e-16 of μ_0 long before degree 40
  to.penalty = "kernel";
  to.penalty_kernel = "vmf";
  to.penalty_width = kappa;
  to.tau = lambda / (double(c.n) * mu0);
  to.sobolev_s = 0;
  Model sa;
  TrainReport tr;
  ASSERT_EQ(train_model(PETSC_COMM_WORLD, to, &sa, &tr), 0);

  std::vector<double> x(3 * 200), fa, fb;
  for (int i = 0; i < 200; ++i) synthetic_point(77, i, &x[3 * i]);
  predict_points(sa, x.data(), 200, &fa);
  predict_points(krr, x.data(), 200, &fb);
  double diff = 0, scale = 0;
  for (int i = 0; i < 200; ++i)
    diff = std::max(diff, std::fabs(fa[i] - fb[i])), scale = std::max(scale, std::fabs(fb[i]));
  // Measured 7e-15 relative (1 rank): the two routes agree to rounding.
  EXPECT_LE(diff / scale, 1e-10);
}

}  // namespace
}  // namespace specavg
