#include "specavg/group/ring_invariants.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <stdexcept>

#include "specavg/group/monomial_invariants.hpp"
#include "specavg/group/orbit_sums.hpp"
#include "specavg/util/counter_rng.hpp"

namespace specavg {
namespace {

constexpr std::uint64_t kResidualSeed = 0x7115;

double binomial(int n, int k) {
  if (k < 0 || k > n) return 0.0;
  return std::exp(std::lgamma(n + 1.0) - std::lgamma(k + 1.0) - std::lgamma(n - k + 1.0));
}

}  // namespace

bool ring_route_applies(const Manifold& M, const std::vector<Isometry>& gens) {
  if (torus_orbit_route_applies(M, gens)) return true;
  return M.supports_monomial_route() && !gens.empty() && all_signed_permutations(gens);
}

void ring_space_values(const SpaceInvariants& s, const OrbitTypes& T, const double* V, const double* r2,
                       std::size_t nb, double* out, std::size_t ld) {
  const std::size_t nt = s.ring_terms.size();
  for (int j = 0; j < s.k; ++j) std::fill_n(out + std::size_t(j) * ld, nb, 0.0);
  std::vector<double> f(nb);
  for (std::size_t t = 0; t < nt; ++t) {
    const int type = s.ring_terms[t], half = (s.label - T.degree(type)) / 2;
    const double* v = V + std::size_t(type) * nb;
    for (std::size_t i = 0; i < nb; ++i) {
      double p = v[i];
      for (int h = 0; h < half; ++h) p *= r2[i];
      f[i] = p;
    }
    for (int j = 0; j < s.k; ++j) {
      const double c = s.ring_coef[std::size_t(j) * nt + t];
      double* o = out + std::size_t(j) * ld;
      for (std::size_t i = 0; i < nb; ++i) o[i] += c * f[i];
    }
  }
}

std::vector<SpaceInvariants> invariant_spaces_ring(const Manifold& M, const std::vector<Eigenspace>& spaces,
                                                   const std::vector<Isometry>& gens,
                                                   std::shared_ptr<const OrbitTypes>* types) {
  if (!ring_route_applies(M, gens))
    throw std::invalid_argument("-basis_method ring needs a sphere manifold (s2 or sphere) and a group whose "
                                "generators are all signed permutations (e.g. Sym, Alt, Hyperoct, Signs); " +
                                M.describe() + " with these generators does not qualify: use auto, dense or slepc");
  int kmax = 0;
  for (const Eigenspace& e : spaces) kmax = std::max(kmax, e.label);
  const auto t0 = std::chrono::steady_clock::now();
  auto T = std::make_shared<const OrbitTypes>(M.dim(), kmax, gens);
  const double t_types = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::vector<SpaceInvariants> out;
  for (const Eigenspace& e : spaces) {
    const auto ts = std::chrono::steady_clock::now();
    RingSpace rs = ring_space(*T, e.label);
    SpaceInvariants s;
    s.label = e.label;
    s.lambda = e.lambda;
    s.m = int(e.m);
    s.k = rs.count;
    s.method = "ring";
    s.ring_terms = std::move(rs.terms);
    s.ring_coef = std::move(rs.coef);
    s.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - ts).count();
    out.push_back(std::move(s));
  }
  if (!out.empty()) out.front().seconds += t_types;
  // Residual: the functions at fixed points and at their images under each generator.
  const int d = M.dim();
  const std::size_t ns = 64;
  std::vector<double> x(ns * d), gx(ns * d), r2(ns, 1.0), V(ns * T->size()), Vg(V.size());
  for (std::size_t i = 0; i < ns; ++i) M.sample_uniform(kResidualSeed, i, &x[i * d]);
  for (std::size_t i = 0; i < ns; ++i) {
    r2[i] = 0.0;
    for (int c = 0; c < d; ++c) r2[i] += x[i * d + c] * x[i * d + c];
  }
  const OrbitSumEvaluator ev(T);
  ev.evaluate(x.data(), ns, V.data(), ns);
  for (const Isometry& g : gens) {
    for (std::size_t i = 0; i < ns; ++i) isometry_apply(g, &x[i * d], &gx[i * d]);
    ev.evaluate(gx.data(), ns, Vg.data(), ns);
    for (SpaceInvariants& s : out) {
      if (s.k == 0) continue;
      std::vector<double> a(ns * s.k), b(ns * s.k);
      ring_space_values(s, *T, V.data(), r2.data(), ns, a.data(), ns);
      ring_space_values(s, *T, Vg.data(), r2.data(), ns, b.data(), ns);
      for (std::size_t i = 0; i < a.size(); ++i) s.residual = std::max(s.residual, std::fabs(a[i] - b[i]));
    }
  }
  *types = std::move(T);
  return out;
}

double ring_route_cost(const Manifold& M, const std::vector<Eigenspace>& spaces, const std::vector<Isometry>& gens) {
  if (M.supports_mode_orbit_route()) return torus_ring_route_cost(M, spaces, gens);
  const int d = M.dim();
  const double r = double(gens.size());
  const OrbitKind kind = detect_orbit_kind(d, gens);
  double cost = 0.0;
  for (const Eigenspace& e : spaces) {
    const int k = e.label;
    if (kind != OrbitKind::Orbits) {
      const double p = std::exp(M_PI * std::sqrt(2.0 * k / 3.0)) / (4.0 * k * std::sqrt(3.0) + 1.0) + 1.0;
      cost += 200.0 * p * p * p + 1e4;  // partitions: Gram and pivoted Cholesky in the orbit types
    } else {
      const double n = binomial(k + d - 1, d - 1);  // monomials of degree k: closure and moments
      cost += 20.0 * d * (r + 1.0) * n + 2.0 * n * n;
    }
  }
  return cost;
}

}  // namespace specavg
