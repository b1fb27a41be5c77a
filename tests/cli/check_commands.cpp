// The success paths of synth, train, predict, eval and info, checked with numbers.
// tests/cli/run_commands.sh first runs the real executable under mpiexec in a scratch
// directory (the working directory of this program); these tests then recompute what
// each command should have produced, in-process, and compare.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "../mpi/mpi_test_util.hpp"
#include "specavg/estimate/synthetic_target.hpp"
#include "specavg/group/coordinate_groups.hpp"
#include "specavg/group/invariant_basis.hpp"
#include "specavg/group/point_group.hpp"
#include "specavg/io/h5_parallel.hpp"
#include "specavg/io/model_file.hpp"
#include "specavg/parallel/dataset.hpp"
#include "specavg/parallel/predict.hpp"

namespace specavg {
namespace {

using test::global_max;

// The settings of run_commands.sh.
constexpr long long kTrainN = 3000, kTestN = 1000;
constexpr double kNoise = 0.05;
constexpr unsigned long long kTrainSeed = 5;
constexpr int kLmax = 12;

double global_sum(double v) {
  double g;
  MPI_Allreduce(&v, &g, 1, MPI_DOUBLE, MPI_SUM, PETSC_COMM_WORLD);
  return g;
}

// This rank's block of a 1-D or 2-D dataset (row-major), with its global row count.
std::vector<double> read_block(const std::string& path, const std::string& name, PetscInt* begin, PetscInt* count,
                               hsize_t* rows = nullptr) {
  H5Reader r;
  EXPECT_EQ(r.open(PETSC_COMM_WORLD, path, "test"), 0);
  std::vector<hsize_t> dims;
  EXPECT_EQ(r.shape(name, &dims), 0);
  row_block(PETSC_COMM_WORLD, PetscInt(dims[0]), begin, count);
  const std::size_t cols = dims.size() > 1 ? dims[1] : 1;
  std::vector<double> v(std::size_t(*count) * cols);
  EXPECT_EQ(r.read_rows(name, *begin, *count, v.data()), 0);
  EXPECT_EQ(r.close(), 0);
  if (rows) *rows = dims[0];
  return v;
}

// The first number after `key` on the first line of `path` containing it (NaN if absent).
double number_after(const std::string& path, const std::string& key) {
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) {
    const std::size_t at = line.find(key);
    if (at == std::string::npos) continue;
    std::istringstream rest(line.substr(at + key.size()));
    std::string tok;
    while (rest >> tok) {
      try {
        std::size_t used = 0;
        const double v = std::stod(tok, &used);
        if (used > 0) return v;
      } catch (const std::exception&) {
      }
    }
  }
  return std::nan("");
}

// The (label, k) rows of the per-eigenspace table info prints under its header
// "degree lambda m k residual method seconds".
std::vector<std::pair<int, int>> info_table(const std::string& path) {
  std::ifstream in(path);
  std::string line;
  std::vector<std::pair<int, int>> out;
  bool in_table = false;
  while (std::getline(in, line)) {
    std::istringstream row(line);
    if (!in_table) {
      std::string first;
      row >> first;
      in_table = (first == "degree" || first == "|k|^2") && line.find("residual") != std::string::npos;
      continue;
    }
    int label, m, k;
    double lambda;
    if (!(row >> label >> lambda >> m >> k)) break;
    out.emplace_back(label, k);
  }
  return out;
}

TEST(Commands, SynthWritesTargetPlusNoiseIndependentOfRankCount) {
  PetscInt b, c, b1, c1;
  hsize_t rows = 0;
  const auto x = read_block("train.h5", "points", &b, &c, &rows);
  const auto y = read_block("train.h5", "values", &b, &c);
  const auto t = read_block("train.h5", "truth", &b, &c);
  ASSERT_EQ(rows, hsize_t(kTrainN));
  // The same seed written by one rank: identical rows.
  const auto x1 = read_block("train_np1.h5", "points", &b1, &c1);
  const auto y1 = read_block("train_np1.h5", "values", &b1, &c1);
  double diff = 0;
  for (std::size_t i = 0; i < x.size(); ++i) diff = std::max(diff, std::fabs(x[i] - x1[i]));
  for (std::size_t i = 0; i < y.size(); ++i) diff = std::max(diff, std::fabs(y[i] - y1[i]));
  EXPECT_EQ(global_max(diff), 0.0);
  // truth is the D3 target at the points; values − truth is noise·N(0,1) of that seed.
  const ManifoldPtr M = make_manifold("s2", 3);
  const auto gens = generators_for_spec("D3", 3);
  std::string chosen;
  const auto target = make_target("auto", *M, gens, 1000, &chosen);
  double terr = 0, nerr = 0, norm = 0, s1 = 0, s2 = 0;
  for (PetscInt i = 0; i < c; ++i) {
    const double* p = &x[3 * std::size_t(i)];
    norm = std::max(norm, std::fabs(p[0] * p[0] + p[1] * p[1] + p[2] * p[2] - 1.0));
    terr = std::max(terr, std::fabs(t[i] - (*target)(p)));
    nerr = std::max(nerr, std::fabs(y[i] - t[i] - kNoise * synthetic_noise(kTrainSeed, (unsigned long long)(b + i))));
    s1 += y[i] - t[i];
    s2 += (y[i] - t[i]) * (y[i] - t[i]);
  }
  EXPECT_LE(global_max(norm), 1e-14);
  EXPECT_LE(global_max(terr), 1e-14);
  EXPECT_LE(global_max(nerr), 1e-15);
  const double mean = global_sum(s1) / kTrainN, sd = std::sqrt(global_sum(s2) / kTrainN - mean * mean);
  EXPECT_LT(std::fabs(mean), 4 * kNoise / std::sqrt(double(kTrainN)));
  EXPECT_NEAR(sd / kNoise, 1.0, 0.06);
}

TEST(Commands, PredictEqualsInProcessPrediction) {
  Model m;
  ASSERT_EQ(read_model(PETSC_COMM_WORLD, "model.h5", &m), 0);
  LocalData d;
  RowRequest req;
  req.role = "-points";
  req.values = ValuesNeed::None;
  req.manifold = &m.manifold();
  ASSERT_EQ(load_rows(PETSC_COMM_WORLD, "test.h5", req, &d), 0);
  std::vector<double> f;
  predict_points(m, d.points.data(), d.count, &f);
  PetscInt b, c;
  hsize_t rows = 0;
  const auto pred = read_block("pred.h5", "values", &b, &c, &rows);
  ASSERT_EQ(rows, hsize_t(kTestN));
  ASSERT_EQ(b, d.begin);
  ASSERT_EQ(pred.size(), f.size());
  double dev = 0, scale = 0;
  for (std::size_t i = 0; i < f.size(); ++i) {
    dev = std::max(dev, std::fabs(pred[i] - f[i]));
    scale = std::max(scale, std::fabs(f[i]));
  }
  EXPECT_GT(global_max(scale), 0.1);
  EXPECT_LE(global_max(dev), 1e-14 * global_max(scale));
}

TEST(Commands, EvalRmseEqualsHandComputation) {
  PetscInt b, c;
  const auto pred = read_block("pred.h5", "values", &b, &c);
  const auto y = read_block("test.h5", "values", &b, &c);
  const auto t = read_block("test.h5", "truth", &b, &c);
  double sv = 0, st = 0;
  for (PetscInt i = 0; i < c; ++i) {
    sv += (pred[i] - y[i]) * (pred[i] - y[i]);
    st += (pred[i] - t[i]) * (pred[i] - t[i]);
  }
  const double rmse_values = std::sqrt(global_sum(sv) / kTestN), rmse_truth = std::sqrt(global_sum(st) / kTestN);
  const double printed_values = number_after("eval.log", "RMSE (vs values)");
  const double printed_truth = number_after("eval.log", "RMSE (vs noise-free truth)");
  // eval prints 7 significant digits.
  EXPECT_NEAR(printed_values / rmse_values, 1.0, 1e-6) << printed_values << " vs " << rmse_values;
  EXPECT_NEAR(printed_truth / rmse_truth, 1.0, 1e-6) << printed_truth << " vs " << rmse_truth;
  // And the fit is good: close to the noise level against the values, well below it
  // against the truth (D3 bumps at lmax 12 from 3000 points).
  EXPECT_LT(rmse_truth, 0.3 * kNoise);
  EXPECT_NEAR(rmse_values / kNoise, 1.0, 0.15);
}

TEST(Commands, InfoReportsTheInvariantCounts) {
  Model m;
  ASSERT_EQ(read_model(PETSC_COMM_WORLD, "model.h5", &m), 0);
  const auto from_model = info_table("info.log"), from_group = info_table("info_group.log");
  ASSERT_EQ(from_model.size(), std::size_t(kLmax + 1));
  ASSERT_EQ(from_group.size(), std::size_t(kLmax + 1));
  const std::vector<Mat3> gens = generators_from_spec("D3");
  int dinv = 0;
  for (int l = 0; l <= kLmax; ++l) {
    const int k = invariant_subspace(l, gens).k;
    dinv += k;
    EXPECT_EQ(from_model[l].first, l);
    EXPECT_EQ(from_model[l].second, m.basis.spaces[l].k) << l;
    EXPECT_EQ(from_model[l].second, k) << l;
    EXPECT_EQ(from_group[l].second, k) << l;
  }
  EXPECT_EQ(number_after("info.log", "D_inv ="), double(dinv));
  EXPECT_EQ(number_after("info_group.log", "D_inv ="), double(dinv));
}

// -basis_method ring through info: S^19 under Sym(20) has p(k) − p(k−2) invariant harmonics
// of degree k (p: partitions), and on S^4 under Hyperoct the ring route finds the dense
// route's counts.
TEST(Commands, InfoRingRouteCounts) {
  auto p = [](int n) {  // partitions of n (n ≤ 8 < 20 parts: no bound on the number of parts)
    std::vector<long long> q(std::size_t(std::max(n, 0)) + 1, 0);
    q[0] = 1;
    for (int part = 1; part <= n; ++part)
      for (int i = part; i <= n; ++i) q[std::size_t(i)] += q[std::size_t(i - part)];
    return n < 0 ? 0LL : q[std::size_t(n)];
  };
  const auto ring20 = info_table("info_ring20.log");
  ASSERT_EQ(ring20.size(), 9u);
  for (int k = 0; k <= 8; ++k) EXPECT_EQ(ring20[std::size_t(k)].second, p(k) - p(k - 2)) << k;
  const auto ring5 = info_table("info_ring5.log"), dense5 = info_table("info_dense5.log");
  ASSERT_EQ(ring5.size(), 9u);
  EXPECT_EQ(ring5, dense5);
  EXPECT_LT(number_after("info_ring20.log", "max invariance residual max_j |h(g_j x) - h(x)| ="), 1e-12);
}

// The ring route on the torus through info: T^6 under Hyperoct has the dense route's counts
// per shell, and a T^4 model trained under Sym (auto) reads back with the dense counts.
TEST(Commands, InfoTorusRingRouteCounts) {
  const auto ring6 = info_table("info_tring6.log"), dense6 = info_table("info_tdense6.log");
  ASSERT_EQ(ring6.size(), 9u);  // shells 0..8 (T^6: none empty)
  EXPECT_EQ(ring6, dense6);
  EXPECT_LT(number_after("info_tring6.log", "max invariance residual max_j |h(g_j x) - h(x)| ="), 1e-12);
  const auto model = info_table("info_tsym_model.log"), dense = info_table("info_tsym_dense.log");
  ASSERT_FALSE(dense.empty());
  EXPECT_EQ(model, dense);
}

}  // namespace
}  // namespace specavg
