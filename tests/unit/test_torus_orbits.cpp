// The invariant-ring route on the torus (group/torus_orbits.hpp): projectors and counts
// against the dense eigenspace route for d = 2..5 under Sym, Cyc, Dih, Signs, Hyperoct and
// generator sets with half- and quarter-period shifts; direct features against Qᵀ φ(x)
// from the full shell; exact invariance of predictions under random group words.
#include <gtest/gtest.h>

#include <cmath>
#include <map>

#include "specavg/basis/manifold.hpp"
#include "specavg/basis/torus_fourier.hpp"
#include "specavg/estimate/model.hpp"
#include "specavg/group/coordinate_groups.hpp"
#include "specavg/group/invariant_basis.hpp"
#include "specavg/group/ring_invariants.hpp"
#include "specavg/group/torus_orbits.hpp"
#include "specavg/util/counter_rng.hpp"

#include "invariance_checks.hpp"

namespace specavg {
namespace {

// x → P x + t with (P x)_i = sign_i x_{perm_i}.
Isometry shifted(const std::vector<int>& perm, const std::vector<int>& sign, const std::vector<double>& t) {
  const int d = int(perm.size());
  Isometry g;
  g.dim = d;
  g.P.assign(std::size_t(d) * d, 0.0);
  for (int i = 0; i < d; ++i) g.P[std::size_t(i) * d + perm[i]] = sign[i];
  g.t = t;
  return g;
}

// Generator sets with shifts (names for messages).
std::vector<std::pair<std::string, std::vector<Isometry>>> shifted_sets(int d) {
  std::vector<int> cyc(d), id(d), rev(d);
  for (int i = 0; i < d; ++i) cyc[i] = (i + 1) % d, id[i] = i, rev[i] = d - 1 - i;
  std::vector<int> plus(d, 1), flip0(d, 1);
  flip0[0] = -1;
  std::vector<double> half0(d, 0.0), half_all(d, 1.0), quarter0(d, 0.0), mixed(d, 0.0);
  half0[0] = 1.0;
  quarter0[0] = 0.5;
  mixed[d - 1] = 1.0;
  return {
      // the cyclic shift composed with a half period on x_0, and x → x + (1, …, 1)
      {"cyc+half", {shifted(cyc, plus, half0), shifted(id, plus, half_all)}},
      // a reflection of x_0 about 1/2 (x_0 → 1 − x_0) and the reversal shifted in x_{d−1}
      {"flip+half", {shifted(id, flip0, half0), shifted(rev, plus, mixed)}},
      // a quarter period on x_0 (cos ↔ sin) and the reversal
      {"quarter", {shifted(id, plus, quarter0), shifted(rev, plus, std::vector<double>(d, 0.0))}},
  };
}

// Sym or Hyperoct with the translation by (1, …, 1) (letter kinds, even orbits only).
std::vector<Isometry> with_half_translation(const std::string& group, int d) {
  std::vector<Isometry> g = generators_for_spec(group, d);
  std::vector<int> id(d);
  for (int i = 0; i < d; ++i) id[i] = i;
  g.push_back(shifted(id, std::vector<int>(d, 1), std::vector<double>(d, 1.0)));
  return g;
}

std::string key(const TorusMode& m) {
  std::string k;
  for (int v : m.kappa) k += std::to_string(v) + ",";
  return k + "|" + std::to_string(m.sine_mask);
}

// Q (m × k, column-major) of the orbit features of shell n in the shell's mode order.
std::vector<double> orbit_q(const TorusOrbits& O, const std::vector<int>& orbits, const TorusShell& shell) {
  std::map<std::string, int> index;
  for (std::size_t a = 0; a < shell.size(); ++a) index[key(shell.modes()[a])] = int(a);
  const std::size_t m = shell.size();
  std::vector<double> Q(m * orbits.size(), 0.0);
  for (std::size_t j = 0; j < orbits.size(); ++j)
    for (const auto& [mode, c] : O.expand(orbits[j])) {
      const auto it = index.find(key(mode));
      EXPECT_NE(it, index.end());
      if (it != index.end()) Q[j * m + std::size_t(it->second)] += c;
    }
  return Q;
}

// max |Q1 Q1ᵀ − Q2 Q2ᵀ|.
double projector_gap(const std::vector<double>& Q1, int k1, const std::vector<double>& Q2, int k2, std::size_t m) {
  double gap = 0;
  for (std::size_t a = 0; a < m; ++a)
    for (std::size_t b = 0; b < m; ++b) {
      double p = 0, q = 0;
      for (int j = 0; j < k1; ++j) p += Q1[j * m + a] * Q1[j * m + b];
      for (int j = 0; j < k2; ++j) q += Q2[j * m + a] * Q2[j * m + b];
      gap = std::max(gap, std::fabs(p - q));
    }
  return gap;
}

std::vector<Eigenspace> shells_upto(const Manifold& M, int nmax) {
  std::vector<Eigenspace> s;
  for (int n = 0; n <= nmax; ++n)
    if (M.eigenspace_of(n).m > 0) s.push_back(M.eigenspace_of(n));
  return s;
}

int shell_max(int d) { return d == 2 ? 25 : d == 3 ? 12 : d == 4 ? 8 : 6; }

TEST(TorusOrbits, ProjectorsAndCountsEqualTheDenseRoute) {
  int checked = 0;
  for (int d = 2; d <= 5; ++d) {
    const ManifoldPtr M = make_manifold("torus", d);
    std::vector<std::pair<std::string, std::vector<Isometry>>> sets = shifted_sets(d);
    for (const char* g : {"Sym", "Cyc", "Dih", "Signs", "Hyperoct"}) sets.emplace_back(g, generators_for_spec(g, d));
    sets.emplace_back("Sym+half", with_half_translation("Sym", d));
    sets.emplace_back("Hyperoct+half", with_half_translation("Hyperoct", d));
    for (const auto& [name, gens] : sets) {
      if (gens.empty()) continue;
      ASSERT_TRUE(ring_route_applies(*M, gens)) << name;
      std::shared_ptr<const TorusOrbits> O;
      const std::vector<Eigenspace> spaces = shells_upto(*M, shell_max(d));
      const std::vector<SpaceInvariants> ring = invariant_spaces_torus(*M, spaces, gens, &O);
      for (std::size_t s = 0; s < spaces.size(); ++s) {
        const SpaceInvariants dense = invariant_space_dense(*M, spaces[s], gens);
        ASSERT_EQ(ring[s].k, dense.k) << name << " d " << d << " shell " << spaces[s].label;
        EXPECT_LT(ring[s].residual, 1e-12);
        const TorusShell shell(d, spaces[s].label);
        const std::vector<double> Q = orbit_q(*O, ring[s].ring_terms, shell);
        EXPECT_LE(projector_gap(Q, ring[s].k, dense.Q, dense.k, shell.size()), 1e-10)
            << name << " d " << d << " shell " << spaces[s].label;
        ++checked;
      }
    }
  }
  EXPECT_GT(checked, 400);
}

TEST(TorusOrbits, KindsAndClosedFormOrbits) {
  const TorusOrbits sym(6, generators_for_spec("Sym", 6)), hyp(6, generators_for_spec("Hyperoct", 6));
  EXPECT_EQ(sym.kind(), TorusOrbitKind::Sym);
  EXPECT_EQ(hyp.kind(), TorusOrbitKind::Hyperoct);
  EXPECT_EQ(TorusOrbits(6, shifted_sets(6)[0].second).kind(), TorusOrbitKind::Orbits);
  const TorusOrbits sym_half(6, with_half_translation("Sym", 6));
  EXPECT_EQ(sym_half.kind(), TorusOrbitKind::Sym);
  EXPECT_TRUE(sym_half.even_only());
  // T^8 under Hyperoct, shell 3: only (1,1,1,0,…) with cosines, an orbit of C(8,3) = 56 modes
  // of the 8·4·... shell; under Sym the 4 sine counts 0..3 give 4 orbits.
  TorusOrbits h(8, generators_for_spec("Hyperoct", 8)), s(8, generators_for_spec("Sym", 8));
  ASSERT_EQ(h.add_shell(3), 1);
  EXPECT_EQ(h.orbit(0).size, 56.0);
  EXPECT_EQ(s.add_shell(3), 4);
  EXPECT_EQ(s.orbit(0).size + s.orbit(1).size + s.orbit(2).size + s.orbit(3).size, 56.0 * 8);
  // Orbit sizes add up to the shell (every orbit is consistent under Sym).
  double total = 0;
  const int n = s.add_shell(9);
  for (int o = 4; o < 4 + n; ++o) total += s.orbit(o).size;
  EXPECT_EQ(total, double(torus_multiplicity(8, 9)));
  EXPECT_THROW(TorusOrbits(3, {shifted({1, 0, 2}, {1, 1, 1}, {0.3, 0, 0})}), std::invalid_argument);
  EXPECT_FALSE(ring_route_applies(*make_manifold("torus", 3), {shifted({1, 0, 2}, {1, 1, 1}, {0.25, 0, 0})}));
}

TEST(TorusOrbits, DirectFeaturesEqualTheEigenbasisPath) {
  for (int d : {3, 5}) {
    const ManifoldPtr M = make_manifold("torus", d);
    std::vector<std::pair<std::string, std::vector<Isometry>>> sets = shifted_sets(d);
    for (const char* g : {"Sym", "Hyperoct", "Dih"}) sets.emplace_back(g, generators_for_spec(g, d));
    sets.emplace_back("Hyperoct+half", with_half_translation("Hyperoct", d));
    for (const auto& [name, gens] : sets) {
      std::shared_ptr<const TorusOrbits> O;
      const std::vector<Eigenspace> spaces = shells_upto(*M, shell_max(d));
      const std::vector<SpaceInvariants> ring = invariant_spaces_torus(*M, spaces, gens, &O);
      const std::size_t np = 300;
      std::vector<double> x(np * d), psi(np * std::size_t(O->size()));
      for (std::size_t i = 0; i < np; ++i) M->sample_uniform(41, i, &x[i * d]);
      x[0] = 1.0;  // a boundary point
      TorusOrbitEvaluator(*O).evaluate(x.data(), np, psi.data(), np);
      double worst = 0;
      for (std::size_t s = 0; s < spaces.size(); ++s) {
        if (ring[s].k == 0) continue;
        const TorusShell shell(d, spaces[s].label);
        const std::size_t m = shell.size();
        const std::vector<double> Q = orbit_q(*O, ring[s].ring_terms, shell);
        std::vector<double> phi(np * m);
        shell.evaluate(x.data(), np, phi.data(), np);
        for (int j = 0; j < ring[s].k; ++j)
          for (std::size_t i = 0; i < np; ++i) {
            double v = 0;
            for (std::size_t a = 0; a < m; ++a) v += Q[j * m + a] * phi[a * np + i];
            worst = std::max(worst, std::fabs(v - psi[std::size_t(ring[s].ring_terms[j]) * np + i]));
          }
      }
      EXPECT_LE(worst, 1e-12) << name << " d " << d;
    }
  }
}

TEST(TorusOrbits, PredictionsExactlyInvariantUnderRandomWords) {
  for (int d : {4, 8}) {
    const ManifoldPtr M = make_manifold("torus", d);
    std::vector<std::pair<std::string, std::vector<Isometry>>> sets = shifted_sets(d);
    sets.emplace_back("Hyperoct", generators_for_spec("Hyperoct", d));
    sets.emplace_back("Sym", generators_for_spec("Sym", d));
    sets.emplace_back("Sym+half", with_half_translation("Sym", d));
    for (const auto& [name, gens] : sets) {
      Model model;
      model.generators = gens;
      model.basis.manifold = M;
      model.basis.spaces = invariant_spaces_torus(*M, shells_upto(*M, d == 4 ? 10 : 6), gens, &model.basis.torus_ring);
      const int D = model.basis.dinv();
      ASSERT_GT(D, 3);
      model.coef.resize(std::size_t(D));
      for (int i = 0; i < D; ++i) model.coef[i] = rng_normal(17, 0, std::uint64_t(i));
      // map_point wraps to [−1, 1) after each generator, shifts included.
      const test::WordInvariance r = test::predictions_under_random_words(
          model, *M, [&](const Isometry& g, const double* x, double* y) { M->map_point(g, x, y); });
      EXPECT_GT(r.fmax, 1e-3);
      EXPECT_LT(r.worst, 1e-12 * std::max(1.0, r.fmax)) << name << " d " << d;
    }
  }
}

}  // namespace
}  // namespace specavg
