// specavg_perf: kernel benchmark. Every MPI rank runs the same kernels at once (as in a
// real job, one rank per core); rank 0 reports the slowest rank's rate.
//   * DGEMM rate of the linked BLAS (square, n = 2000) — the reference;
//   * harmonic evaluation rate (point × harmonic values per second) at L = 64 and 512;
//   * hypersphere (S^9, lmax 6) and torus (T^10, |k|^2 <= 4) basis evaluation rates;
//   * assembly rate (DSYRK + DGEMM of the invariant features, GFLOP/s) for a large
//     reduced system (no symmetry, L = 32: D_inv = 1089), the default job (I_h, L = 24:
//     D_inv = 9), S^9 under Sym(10) (D_inv = 18) and T^10 under Signs (D_inv = 396),
//     with its ratio to DGEMM.
// Usage: mpiexec -n 2 specavg_perf [n_points_per_rank]
#include <mpi.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <vector>

#include "specavg/basis/sphere_harmonics.hpp"
#include "specavg/parallel/features.hpp"
#include "specavg/estimate/synthetic_target.hpp"
#include "specavg/basis/eigen_basis.hpp"
#include "specavg/group/coordinate_groups.hpp"
#include "specavg/util/dense_linalg.hpp"

using namespace specavg;

namespace {

double slowest(MPI_Comm comm, double seconds) {
  double m;
  MPI_Allreduce(&seconds, &m, 1, MPI_DOUBLE, MPI_MAX, comm);
  return m;
}

double dgemm_gflops(MPI_Comm comm, int n) {
  std::vector<double> a(std::size_t(n) * n, 1.0 / n), b(a), c(a.size(), 0.0);
  dgemm(false, false, n, n, n, 1.0, a.data(), n, b.data(), n, 0.0, c.data(), n);  // warm-up
  MPI_Barrier(comm);
  const double t0 = MPI_Wtime();
  const int reps = 6;
  for (int r = 0; r < reps; ++r) dgemm(false, false, n, n, n, 1.0, a.data(), n, b.data(), n, 0.0, c.data(), n);
  return reps * 2.0 * n * double(n) * n / slowest(comm, MPI_Wtime() - t0) * 1e-9;
}

std::vector<double> sphere_points(std::size_t n, unsigned long long seed) {
  std::vector<double> p(3 * n);
  for (std::size_t i = 0; i < n; ++i) synthetic_point(seed, i, &p[3 * i]);
  return p;
}

double harmonic_rate(MPI_Comm comm, int L, std::size_t npts) {
  SphereHarmonics sh(L);
  const auto p = sphere_points(npts, 3);
  std::vector<double> out(npts * sh.size());
  MPI_Barrier(comm);
  const double t0 = MPI_Wtime();
  sh.evaluate(p.data(), npts, out.data(), npts);
  return double(npts) * sh.size() / slowest(comm, MPI_Wtime() - t0);
}

double eigenbasis_rate(MPI_Comm comm, const Manifold& M, const Cutoff& c, std::size_t npts) {
  const auto basis = M.eigenbasis(eigenspaces_within(M, c));
  std::vector<double> p(npts * M.dim()), out(npts * basis->size());
  for (std::size_t i = 0; i < npts; ++i) synthetic_manifold_point(M, 3, i, &p[i * M.dim()]);
  MPI_Barrier(comm);
  const double t0 = MPI_Wtime();
  basis->evaluate(p.data(), npts, out.data(), npts);
  return double(npts) * basis->size() / slowest(comm, MPI_Wtime() - t0);
}

void assembly(MPI_Comm comm, const char* label, const Manifold& M, const Cutoff& c, const std::vector<Isometry>& gens,
              PetscInt n, double ref) {
  const InvariantBasis basis = build_invariant_basis(M, c, gens);
  LocalData d;
  d.count = d.n_global = n;
  d.ntargets = 1;
  d.dim = M.dim();
  d.points.resize(std::size_t(n) * M.dim());
  for (PetscInt i = 0; i < n; ++i) synthetic_manifold_point(M, 5, std::size_t(i), &d.points[std::size_t(i) * M.dim()]);
  d.values.assign(std::size_t(n), 1.0);
  NormalEquations ne;
  MPI_Barrier(comm);
  assemble_local(basis, d, 0, true, &ne);
  const double ta = slowest(comm, ne.t_assembly), tf = slowest(comm, ne.t_features);
  const double gf = ne.flops_assembly / ta * 1e-9;
  // The same product as a plain DGEMM (ΨᵀΨ, shape D_inv × nb × D_inv) for comparison.
  const int D = basis.dinv(), nb = int(default_block_rows(InvariantFeatures(basis)));
  std::vector<double> psi(std::size_t(nb) * D, 0.5), g(std::size_t(D) * D, 0.0);
  MPI_Barrier(comm);
  double t0 = MPI_Wtime();
  int reps = 0;
  do {
    dgemm(true, false, D, D, nb, 1.0, psi.data(), nb, psi.data(), nb, 1.0, g.data(), D);
    ++reps;
  } while (MPI_Wtime() - t0 < 0.5);
  const double shaped = reps * 2.0 * D * double(D) * nb / slowest(comm, MPI_Wtime() - t0) * 1e-9;
  int rank;
  MPI_Comm_rank(comm, &rank);
  if (rank == 0)
    std::printf(
        "assembly %-24s %-14s D=%6zu D_inv=%5d n/rank=%7lld | features %7.3f s (%.3g values/s) | "
        "DSYRK+DGEMM %7.3f s = %6.2f GFLOP/s = %5.1f%% of square DGEMM, %5.1f%% of same-shape DGEMM (%.2f)\n",
        label, basis.cutoff.c_str(), basis.dtotal(), basis.dinv(), (long long)n, tf,
        double(n) * ne.values_per_point / tf, ta, gf, 100 * gf / ref, 100 * gf / shaped, shaped);
}

}  // namespace

int main(int argc, char** argv) {
  MPI_Init(&argc, &argv);
  const MPI_Comm comm = MPI_COMM_WORLD;
  int rank, size;
  MPI_Comm_rank(comm, &rank);
  MPI_Comm_size(comm, &size);
  if (!std::getenv("OPENBLAS_NUM_THREADS")) blas_set_threads(1);
  const PetscInt n = argc > 1 ? std::atol(argv[1]) : 200000;

  const double ref = dgemm_gflops(comm, 2000);
  if (rank == 0)
    std::printf("specavg_perf on %d rank(s)\nDGEMM (n=2000, per rank)            %.2f GFLOP/s\n", size, ref);
  for (int L : {64, 512}) {
    const double r = harmonic_rate(comm, L, L == 64 ? 20000 : 400);
    if (rank == 0) std::printf("harmonic evaluation L=%-4d          %.3g values/s per rank\n", L, r);
  }
  const ManifoldPtr s2p = make_manifold("s2", 3), s9p = make_manifold("sphere", 10), t10p = make_manifold("torus", 10);
  const Manifold &s2 = *s2p, &s9 = *s9p, &t10 = *t10p;
  Cutoff l6, t4;
  l6.lmax = 6;
  t4.lambda_max = 4 * M_PI * M_PI;
  const double rs = eigenbasis_rate(comm, s9, l6, 20000), rt = eigenbasis_rate(comm, t10, t4, 2000);
  if (rank == 0) {
    std::printf("hypersphere harmonics S^9 lmax 6    %.3g values/s per rank\n", rs);
    std::printf("torus Fourier T^10 |k|^2 <= 4       %.3g values/s per rank\n", rt);
  }
  Cutoff l32, l24;
  l32.lmax = 32;
  l24.lmax = 24;
  assembly(comm, "(S^2, no symmetry, C1)", s2, l32, {}, n / 4, ref);
  assembly(comm, "(S^2 default job, Ih)", s2, l24, generators_for_spec("Ih", 3), n, ref);
  assembly(comm, "(S^9, Sym(10))", s9, l6, generators_for_spec("Sym", 10), n / 4, ref);
  assembly(comm, "(T^10, Signs)", t10, t4, generators_for_spec("Signs", 10), n / 4, ref);
  MPI_Finalize();
  return 0;
}
