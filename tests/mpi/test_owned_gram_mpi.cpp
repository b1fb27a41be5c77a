// The owned assembly of the Gram matrix (parallel/owned_gram.hpp) and the in-place
// distributed solve (parallel/in_place_solve.hpp) against the replicated route, at 1, 2
// and 3 ranks, and against one rank (PETSC_COMM_SELF) inside the same run.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "mpi_test_util.hpp"
#include "specavg/parallel/distributed_basis.hpp"
#include "specavg/parallel/owned_gram.hpp"
#include "specavg/parallel/reduced_solve.hpp"
#include "specavg/parallel/train.hpp"

namespace specavg {
namespace {

using test::global_max;
using test::scratch;
using test::synth;

double max_rel_diff(const std::vector<double>& a, const std::vector<double>& b) {
  double d = 0, s = 0;
  for (std::size_t i = 0; i < a.size() && i < b.size(); ++i)
    d = std::max(d, std::fabs(a[i] - b[i])), s = std::max(s, std::fabs(b[i]));
  return a.size() == b.size() && s > 0 ? d / s : 1.0;
}

// S² under Cs at lmax 20: D_inv = 231, enough rows for the distributed solve on 3 ranks
// (D_inv ≥ 64·P).
TrainOptions options(const std::string& data, const std::string& assembly) {
  TrainOptions o;
  o.data = data;
  o.group = "Cs";
  o.cutoff.lmax = 20;
  o.tau = 1e-6;
  o.verbose = false;
  o.gram_assembly = assembly;
  return o;
}

// Sums of owned rows, rounds of uneven sizes per rank (a rank out of rows passes empty
// blocks) and weights, equal the replicated route's all-reduced sums to 1e-12.
TEST(OwnedGramMPI, OwnedRoundsEqualReplicatedSums) {
  int rank, size;
  MPI_Comm_rank(PETSC_COMM_WORLD, &rank);
  MPI_Comm_size(PETSC_COMM_WORLD, &size);
  const ManifoldPtr M = make_manifold("s2", 3);
  LocalData d;
  ASSERT_EQ(test::read_rows(synth("owned_900.h5", "s2", 3, "Cs", "bumps", 900, 0.1, 41), "-data", ValuesNeed::Required,
                            *M, &d),
            0);
  InvariantBasis basis;
  ASSERT_EQ(test::s2_basis("Cs", 12, &basis), 0);
  const int D = basis.dinv(), k = d.ntargets;
  std::vector<double> w(std::size_t(d.count));
  for (PetscInt i = 0; i < d.count; ++i) w[std::size_t(i)] = 0.25 + std::fmod(0.37 * double(i + 7 * rank), 1.0);
  InvariantFeatures feats(basis);
  NormalEquations rep, own;
  start_normal_equations(D, k, true, &rep);
  ASSERT_EQ(accumulate_rows(feats, d.points.data(), d.values.data(), w.data(), d.count, 0, &rep), 0);
  finish_normal_equations(&rep);
  std::vector<double> full = rep.gram;
  MPI_Allreduce(MPI_IN_PLACE, full.data(), int(full.size()), MPI_DOUBLE, MPI_SUM, PETSC_COMM_WORLD);
  // Blocks of 17 + 5·rank rows: the ranks run out of rows after different numbers of
  // blocks; every rank calls the round as often as the one with the most blocks.
  const PetscInt nb = 17 + 5 * rank, most_nb = 17;
  PetscInt blocks = (d.count + most_nb - 1) / most_nb, rounds = 0;
  MPI_Allreduce(&blocks, &rounds, 1, MPIU_INT, MPI_MAX, PETSC_COMM_WORLD);
  start_owned_normal_equations(D, k, rank, size, &own);
  OwnedRing ring;
  PetscInt at = 0;
  for (PetscInt r = 0; r < rounds + 3; ++r) {
    const PetscInt c = std::min(nb, d.count - at);
    ASSERT_EQ(accumulate_owned_round(PETSC_COMM_WORLD, feats, d.points.data() + std::size_t(at) * 3,
                                     d.values.data() + std::size_t(at) * k, w.data() + at, c, 17 + 5 * (size - 1), &own,
                                     &ring),
              0);
    at += c;
  }
  ASSERT_EQ(at, d.count);
  std::vector<double> gathered;
  ASSERT_EQ(gather_owned_gram(PETSC_COMM_WORLD, own, &gathered), 0);
  EXPECT_LE(global_max(max_rel_diff(gathered, full)), 1e-12);
  // The shares are ScaLAPACK's block-cyclic layout: every entry of the lower triangle on
  // exactly one rank, each rank's share within 15 % of D_inv²/P on up to 3 ranks (on a
  // larger grid so small a matrix has few, uneven blocks per rank).
  const BlockCyclic& L = own.layout;
  EXPECT_EQ(L.n, D);
  EXPECT_EQ(own.gram.size(), L.local_size());
  std::vector<double> owners(std::size_t(D) * D, 0.0);
  for (long long lj = 0; lj < L.locc; ++lj)
    for (long long li = 0; li < L.locr; ++li) owners[std::size_t(L.global_row(li) * D + L.global_col(lj))] += 1;
  MPI_Allreduce(MPI_IN_PLACE, owners.data(), int(owners.size()), MPI_DOUBLE, MPI_SUM, PETSC_COMM_WORLD);
  EXPECT_EQ(*std::min_element(owners.begin(), owners.end()), 1.0);
  EXPECT_EQ(*std::max_element(owners.begin(), owners.end()), 1.0);
  if (size <= 3) EXPECT_LE(global_max(double(L.local_size()) / (double(D) * D / size)), 1.15);
  // Right-hand side and counts stay per rank's data, as on the replicated route.
  EXPECT_LE(global_max(max_rel_diff(own.rhs, rep.rhs)), 1e-12);
  EXPECT_LE(global_max(std::fabs(own.wsum - rep.wsum) / rep.wsum), 1e-14);
  EXPECT_EQ(own.n, rep.n);
}

// G·X from one more pass over the data equals the assembled Gram times X.
TEST(OwnedGramMPI, MatrixFreeGramTimesEqualsExplicit) {
  const ManifoldPtr M = make_manifold("s2", 3);
  const std::string path = synth("owned_mf_700.h5", "s2", 3, "Cs", "bumps", 700, 0.1, 42);
  LocalData d;
  ASSERT_EQ(test::read_rows(path, "-data", ValuesNeed::Required, *M, &d), 0);
  InvariantBasis basis;
  ASSERT_EQ(test::s2_basis("Cs", 10, &basis), 0);
  const int D = basis.dinv(), k = 3;
  NormalEquations ne;
  ASSERT_EQ(assemble_local(basis, d, 0, true, &ne), 0);
  MPI_Allreduce(MPI_IN_PLACE, ne.gram.data(), int(ne.gram.size()), MPI_DOUBLE, MPI_SUM, PETSC_COMM_WORLD);
  std::vector<double> X(std::size_t(D) * k), explicit_gx(std::size_t(D) * k, 0.0), gx;
  for (std::size_t i = 0; i < X.size(); ++i) X[i] = std::sin(0.3 + 1.7 * double(i));
  for (int i = 0; i < D; ++i)
    for (int j = 0; j < D; ++j)
      for (int c = 0; c < k; ++c)
        explicit_gx[std::size_t(i) * k + c] += ne.gram[std::size_t(i) * D + j] * X[std::size_t(j) * k + c];
  std::unique_ptr<RowSource> src;
  ASSERT_EQ(open_row_source(PETSC_COMM_WORLD, path, {"-data", ValuesNeed::Required, M.get()}, &src), 0);
  InvariantFeatures feats(basis);
  ASSERT_EQ(gram_times_streamed(PETSC_COMM_WORLD, *src, feats, 64, X, k, &gx), 0);
  ASSERT_EQ(src->close(), 0);
  EXPECT_LE(global_max(max_rel_diff(gx, explicit_gx)), 1e-12);
}

// train with -gram_assembly owned equals replicated on the same ranks and one rank
// (PETSC_COMM_SELF, reading every row) to 1e-12; on several ranks the owned system is
// factored in place and its residual, from the data, is at rounding level.
TEST(OwnedGramMPI, OwnedTrainEqualsReplicatedAndOneRank) {
  int size;
  MPI_Comm_size(PETSC_COMM_WORLD, &size);
  const std::string data = synth("owned_train_3000.h5", "s2", 3, "Cs", "bumps", 3000, 0.05, 43);
  Model owned, repl, one;
  TrainReport ro, rr, r1;
  ASSERT_EQ(train_model(PETSC_COMM_WORLD, options(data, "owned"), &owned, &ro), 0);
  ASSERT_EQ(train_model(PETSC_COMM_WORLD, options(data, "replicated"), &repl, &rr), 0);
  ASSERT_EQ(train_model(PETSC_COMM_SELF, options(data, "replicated"), &one, &r1), 0);
  EXPECT_GE(owned.basis.dinv(), 64 * size);
  EXPECT_LE(global_max(max_rel_diff(owned.coef, repl.coef)), 1e-12);
  EXPECT_LE(global_max(max_rel_diff(owned.coef, one.coef)), 1e-12);
  if (size > 1) {
    EXPECT_NE(ro.solve.method.find("in place"), std::string::npos) << ro.solve.method;
    EXPECT_EQ(rr.solve.method.find("in place"), std::string::npos) << rr.solve.method;
  }
  // The matrix-free residual (owned, several ranks) and the explicit one (replicated)
  // both at rounding level; the first is a real computation, not a placeholder.
  EXPECT_GE(ro.solve.max_rel_residual, 0.0);
  EXPECT_LE(global_max(ro.solve.max_rel_residual), 1e-10);
  EXPECT_LE(global_max(rr.solve.max_rel_residual), 1e-10);
  // The condition estimates (power iterations on the block-cyclic share before the
  // factor, inverse iterations with ScaLAPACK's factor) match the replicated route's.
  EXPECT_GT(ro.solve.condition, 1.0);
  EXPECT_LE(global_max(std::fabs(ro.solve.condition - rr.solve.condition) / rr.solve.condition), 1e-8);
}

PetscErrorCode capture(MPI_Comm, int, const char*, const char*, PetscErrorCode, PetscErrorType p, const char* mess,
                       void* ctx) {
  if (p == PETSC_ERROR_INITIAL && mess && static_cast<std::string*>(ctx)->empty())
    *static_cast<std::string*>(ctx) = mess;
  return PETSC_ERR_USER_INPUT;
}

// The owned route refuses what needs the whole sums on every rank.
TEST(OwnedGramMPI, OwnedRouteRefusesSelection) {
  const std::string data = synth("owned_train_3000.h5", "s2", 3, "Cs", "bumps", 3000, 0.05, 43);
  TrainOptions o = options(data, "owned");
  o.select.criterion = SelectCriterion::KFold;
  o.select.folds = 3;
  Model m;
  TrainReport r;
  std::string msg;
  PetscPushErrorHandler(capture, &msg);
  const PetscErrorCode e = train_model(PETSC_COMM_WORLD, o, &m, &r);
  PetscPopErrorHandler();
  EXPECT_NE(e, 0);
  EXPECT_NE(msg.find("-gram_assembly owned cannot serve -select"), std::string::npos) << msg;
}

// The owned route factors in place with ScaLAPACK's Cholesky: another reduced solver is
// refused with a message naming the remedies, and the replicated route still takes it.
TEST(OwnedGramMPI, OwnedRouteRefusesAnotherSolver) {
  const std::string data = synth("owned_train_3000.h5", "s2", 3, "Cs", "bumps", 3000, 0.05, 43);
  ASSERT_EQ(PetscOptionsSetValue(nullptr, "-reduced_ksp_type", "cg"), 0);
  Model m;
  TrainReport r;
  std::string msg;
  PetscPushErrorHandler(capture, &msg);
  const PetscErrorCode e = train_model(PETSC_COMM_WORLD, options(data, "owned"), &m, &r);
  PetscPopErrorHandler();
  Model repl;
  TrainReport rr;
  const PetscErrorCode e2 = train_model(PETSC_COMM_WORLD, options(data, "replicated"), &repl, &rr);
  ASSERT_EQ(PetscOptionsClearValue(nullptr, "-reduced_ksp_type"), 0);
  EXPECT_NE(e, 0);
  EXPECT_NE(msg.find("-gram_assembly owned factors the Gram matrix in place"), std::string::npos) << msg;
  EXPECT_NE(msg.find("-gram_assembly replicated"), std::string::npos) << msg;
  EXPECT_EQ(e2, 0);
  EXPECT_NE(rr.solve.method.find("cg"), std::string::npos) << rr.solve.method;
}

}  // namespace
}  // namespace specavg
