// Benchmark of the invariant-ring route (group/ring_invariants.hpp) on one core.
//   specavg_bench_ring table LMAX D1 D2 ...   ring basis time on S^{d−1} under Sym(d) per d
//   specavg_bench_ring features D LMAX N      features per point: ring (orbit sums) against
//                                             the eigenbasis path (Q from the serial builder)
//   specavg_bench_ring torus D GROUP NMAX N   T^D under GROUP, shells |k|^2 <= NMAX: basis time
//                                             and features per point, mode orbits against the
//                                             eigenspace route (block-diagonal dense solves);
//                                             with a trailing "ring", the mode orbits only
// Prints one markdown table row per measurement.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "specavg/estimate/invariant_features.hpp"
#include "specavg/estimate/model.hpp"
#include "specavg/group/coordinate_groups.hpp"
#include "specavg/group/ring_invariants.hpp"
#include "specavg/util/dense_linalg.hpp"

using namespace specavg;

namespace {

double now() { return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count(); }

std::vector<Eigenspace> degrees(const Manifold& M, int lmax) {
  std::vector<Eigenspace> s;
  for (int k = 0; k <= lmax; ++k) s.push_back(M.eigenspace_of(k));
  return s;
}

int table(int lmax, const std::vector<int>& dims) {
  std::printf("| d | \\|G\\| = d! | D (harmonics, degree <= %d) | D_inv | orbit types | ring basis time |\n", lmax);
  std::printf("|---:|---:|---:|---:|---:|---:|\n");
  for (int d : dims) {
    const ManifoldPtr M = make_manifold("sphere", d);
    const std::vector<Eigenspace> spaces = degrees(*M, lmax);
    std::shared_ptr<const OrbitTypes> T;
    const double t0 = now();
    const std::vector<SpaceInvariants> s = invariant_spaces_ring(*M, spaces, generators_for_spec("Sym", d), &T);
    const double t = now() - t0;
    double D = 0;
    int Dinv = 0;
    for (const SpaceInvariants& x : s) D += x.m, Dinv += x.k;
    std::printf("| %d | %.3g | %.4g | %d | %d | %.3g ms |\n", d, std::exp(std::lgamma(d + 1.0)), D, Dinv, T->size(), 1e3 * t);
    std::fflush(stdout);
  }
  return 0;
}

double time_features(InvariantFeatures& f, const std::vector<double>& x, std::size_t n, int d, double* checksum) {
  const std::size_t nb = f.default_block_rows();
  std::vector<double> psi(nb * std::size_t(f.dinv()));
  double best = 1e300;
  for (int rep = 0; rep < 3; ++rep) {
    const double t0 = now();
    double s = 0;
    for (std::size_t i = 0; i < n; i += nb) {
      const std::size_t b = std::min(nb, n - i);
      f.evaluate(&x[i * d], b, psi.data());
      s += psi[0];
    }
    best = std::min(best, now() - t0);
    *checksum = s;
  }
  return best / double(n);
}

int features(int d, int lmax, std::size_t n) {
  const ManifoldPtr M = make_manifold("sphere", d);
  const std::vector<Isometry> gens = generators_for_spec("Sym", d);
  Cutoff c;
  c.lmax = lmax;
  double t0 = now();
  InvariantBasis ring;
  ring.manifold = M;
  ring.cutoff = c.describe();
  ring.spaces = invariant_spaces_ring(*M, degrees(*M, lmax), gens, &ring.ring);
  const double t_ring = now() - t0;
  t0 = now();
  const InvariantBasis eig = build_invariant_basis(*M, c, gens);  // dense / monomial route, Q of size m × k
  const double t_eig = now() - t0;
  std::vector<double> x(n * d);
  for (std::size_t i = 0; i < n; ++i) M->sample_uniform(77, i, &x[i * d]);
  InvariantFeatures fr(ring), fe(eig);
  double cr = 0, ce = 0;
  const double pr = time_features(fr, x, n, d, &cr), pe = time_features(fe, x, n, d, &ce);
  std::printf("| features per point, S^%d under Sym(%d), lmax %d, D_inv %d, one core (`specavg_bench_ring features`) | "
              "ring: %zu orbit sums, %.3g us/point (basis %.3f s); eigenbasis: %zu values, %.3g us/point (basis %.1f s); "
              "ring %.1fx faster |\n",
              d - 1, d, lmax, fr.dinv(), fr.values_per_point(), pr * 1e6, t_ring, fe.values_per_point(), pe * 1e6,
              t_eig, pe / pr);
  return 0;
}

int torus(int d, const std::string& group, int nmax, std::size_t n, bool ring_only) {
  const ManifoldPtr M = make_manifold("torus", d);
  const std::vector<Isometry> gens = generators_for_spec(group, d);
  Cutoff c;
  c.lambda_max = (nmax + 0.5) * M_PI * M_PI;
  double t0 = now();
  InvariantBasis ring;
  ring.manifold = M;
  ring.cutoff = c.describe();
  ring.spaces = invariant_spaces_torus(*M, eigenspaces_within(*M, c), gens, &ring.torus_ring);
  const double t_ring = now() - t0;
  std::vector<double> x(n * d);
  for (std::size_t i = 0; i < n; ++i) M->sample_uniform(77, i, &x[i * d]);
  InvariantFeatures fr(ring);
  double cr = 0, ce = 0;
  const double pr = time_features(fr, x, n, d, &cr);
  std::printf("| T^%d under %s, \\|k\\|^2 <= %d, D %.4g, D_inv %d, one core (`specavg_bench_ring torus %d %s %d %zu%s`) | "
              "mode orbits (%s): basis %.3g s, %.3g us/point",
              d, group.c_str(), nmax, double(ring.dtotal()), fr.dinv(), d, group.c_str(), nmax, n,
              ring_only ? " ring" : "", torus_orbit_kind_name(ring.torus_ring->kind()), t_ring, pr * 1e6);
  if (ring_only) {
    std::printf("; eigenspace route not run |\n");
    return 0;
  }
  t0 = now();
  const InvariantBasis eig = build_invariant_basis(*M, c, gens);  // sparse actions, dense solves per orbit block
  const double t_eig = now() - t0;
  InvariantFeatures fe(eig);
  const double pe = time_features(fe, x, n, d, &ce);
  std::printf("; eigenspace route: basis %.3g s, %zu values, %.3g us/point; basis %.0fx, features %.1fx faster |\n",
              t_eig, fe.values_per_point(), pe * 1e6, t_eig / t_ring, pe / pr);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  blas_set_threads(1);
  const std::string mode = argc > 1 ? argv[1] : "";
  try {
    if (mode == "table" && argc > 3) {
      std::vector<int> dims;
      for (int i = 3; i < argc; ++i) dims.push_back(std::atoi(argv[i]));
      return table(std::atoi(argv[2]), dims);
    }
    if (mode == "torus" && argc > 5)
      return torus(std::atoi(argv[2]), argv[3], std::atoi(argv[4]), std::size_t(std::atol(argv[5])),
                   argc > 6 && std::string(argv[6]) == "ring");
    if (mode == "features" && argc > 4) return features(std::atoi(argv[2]), std::atoi(argv[3]), std::size_t(std::atol(argv[4])));
  } catch (const std::exception& e) {
    std::fprintf(stderr, "specavg_bench_ring: %s\n", e.what());
    return 1;
  }
  std::fprintf(stderr, "usage: specavg_bench_ring table LMAX D1 [D2 ...] | features D LMAX N | torus D GROUP NMAX N [ring]\n");
  return 1;
}
