// Invariant subspaces of large eigenspaces with SLEPc (null_space_eps) and the generic
// EigenspaceAction pieces: permutation representations with known orbit counts, a planted
// dense orthogonal action compared with the dense path, and the distributed shell.
#include <gtest/gtest.h>

#include <cmath>
#include <numeric>
#include <stdexcept>

#include "mpi_test_util.hpp"
#include "specavg/parallel/invariant_eps.hpp"
#include "specavg/util/counter_rng.hpp"
#include "specavg/util/dense_linalg.hpp"

namespace specavg {
namespace {

using test::global_max;

// Dense generators D_j (column-major m × m).
class DenseAction final : public EigenspaceAction {
 public:
  DenseAction(int m, std::vector<std::vector<double>> d) : m_(m), d_(std::move(d)) {}
  int m() const override { return m_; }
  int ngenerators() const override { return static_cast<int>(d_.size()); }
  void apply(int j, bool t, int nv, const double* X, int ldx, double* Y, int ldy) const override {
    dgemm(t, false, m_, nv, m_, 1.0, d_[j].data(), m_, X, ldx, 0.0, Y, ldy);
  }
  double apply_flops() const override { return 2.0 * m_ * m_; }

 private:
  int m_;
  std::vector<std::vector<double>> d_;
};

std::vector<double> gaussian(int rows, int cols, std::uint64_t seed) {
  std::vector<double> a(static_cast<std::size_t>(rows) * cols);
  for (std::size_t i = 0; i < a.size(); ++i) a[i] = rng_normal(seed, 0, i);
  return a;
}

std::vector<double> random_orthogonal(int n, std::uint64_t seed) {
  std::vector<double> q = gaussian(n, n, seed);
  orthonormalize_columns(n, n, q);
  return q;
}

// Random permutation of [0, m) mapping each block [starts[b], starts[b+1]) to itself.
std::vector<int> block_permutation(const std::vector<int>& starts, std::uint64_t seed) {
  std::vector<int> p(starts.back());
  std::iota(p.begin(), p.end(), 0);
  for (std::size_t b = 0; b + 1 < starts.size(); ++b)
    for (int i = starts[b + 1] - 1; i > starts[b]; --i)
      std::swap(p[i], p[starts[b] + static_cast<int>(rng_bits(seed, b, i) % (i - starts[b] + 1))]);
  return p;
}

// (D x)[a] = x[p[a]]: a permutation matrix in CSR form.
SparseRows permutation_rows(const std::vector<int>& p) {
  SparseRows s;
  s.m = static_cast<int>(p.size());
  for (int a = 0; a <= s.m; ++a) s.rowptr.push_back(a);
  s.col = p;
  s.val.assign(p.size(), 1.0);
  return s;
}

// Orbits of the generated group (union–find): the dimension of the invariant subspace.
int count_orbits(int m, const std::vector<std::vector<int>>& perms) {
  std::vector<int> parent(m);
  std::iota(parent.begin(), parent.end(), 0);
  auto find = [&](int a) {
    while (parent[a] != a) a = parent[a] = parent[parent[a]];
    return a;
  };
  for (const auto& p : perms)
    for (int a = 0; a < m; ++a) parent[find(a)] = find(p[a]);
  int n = 0;
  for (int a = 0; a < m; ++a) n += find(a) == a;
  return n;
}

// max |V Vᵀ − W Wᵀ| over the entries (orthogonal projectors of two bases).
double projector_distance(int m, const std::vector<double>& V, int kv, const std::vector<double>& W, int kw) {
  std::vector<double> P(static_cast<std::size_t>(m) * m, 0.0);
  if (kv > 0) dgemm(false, true, m, m, kv, 1.0, V.data(), m, V.data(), m, 0.0, P.data(), m);
  if (kw > 0) dgemm(false, true, m, m, kw, -1.0, W.data(), m, W.data(), m, 1.0, P.data(), m);
  double d = 0.0;
  for (double x : P) d = std::max(d, std::fabs(x));
  return d;
}

double orthonormality_error(int m, int k, const std::vector<double>& V) {
  std::vector<double> G(static_cast<std::size_t>(k) * k);
  dgemm(true, false, k, k, m, 1.0, V.data(), m, V.data(), m, 0.0, G.data(), k);
  double e = 0.0;
  for (int i = 0; i < k; ++i)
    for (int j = 0; j < k; ++j) e = std::max(e, std::fabs(G[j * k + i] - (i == j ? 1.0 : 0.0)));
  return e;
}

struct Solution {
  std::vector<double> V;
  int k = -1;
  NullSpaceEpsReport rep;
  PetscErrorCode ierr = 0;
};

Solution solve(MPI_Comm comm, const EigenspaceAction& a, NullSpaceEpsOptions o = {}) {
  Solution s;
  s.ierr = null_space_eps(comm, a, o, &s.V, &s.k, &s.rep);
  return s;
}

// Permutation action (2 generators) preserving blocks of random sizes in [lo, hi]; the
// invariant dimension is the number of orbits (about the number of blocks).
struct PermutationCase {
  std::unique_ptr<EigenspaceAction> action;
  std::vector<std::vector<int>> perms;
  int m = 0, orbits = 0;
};
PermutationCase block_orbits(int nblocks, int lo, int hi, std::uint64_t seed) {
  PermutationCase c;
  std::vector<int> starts{0};
  for (int b = 0; b < nblocks; ++b)
    starts.push_back(starts.back() + lo + static_cast<int>(rng_bits(seed, 99, b) % (hi - lo + 1)));
  c.m = starts.back();
  std::vector<SparseRows> rows;
  for (int j = 0; j < 2; ++j) {
    c.perms.push_back(block_permutation(starts, seed + j));
    rows.push_back(permutation_rows(c.perms.back()));
  }
  c.orbits = count_orbits(c.m, c.perms);
  c.action = sparse_action(rows);
  return c;
}

// Orthonormal basis of the orbit indicators (the exact invariant subspace).
std::vector<double> orbit_basis(const PermutationCase& c) {
  std::vector<int> parent(c.m);
  std::iota(parent.begin(), parent.end(), 0);
  auto find = [&](int a) {
    while (parent[a] != a) a = parent[a] = parent[parent[a]];
    return a;
  };
  for (const auto& p : c.perms)
    for (int a = 0; a < c.m; ++a) parent[find(a)] = find(p[a]);
  std::vector<int> id(c.m, -1), of(c.m);
  int n = 0;
  for (int a = 0; a < c.m; ++a) of[a] = id[find(a)] >= 0 ? id[find(a)] : (id[find(a)] = n++);
  std::vector<double> B(static_cast<std::size_t>(c.m) * n, 0.0);
  for (int a = 0; a < c.m; ++a) B[static_cast<std::size_t>(of[a]) * c.m + a] = 1.0;
  orthonormalize_columns(c.m, n, B);
  return B;
}

TEST(EigenspaceAction, SparseApplyTransposeAndConstraintMatchDense) {
  const int m = 37, nv = 5, ld = 41;  // padded leading dimensions
  std::vector<SparseRows> gens(3);
  std::vector<std::vector<double>> dense(3, std::vector<double>(m * m, 0.0));
  for (int j = 0; j < 3; ++j) {  // general sparse rows (not only permutations), some empty
    SparseRows& s = gens[j];
    s.m = m;
    s.rowptr.push_back(0);
    for (int a = 0; a < m; ++a) {
      const int nnz = static_cast<int>(rng_bits(7, j, a) % 4);
      for (int q = 0; q < nnz; ++q) {
        const int c = static_cast<int>(rng_bits(8, j, 16 * a + q) % m);
        s.col.push_back(c);
        s.val.push_back(rng_normal(9, j, 16 * a + q));
        dense[j][c * m + a] += s.val.back();  // duplicates add up, as in the CSR product
      }
      s.rowptr.push_back(static_cast<int>(s.col.size()));
    }
  }
  auto a = sparse_action(gens);
  const std::vector<double> X = gaussian(ld, nv, 3);
  double err = 0.0, scale = 1.0;
  std::vector<double> Y(ld * nv), R(m * nv), Csum(m * nv), Cx(ld * nv);
  for (int c = 0; c < nv; ++c)
    for (int i = 0; i < m; ++i) Csum[c * m + i] = 2.0 * 3 * X[c * ld + i];
  for (int j = 0; j < 3; ++j) {
    for (bool t : {false, true}) {
      a->apply(j, t, nv, X.data(), ld, Y.data(), ld);
      dgemm(t, false, m, nv, m, 1.0, dense[j].data(), m, X.data(), ld, 0.0, R.data(), m);
      for (int c = 0; c < nv; ++c)
        for (int i = 0; i < m; ++i) {
          err = std::max(err, std::fabs(Y[c * ld + i] - R[c * m + i]));
          scale = std::max(scale, std::fabs(R[c * m + i]));
          Csum[c * m + i] -= R[c * m + i];
        }
    }
    const std::vector<double> dt = a->dense_transpose(j);  // D_jᵀ: exact copies of the entries
    for (int c = 0; c < m; ++c)
      for (int i = 0; i < m; ++i) err = std::max(err, std::fabs(dt[c * m + i] - dense[j][i * m + c]));
    // Transpose consistency: <y, D x> = <Dᵀ y, x>.
    std::vector<double> Dx(m), Dty(m);
    a->apply(j, false, 1, X.data(), ld, Dx.data(), m);
    a->apply(j, true, 1, X.data() + ld, ld, Dty.data(), m);
    double lhs = 0.0, rhs = 0.0;
    for (int i = 0; i < m; ++i) lhs += X[ld + i] * Dx[i], rhs += Dty[i] * X[i];
    EXPECT_NEAR(lhs, rhs, 1e-13 * std::max(1.0, std::fabs(lhs)));
  }
  apply_constraint(*a, nv, X.data(), ld, Cx.data(), ld);
  for (int c = 0; c < nv; ++c)
    for (int i = 0; i < m; ++i) err = std::max(err, std::fabs(Cx[c * ld + i] - Csum[c * m + i]));
  EXPECT_LE(global_max(err / scale), 1e-14);
}

TEST(EigenspaceAction, DenseTransposeAndNoGenerators) {
  const int m = 70;  // more than one 64-column block of the identity
  DenseAction d(m, {gaussian(m, m, 21), gaussian(m, m, 22)});
  const std::vector<double> dt = d.dense_transpose(1), D = gaussian(m, m, 22);
  double err = 0.0;
  for (int c = 0; c < m; ++c)
    for (int i = 0; i < m; ++i) err = std::max(err, std::fabs(dt[c * m + i] - D[i * m + c]));
  EXPECT_LE(global_max(err), 1e-14);
  DenseAction none(m, {});
  const std::vector<double> X = gaussian(m, 3, 4);
  std::vector<double> Y(m * 3, 7.0);
  apply_constraint(none, 3, X.data(), m, Y.data(), m);
  for (double y : Y) EXPECT_EQ(y, 0.0);
  Solution s = solve(PETSC_COMM_SELF, none);
  ASSERT_EQ(s.ierr, 0);
  EXPECT_EQ(s.k, m);  // no constraint: the whole space
}

TEST(EigenspaceAction, SparseActionRejectsBadShapes) {
  auto good = [] { return permutation_rows({1, 2, 0}); };
  EXPECT_THROW(sparse_action({}), std::invalid_argument);
  SparseRows s = good();
  s.rowptr.pop_back();
  EXPECT_THROW(sparse_action({s}), std::invalid_argument);
  s = good();
  s.col[1] = 3;
  EXPECT_THROW(sparse_action({s}), std::invalid_argument);
  s = good();
  s.val.pop_back();
  EXPECT_THROW(sparse_action({s}), std::invalid_argument);
  s = good();
  s.rowptr = {0, 2, 1, 3};
  EXPECT_THROW(sparse_action({s}), std::invalid_argument);
  EXPECT_THROW(sparse_action({good(), permutation_rows({1, 0})}), std::invalid_argument);
  EXPECT_NO_THROW(sparse_action({good(), good()}));
}

void expect_orbit_solution(const PermutationCase& c, const Solution& s) {
  ASSERT_EQ(s.ierr, 0);
  EXPECT_EQ(s.k, c.orbits);
  EXPECT_GT(s.rep.gap, 1e-2);
  EXPECT_LE(global_max(s.rep.max_residual), 1e-9);
  EXPECT_LE(global_max(orthonormality_error(c.m, s.k, s.V)), 1e-12);
  EXPECT_LE(global_max(projector_distance(c.m, s.V, s.k, orbit_basis(c), c.orbits)), 1e-9);
}

TEST(InvariantEpsMPI, PermutationGroupWithManyOrbits) {  // k ≥ 100: rounds, then the dense completion
  const PermutationCase c = block_orbits(100, 4, 16, 5);
  ASSERT_GE(c.orbits, 100);
  const Solution s = solve(PETSC_COMM_SELF, *c.action);
  expect_orbit_solution(c, s);
  EXPECT_GE(s.rep.rounds, 2);
  EXPECT_TRUE(s.rep.dense_completion);
  EXPECT_LT(s.rep.matvecs, 20 * c.m);
}

TEST(InvariantEpsMPI, PermutationGroupDeflatedRounds) {  // SLEPc only: 16 null, then 32 more and a certificate
  const PermutationCase c = block_orbits(40, 8, 24, 6);
  ASSERT_GE(c.orbits, 40);
  ASSERT_LT(c.orbits, 48);
  NullSpaceEpsOptions o;
  o.dense_completion = false;
  const Solution s = solve(PETSC_COMM_SELF, *c.action, o);
  expect_orbit_solution(c, s);
  EXPECT_EQ(s.rep.rounds, 2);
  EXPECT_FALSE(s.rep.dense_completion);
  EXPECT_GE(s.rep.matvecs, 20 * s.rep.block_calls);  // C reached as blocks (MatProduct), not vector by vector
}

TEST(InvariantEpsMPI, LongCycleHasOneInvariantAndASmallGap) {
  const int m = 400;
  std::vector<int> p(m);
  for (int i = 0; i < m; ++i) p[i] = (i + 1) % m;
  auto a = sparse_action({permutation_rows(p)});
  const double gap = 2.0 * (1.0 - std::cos(2.0 * M_PI / m));  // ≈ 2.5e-4
  const std::vector<double> ones(m, 1.0 / std::sqrt(double(m)));
  NullSpaceEpsOptions o;
  o.dense_completion = false;
  o.max_it = 1000;
  const Solution s = solve(PETSC_COMM_SELF, *a, o);
  ASSERT_EQ(s.ierr, 0);
  EXPECT_EQ(s.k, 1);
  EXPECT_EQ(s.rep.rounds, 1);
  EXPECT_NEAR(s.rep.gap, gap, 1e-3 * gap);  // the certificate converged to 1e-2 relative residual
  EXPECT_LE(global_max(projector_distance(m, s.V, s.k, ones, 1)), 1e-7);  // ≈ residual / gap
  const Solution d = solve(PETSC_COMM_SELF, *a);  // default: too slow for LOBPCG → dense completion
  ASSERT_EQ(d.ierr, 0);
  EXPECT_EQ(d.k, 1);
  EXPECT_TRUE(d.rep.dense_completion);
  EXPECT_NEAR(d.rep.gap, gap, 1e-10);
  EXPECT_LE(global_max(projector_distance(m, d.V, d.k, ones, 1)), 1e-12);
  o.max_it = 20;  // no dense completion and too few iterations: a clear error
  PetscPushErrorHandler(PetscReturnErrorHandler, nullptr);
  const Solution e = solve(PETSC_COMM_SELF, *a, o);
  PetscPopErrorHandler();
  EXPECT_EQ(e.ierr, PETSC_ERR_NOT_CONVERGED);
}

// D_j = U blockdiag(I_k, R_j) Uᵀ, R_j = W_j (rotations by angles in [0.5, 3]) W_jᵀ has no
// fixed vector, so ker C = span U_k exactly and the gap is at least r·(2 − 2 cos 0.5).
struct Planted {
  int m, k;
  std::vector<double> U;
  std::unique_ptr<DenseAction> action;
};
Planted planted(int m, int k, int r, std::uint64_t seed) {
  Planted p{m, k, random_orthogonal(m, seed), nullptr};
  const int n = m - k;
  std::vector<std::vector<double>> gens;
  for (int j = 0; j < r; ++j) {
    const std::vector<double> W = random_orthogonal(n, seed + 100 + j);
    std::vector<double> B(static_cast<std::size_t>(m) * m, 0.0), WR(static_cast<std::size_t>(n) * n), T(B.size());
    std::vector<double> rot(static_cast<std::size_t>(n) * n, 0.0), D(B.size());
    for (int i = 0; i < n; i += 2) {
      const double t = 0.5 + 2.5 * rng_uniform(seed, 200 + j, i);
      rot[i * n + i] = rot[(i + 1) * n + i + 1] = std::cos(t);
      rot[i * n + i + 1] = std::sin(t), rot[(i + 1) * n + i] = -std::sin(t);
    }
    dgemm(false, false, n, n, n, 1.0, W.data(), n, rot.data(), n, 0.0, WR.data(), n);
    for (int i = 0; i < k; ++i) B[i * m + i] = 1.0;
    dgemm(false, true, n, n, n, 1.0, WR.data(), n, W.data(), n, 0.0, B.data() + k * m + k, m);
    dgemm(false, false, m, m, m, 1.0, p.U.data(), m, B.data(), m, 0.0, T.data(), m);
    dgemm(false, true, m, m, m, 1.0, T.data(), m, p.U.data(), m, 0.0, D.data(), m);
    gens.push_back(std::move(D));
  }
  p.action = std::make_unique<DenseAction>(m, std::move(gens));
  return p;
}

TEST(InvariantEpsMPI, PlantedDenseActionMatchesDensePath) {
  const Planted p = planted(240, 12, 2, 31);  // m − k even: rotation blocks only
  const std::vector<double> Uk(p.U.begin(), p.U.begin() + static_cast<std::size_t>(p.m) * p.k);
  NullSpaceEpsOptions iterative;
  iterative.dense_completion = false;
  const Solution s = solve(PETSC_COMM_SELF, *p.action, iterative);
  ASSERT_EQ(s.ierr, 0);
  EXPECT_EQ(s.k, p.k);
  EXPECT_EQ(s.rep.rounds, 1);
  EXPECT_GE(s.rep.gap, 2 * (2 - 2 * std::cos(0.5)) - 1e-8);
  EXPECT_LE(global_max(projector_distance(p.m, s.V, s.k, Uk, p.k)), 1e-10);
  // Dense path: C formed from dense_transpose, symmetric_eigen, eigenvalues below the threshold.
  const int m = p.m, r = p.action->ngenerators();
  std::vector<double> C(static_cast<std::size_t>(m) * m, 0.0), w;
  for (int i = 0; i < m; ++i) C[i * m + i] = 2.0 * r;
  for (int j = 0; j < r; ++j) {
    const std::vector<double> Dt = p.action->dense_transpose(j);
    for (int c = 0; c < m; ++c)
      for (int i = 0; i < m; ++i) C[c * m + i] -= Dt[c * m + i] + Dt[i * m + c];
  }
  symmetric_eigen(m, C, w);
  int kd = 0;
  while (kd < m && w[kd] < NullSpaceEpsOptions{}.null_tol * r) ++kd;
  EXPECT_EQ(kd, p.k);
  EXPECT_LE(global_max(projector_distance(m, s.V, s.k, C, kd)), 1e-10);
  EXPECT_NEAR(s.rep.gap, w[kd], 1e-6 * w[kd]);
}

TEST(InvariantEpsMPI, DistributedShellMatchesSerial) {  // C on PETSC_COMM_WORLD: rows split over the ranks
  const Planted p = planted(180, 6, 3, 41);
  NullSpaceEpsOptions o;
  o.dense_completion = false;
  const Solution dist = solve(PETSC_COMM_WORLD, *p.action, o), self = solve(PETSC_COMM_SELF, *p.action, o);
  ASSERT_EQ(dist.ierr, 0);
  ASSERT_EQ(self.ierr, 0);
  EXPECT_EQ(dist.k, 6);
  EXPECT_EQ(self.k, 6);
  EXPECT_LE(global_max(projector_distance(p.m, dist.V, dist.k, self.V, self.k)), 1e-10);
  const std::vector<double> Uk(p.U.begin(), p.U.begin() + static_cast<std::size_t>(p.m) * p.k);
  EXPECT_LE(global_max(projector_distance(p.m, dist.V, dist.k, Uk, p.k)), 1e-10);
  o.initial_nev = 64;  // 180 < 5 blocks: the dense completion, on every rank of the communicator
  const Solution dense = solve(PETSC_COMM_WORLD, *p.action, o);
  ASSERT_EQ(dense.ierr, 0);
  EXPECT_TRUE(dense.rep.dense_completion);
  EXPECT_EQ(dense.k, 6);
  EXPECT_LE(global_max(projector_distance(p.m, dense.V, dense.k, Uk, p.k)), 1e-12);
}

}  // namespace
}  // namespace specavg
