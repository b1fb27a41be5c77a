// k-fold cross-validation of bench (parallel/cross_validation.hpp): the scores equal
// explicit refits on the other folds, for the invariant estimators and for every
// kernel-ridge variant, on the redundant and the distributed kernel path.
#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "mpi_test_util.hpp"
#include "specavg/estimate/model.hpp"
#include "specavg/group/coordinate_groups.hpp"
#include "specavg/parallel/cross_validation.hpp"
#include "specavg/parallel/distributed_basis.hpp"
#include "specavg/parallel/features.hpp"
#include "specavg/parallel/reduced_solve.hpp"
#include "specavg/parallel/selection_stage.hpp"

namespace specavg {
namespace {

using test::synth;

// This rank's rows of `d` outside fold f, as a data set of their own (global offsets
// recomputed, so the kernel-ridge build sees a contiguous row distribution).
LocalData complement(const LocalData& d, int folds, int f) {
  LocalData c;
  c.ntargets = d.ntargets;
  c.dim = d.dim;
  const std::size_t dim = std::size_t(d.dim), k = std::size_t(d.ntargets);
  for (PetscInt i = 0; i < d.count; ++i) {
    if (fold_of((long long)(d.begin + i), folds) == f) continue;
    const std::size_t r = std::size_t(i);
    c.points.insert(c.points.end(), d.points.begin() + r * dim, d.points.begin() + (r + 1) * dim);
    c.values.insert(c.values.end(), d.values.begin() + r * k, d.values.begin() + (r + 1) * k);
    ++c.count;
  }
  long long cnt = c.count, before = 0, total = 0;
  MPI_Exscan(&cnt, &before, 1, MPI_LONG_LONG, MPI_SUM, PETSC_COMM_WORLD);
  MPI_Allreduce(&cnt, &total, 1, MPI_LONG_LONG, MPI_SUM, PETSC_COMM_WORLD);
  if (test::world_rank() == 0) before = 0;
  c.begin = PetscInt(before);
  c.n_global = PetscInt(total);
  return c;
}

double held_out_sse(const Model& m, const LocalData& held) {
  std::vector<double> f(std::size_t(held.count) * std::size_t(held.ntargets));
  m.predict(held.points.data(), std::size_t(held.count), f.data());
  double s = 0;
  for (std::size_t i = 0; i < f.size(); ++i) s += (f[i] - held.values[i]) * (f[i] - held.values[i]);
  double g = 0;
  MPI_Allreduce(&s, &g, 1, MPI_DOUBLE, MPI_SUM, PETSC_COMM_WORLD);
  return g;
}

LocalData load(const std::string& file) {
  LocalData d;
  EXPECT_EQ(test::read_rows(file, "-data", ValuesNeed::Required, *make_manifold("s2", 3), &d), 0);
  return d;
}

TEST(CrossValidationMPI, KernelRidgeScoresEqualExplicitRefits) {
  const int folds = 4;
  const std::vector<double> lambdas{1e-3, 0.1};
  // n = 200 ≥ 64·P: the distributed path for P ≤ 3; krr-aug with D2: N = 4·60 rows.
  const LocalData d3 = load(synth("cv_d3_200.h5", "s2", 3, "D3", "bumps", 200, 0.1, 301));
  const LocalData d2 = load(synth("cv_d2_60.h5", "s2", 3, "D2", "bumps", 60, 0.1, 302));
  struct Case {
    const Estimator* est;
    const LocalData* data;
    const char* group;
  };
  for (const Case& c : {Case{&krr_estimator(), &d3, "D3"}, Case{&krr_group_averaged_estimator(), &d3, "D3"},
                        Case{&krr_augmented_estimator(), &d2, "D2"}}) {
    const ManifoldPtr M = make_manifold("s2", 3);
    const auto gens = generators_for_spec(c.group, 3);
    KrrOptions ko;
    ko.estimator = &as_kernel_ridge(*c.est);
    ko.verbose = false;
    KrrSystem sys;
    KrrReport rep;
    ASSERT_EQ(krr_build(PETSC_COMM_WORLD, *M, gens, c.group, *c.data, ko, &sys, &rep), 0);
    std::vector<double> cv;
    ASSERT_EQ(kfold_kernel_ridge(PETSC_COMM_WORLD, sys, *c.data, folds, lambdas, &cv), 0);
    ASSERT_EQ(cv.size(), lambdas.size());
    const std::vector<LocalData> parts = split_by_fold(*c.data, folds);
    for (std::size_t l = 0; l < lambdas.size(); ++l) {
      double sse = 0;
      for (int f = 0; f < folds; ++f) {
        const LocalData rest = complement(*c.data, folds, f);
        KrrSystem s;
        ASSERT_EQ(krr_build(PETSC_COMM_WORLD, *M, gens, c.group, rest, ko, &s, &rep), 0);
        Model m;
        ASSERT_EQ(krr_solve(PETSC_COMM_WORLD, &s, lambdas[l], false, &m, &rep), 0);
        sse += held_out_sse(m, parts[std::size_t(f)]);
      }
      const double explicit_rmse = std::sqrt(sse / double(c.data->n_global));
      EXPECT_NEAR(cv[l], explicit_rmse, 1e-10 * explicit_rmse) << c.est->name() << " lambda " << lambdas[l];
    }
    EXPECT_LT(cv[0], 1.0) << c.est->name();  // a real fit: well below the target's scale
  }
}

TEST(CrossValidationMPI, InvariantScoresEqualExplicitRefits) {
  const int folds = 5;
  const LocalData d = load(synth("cv_ih_800.h5", "s2", 3, "Ih", "bumps", 800, 0.05, 303));
  InvariantBasis basis;
  ASSERT_EQ(test::s2_basis("Ih", 12, &basis), 0);
  const std::vector<double> pen = penalty_weights(basis, 1.0), taus{1e-6, 1e-3};
  const std::vector<LocalData> parts = split_by_fold(d, folds);
  for (bool spectral : {false, true}) {
    std::vector<double> cv;
    ASSERT_EQ(kfold_invariant(PETSC_COMM_WORLD, basis, parts, pen, taus, spectral, &cv), 0);
    for (std::size_t t = 0; t < cv.size(); ++t) {
      double sse = 0;
      for (int f = 0; f < folds; ++f) {
        NormalEquations ne;
        ASSERT_EQ(assemble_local(basis, complement(d, folds, f), 0, !spectral, &ne), 0);
        Model m;
        m.estimator = spectral ? &spectral_estimator() : &ridge_estimator();
        m.basis = basis;
        SolveReport sr;
        ASSERT_EQ(solve_reduced(PETSC_COMM_WORLD, ne, *m.estimator, taus[t], pen, &m.coef, &sr), 0);
        sse += held_out_sse(m, parts[std::size_t(f)]);
      }
      const double explicit_rmse = std::sqrt(sse / double(d.n_global));
      EXPECT_NEAR(cv[t], explicit_rmse, 1e-10 * explicit_rmse) << (spectral ? "spectral" : "ridge") << " " << t;
    }
  }
}

}  // namespace
}  // namespace specavg
