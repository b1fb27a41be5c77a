// The invariant-ring route (group/ring_invariants.hpp): orbit-type counts against Molien
// series computed here independently (cycle index sums for Sym, Alt, Hyperoct, Signs; the
// enumerated group for small generator-given subgroups), the invariant harmonics against
// the dense and monomial routes, direct features against the eigenbasis path, and exact
// invariance of predictions.
#include <gtest/gtest.h>

#include <cmath>
#include <functional>
#include <map>
#include <set>

#include "specavg/basis/manifold.hpp"
#include "specavg/estimate/invariant_features.hpp"
#include "specavg/estimate/model.hpp"
#include "specavg/group/coordinate_groups.hpp"
#include "specavg/group/invariant_basis.hpp"
#include "specavg/group/monomial_invariants.hpp"
#include "specavg/group/ring_invariants.hpp"
#include "specavg/util/counter_rng.hpp"
#include "specavg/util/dense_linalg.hpp"

#include "invariance_checks.hpp"

namespace specavg {
namespace {

constexpr int kDeg = 12;  // Molien series up to t^12
using Series = std::vector<long double>;

// Power series of Π_i 1 / (1 − s_i t^{l_i}) up to t^kDeg.
Series cycle_product(const std::vector<std::pair<int, int>>& cycles) {
  Series s(kDeg + 1, 0.0L);
  s[0] = 1.0L;
  for (const auto& [len, sign] : cycles)
    for (int n = len; n <= kDeg; ++n) s[n] += sign * s[n - len];  // multiply by 1/(1 − sign·t^len)
  return s;
}

// Σ over the partitions λ of d of w(λ)/z_λ · f(λ): the cycle-index sum over S_d.
Series cycle_index_sum(int d, const std::function<bool(const std::vector<int>&)>& keep,
                       const std::function<std::vector<std::pair<int, int>>(const std::vector<int>&)>& cycles,
                       long double scale) {
  Series out(kDeg + 1, 0.0L);
  std::vector<int> lam;
  std::function<void(int, int)> rec = [&](int left, int maxp) {
    if (left == 0) {
      if (!keep(lam)) return;
      long double z = 1.0L;  // z_λ = Π_j j^{m_j} m_j!
      std::map<int, int> mult;
      for (int p : lam) z *= p, ++mult[p];
      for (const auto& [p, mj] : mult)
        for (int i = 2; i <= mj; ++i) z *= i;
      const Series s = cycle_product(cycles(lam));
      for (int n = 0; n <= kDeg; ++n) out[n] += scale * s[n] / z;
      return;
    }
    for (int p = std::min(left, maxp); p >= 1; --p) lam.push_back(p), rec(left - p, p), lam.pop_back();
  };
  rec(d, d);
  return out;
}

std::vector<std::pair<int, int>> plain(const std::vector<int>& lam) {
  std::vector<std::pair<int, int>> c;
  for (int p : lam) c.push_back({p, 1});
  return c;
}

// Molien series (1/|G|) Σ_g 1/det(I − t g) of an enumerated group of signed permutations:
// each cycle of length l whose signs multiply to s contributes 1 − s t^l to the determinant.
Series molien_enumerated(int d, const std::vector<Isometry>& gens) {
  std::set<std::vector<double>> seen;
  std::vector<std::vector<double>> todo;
  const std::vector<double> id = isometry_identity(d).P;
  seen.insert(id), todo.push_back(id);
  Series out(kDeg + 1, 0.0L);
  for (std::size_t q = 0; q < todo.size(); ++q) {
    const std::vector<double> P = todo[q];
    for (const Isometry& g : gens) {
      std::vector<double> R(std::size_t(d) * d, 0.0);
      for (int i = 0; i < d; ++i)
        for (int j = 0; j < d; ++j)
          for (int l = 0; l < d; ++l) R[std::size_t(i) * d + j] += g.P[std::size_t(i) * d + l] * P[std::size_t(l) * d + j];
      if (seen.insert(R).second) todo.push_back(R);
    }
  }
  for (const std::vector<double>& P : todo) {
    std::vector<int> src(d), sg(d), done(d, 0);
    for (int i = 0; i < d; ++i)
      for (int j = 0; j < d; ++j)
        if (P[std::size_t(i) * d + j] != 0) src[i] = j, sg[i] = P[std::size_t(i) * d + j] > 0 ? 1 : -1;
    std::vector<std::pair<int, int>> cycles;
    for (int i = 0; i < d; ++i) {
      if (done[i]) continue;
      int len = 0, s = 1;
      for (int j = i; !done[j]; j = src[j]) done[j] = 1, ++len, s *= sg[j];
      cycles.push_back({len, s});
    }
    const Series c = cycle_product(cycles);
    for (int n = 0; n <= kDeg; ++n) out[n] += c[n] / (long double)todo.size();
  }
  return out;
}

// x_i → x_{i+1}, x_{d−1} → −x_0 (a signed d-cycle; |G| = 2d).
std::vector<Isometry> signed_cycle(int d) {
  Isometry g = isometry_identity(d);
  std::fill(g.P.begin(), g.P.end(), 0.0);
  for (int i = 0; i < d; ++i) g.P[std::size_t(i) * d + (i + 1) % d] = i == d - 1 ? -1.0 : 1.0;
  return {g};
}

// The groups of the tests: name → generators, and the Molien series.
struct GroupCase {
  std::string name;
  std::vector<Isometry> gens;
  Series molien;
};

std::vector<GroupCase> group_cases(int d) {
  std::vector<GroupCase> out;
  auto all = [](const std::vector<int>&) { return true; };
  out.push_back({"Sym", generators_for_spec("Sym", d), cycle_index_sum(d, all, plain, 1.0L)});
  auto even = [d](const std::vector<int>& lam) { return (d - int(lam.size())) % 2 == 0; };
  out.push_back({"Alt", generators_for_spec("Alt", d), cycle_index_sum(d, even, plain, 2.0L)});
  // B_d: the signs of a cycle average 1/(1 − t^l) and 1/(1 + t^l) to 1/(1 − t^{2l}).
  auto doubled = [](const std::vector<int>& lam) {
    std::vector<std::pair<int, int>> c;
    for (int p : lam) c.push_back({2 * p, 1});
    return c;
  };
  out.push_back({"Hyperoct", generators_for_spec("Hyperoct", d), cycle_index_sum(d, all, doubled, 1.0L)});
  out.push_back({"Signs", generators_for_spec("Signs", d), cycle_product(std::vector<std::pair<int, int>>(d, {2, 1}))});
  const std::vector<Isometry> sc = signed_cycle(d);
  out.push_back({"signed cycle (file)", sc, molien_enumerated(d, sc)});
  std::vector<Isometry> dih = generators_for_spec("Dih", d);
  dih.push_back(generators_for_spec("Signs", d)[0]);
  out.push_back({"Dih + flip (file)", dih, molien_enumerated(d, dih)});
  return out;
}

TEST(RingInvariants, OrbitTypeCountsAreMolienCoefficients) {
  for (int d = 3; d <= 8; ++d)
    for (const GroupCase& g : group_cases(d)) {
      const OrbitTypes T(d, kDeg, g.gens);
      for (int k = 0; k <= kDeg; ++k) {
        EXPECT_EQ(T.count(k), std::llround(double(g.molien[k]))) << g.name << " d " << d << " k " << k;
        EXPECT_NEAR(double(g.molien[k]), std::round(double(g.molien[k])), 1e-9);  // the sum is an integer
      }
      // Partitions for Sym and Hyperoct; closure on exponent vectors for the others (Alt has
      // no transposition among its generators, Signs no transitive permutation part).
      if (g.name == "Sym" || g.name == "Hyperoct")
        EXPECT_STREQ(orbit_kind_name(T.kind()), g.name == "Sym" ? "sym" : "hyperoct");
      else if (g.name == "Alt" || g.name == "Signs")
        EXPECT_STREQ(orbit_kind_name(T.kind()), "orbits") << g.name;
    }
}

TEST(RingInvariants, HarmonicCountsAreMolienDifferences) {
  for (int d : {3, 5, 8})
    for (const GroupCase& g : group_cases(d)) {
      const OrbitTypes T(d, d == 8 ? 8 : kDeg, g.gens);
      for (int k = 0; k <= T.kmax(); ++k) {
        const long long expect = std::llround(double(g.molien[k] - (k >= 2 ? g.molien[k - 2] : 0.0L)));
        EXPECT_EQ(ring_space(T, k).count, expect) << g.name << " d " << d << " k " << k;
      }
    }
}

// Coefficients C (m × k) of the ring functions in the eigenbasis, fitted at 2m + 32 points;
// *fit = the largest residual of the fit (0 up to rounding when they lie in the eigenspace).
std::vector<double> fit_in_eigenbasis(const Manifold& M, const OrbitTypes& T, const SpaceInvariants& s, double* fit) {
  const int d = M.dim(), m = s.m, k = s.k;
  const std::size_t n = 2 * std::size_t(m) + 32;
  std::vector<double> x(n * d), r2(n, 1.0), V(n * T.size()), F(n * k), Phi(n * m);
  for (std::size_t i = 0; i < n; ++i) M.sample_uniform(91, i, &x[i * d]);
  for (std::size_t i = 0; i < n; ++i) {
    r2[i] = 0;
    for (int c = 0; c < d; ++c) r2[i] += x[i * d + c] * x[i * d + c];
  }
  const auto basis = M.eigenbasis({M.eigenspace_of(s.label)});
  basis->evaluate_space(0, x.data(), n, Phi.data(), n);
  OrbitSumEvaluator(std::shared_ptr<const OrbitTypes>(&T, [](const OrbitTypes*) {})).evaluate(x.data(), n, V.data(), n);
  ring_space_values(s, T, V.data(), r2.data(), n, F.data(), n);
  std::vector<double> B(F);
  LeastSquares(int(n), m, Phi).solve(k, B.data());
  std::vector<double> C(std::size_t(m) * k), R(F);
  for (int j = 0; j < k; ++j) std::copy_n(B.data() + std::size_t(j) * n, m, C.data() + std::size_t(j) * m);
  dgemm(false, false, int(n), k, m, -1.0, Phi.data(), int(n), C.data(), m, 1.0, R.data(), int(n));
  *fit = 0;
  for (double v : R) *fit = std::max(*fit, std::fabs(v));
  return C;
}

double projector_distance(int m, int k, const std::vector<double>& A, const std::vector<double>& B) {
  std::vector<double> Pa(std::size_t(m) * m), Pb(Pa.size());
  dgemm(false, true, m, m, k, 1.0, A.data(), m, A.data(), m, 0.0, Pa.data(), m);
  dgemm(false, true, m, m, k, 1.0, B.data(), m, B.data(), m, 0.0, Pb.data(), m);
  double d = 0;
  for (std::size_t i = 0; i < Pa.size(); ++i) d = std::max(d, std::fabs(Pa[i] - Pb[i]));
  return d;
}

TEST(RingInvariants, EqualsDenseAndMonomialRoutes) {
  const int top[] = {0, 0, 0, 10, 8, 6, 5, 4, 4};  // degrees per d with m ≤ 300
  for (int d = 3; d <= 8; ++d) {
    const ManifoldPtr M = make_manifold("sphere", d);
    for (const GroupCase& g : group_cases(d)) {
      std::vector<Eigenspace> spaces;
      for (int k = 0; k <= top[d]; ++k) spaces.push_back(M->eigenspace_of(k));
      std::shared_ptr<const OrbitTypes> T;
      const std::vector<SpaceInvariants> ring = invariant_spaces_ring(*M, spaces, g.gens, &T);
      for (const SpaceInvariants& s : ring) {
        const std::string where = g.name + " d " + std::to_string(d) + " k " + std::to_string(s.label);
        const SpaceInvariants dense = invariant_space_dense(*M, M->eigenspace_of(s.label), g.gens);
        const SpaceInvariants mono = invariant_space_monomial(*M, M->eigenspace_of(s.label), g.gens);
        ASSERT_EQ(s.k, dense.k) << where;
        ASSERT_EQ(s.k, mono.k) << where;
        EXPECT_LT(s.residual, 1e-12) << where;
        if (s.k == 0) continue;
        double fit = 0;
        const std::vector<double> C = fit_in_eigenbasis(*M, *T, s, &fit);
        EXPECT_LT(fit, 1e-11) << where << ": not in the eigenspace";
        std::vector<double> G(std::size_t(s.k) * s.k);  // orthonormal: CᵀC = I
        dgemm(true, false, s.k, s.k, s.m, 1.0, C.data(), s.m, C.data(), s.m, 0.0, G.data(), s.k);
        for (int i = 0; i < s.k; ++i)
          for (int j = 0; j < s.k; ++j) EXPECT_NEAR(G[std::size_t(j) * s.k + i], i == j, 1e-10) << where;
        EXPECT_LT(projector_distance(s.m, s.k, C, dense.Q), 1e-10) << where << " vs dense";
        EXPECT_LT(projector_distance(s.m, s.k, C, mono.Q), 1e-10) << where << " vs monomial";
      }
    }
  }
}

// A ring basis and the same functions through the eigenbasis (Q = fitted coefficients).
void two_bases(const Manifold& M, int lmax, const std::vector<Isometry>& gens, InvariantBasis* ring,
               InvariantBasis* eig) {
  std::vector<Eigenspace> spaces;
  for (int k = 0; k <= lmax; ++k) spaces.push_back(M.eigenspace_of(k));
  ring->manifold = eig->manifold = M.shared_from_this();
  ring->cutoff = eig->cutoff = "lmax " + std::to_string(lmax);
  ring->spaces = invariant_spaces_ring(M, spaces, gens, &ring->ring);
  eig->spaces = ring->spaces;
  for (SpaceInvariants& s : eig->spaces) {
    s.method = "dense";
    if (s.k == 0) continue;
    double fit = 0;
    s.Q = fit_in_eigenbasis(M, *ring->ring, s, &fit);
    s.ring_terms.clear(), s.ring_coef.clear();
  }
}

TEST(RingInvariants, DirectFeaturesEqualEigenbasisFeatures) {
  struct Case {
    int d, lmax;
    const char* group;
  };
  for (const Case& c : {Case{6, 6, "Sym"}, Case{5, 6, "Hyperoct"}, Case{4, 7, "Alt"}, Case{5, 6, "Signs"}}) {
    const ManifoldPtr M = make_manifold("sphere", c.d);
    InvariantBasis ring, eig;
    two_bases(*M, c.lmax, generators_for_spec(c.group, c.d), &ring, &eig);
    ASSERT_GE(ring.dinv(), 3);
    const std::size_t nb = 300;
    std::vector<double> x(nb * c.d), a(nb * ring.dinv()), b(a.size());
    for (std::size_t i = 0; i < nb; ++i) M->sample_uniform(5, i, &x[i * c.d]);
    InvariantFeatures fr(ring), fe(eig);
    EXPECT_LT(fr.values_per_point(), fe.values_per_point());
    fr.evaluate(x.data(), nb, a.data());
    fe.evaluate(x.data(), nb, b.data());
    double diff = 0;
    for (std::size_t i = 0; i < a.size(); ++i) diff = std::max(diff, std::fabs(a[i] - b[i]));
    EXPECT_LT(diff, 1e-12) << c.group << " d " << c.d;
  }
}

TEST(RingInvariants, PredictionsExactlyInvariantUnderRandomWords) {
  for (const char* group : {"Sym", "Hyperoct", "Alt"}) {
    const int d = std::string(group) == "Alt" ? 7 : 12;
    const ManifoldPtr M = make_manifold("sphere", d);
    Model model;
    model.generators = generators_for_spec(group, d);
    std::vector<Eigenspace> spaces;
    for (int k = 0; k <= 8; ++k) spaces.push_back(M->eigenspace_of(k));
    model.basis.manifold = M;
    model.basis.spaces = invariant_spaces_ring(*M, spaces, model.generators, &model.basis.ring);
    const int D = model.basis.dinv();
    model.coef.resize(std::size_t(D));
    for (int i = 0; i < D; ++i) model.coef[i] = rng_normal(17, 0, std::uint64_t(i));
    const test::WordInvariance r = test::predictions_under_random_words(model, *M, isometry_apply);
    EXPECT_GT(r.fmax, 1e-3);
    EXPECT_LT(r.worst, 1e-12 * r.fmax) << group;
  }
}

TEST(RingInvariants, LargeSymmetricGroupsStayInTheSmallSpace) {
  // S^19 under Sym(20) (|G| = 20!): degree 8 has m = 2 042 975 and p(8) − p(6) = 11 invariant
  // harmonics, computed without any object of size m. Degree 2 has one, known in closed
  // form: with p_1 = Σ x_i, E[p_1²] = 1 and E[p_1⁴] = 3d/(d+2) on S^{d−1}, so
  // h = ±(p_1² − |x|²) · sqrt((d+2)/(2d−2)).
  const int d = 20;
  const ManifoldPtr M = make_manifold("sphere", d);
  std::shared_ptr<const OrbitTypes> T;
  const std::vector<Eigenspace> spaces{M->eigenspace_of(2), M->eigenspace_of(8)};
  const std::vector<SpaceInvariants> s = invariant_spaces_ring(*M, spaces, generators_for_spec("Sym", d), &T);
  ASSERT_EQ(s[1].k, 22 - 11);
  EXPECT_EQ(s[1].m, 2042975);
  EXPECT_TRUE(s[1].Q.empty());
  EXPECT_LT(s[1].residual, 1e-12);
  ASSERT_EQ(s[0].k, 1);
  const std::size_t n = 100;
  std::vector<double> x(n * d), r2(n, 1.0), V(n * T->size()), F(n);
  for (std::size_t i = 0; i < n; ++i) M->sample_uniform(3, i, &x[i * d]);
  OrbitSumEvaluator(T).evaluate(x.data(), n, V.data(), n);
  ring_space_values(s[0], *T, V.data(), r2.data(), n, F.data(), n);
  for (std::size_t i = 0; i < n; ++i) {
    double p1 = 0;
    for (int c = 0; c < d; ++c) p1 += x[i * d + c];
    EXPECT_NEAR(std::fabs(F[i]), std::fabs((p1 * p1 - 1.0) * std::sqrt((d + 2.0) / (2.0 * d - 2.0))), 1e-13);
  }
}

}  // namespace
}  // namespace specavg
