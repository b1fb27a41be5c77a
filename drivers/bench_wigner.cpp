// Benchmark of the exact Wigner route to S² invariant subspaces on P ranks
// (group/wigner_invariants.hpp): degrees 0..lmax spread over the ranks by estimated cost
// (longest first), each rank solving its degrees in ascending order (its Wigner rows
// advance once), as build_invariant_basis_distributed does. Every rank keeps its Q. Block-
// sparse routes (axial groups) keep the sparse Q (dense storage of Cs at lmax 4000 would
// take 256 GB); dense routes include the canonical form. Prints the wall time (slowest rank), D_inv, the
// largest residual per block of degrees and overall, and writes one CSV row per degree.
// Usage: mpiexec -n P specavg_bench_wigner GROUP LMAX [CSV]
#include <mpi.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <numeric>
#include <string>
#include <vector>

#include "specavg/group/point_group.hpp"
#include "specavg/group/wigner_invariants.hpp"
#include "specavg/util/dense_linalg.hpp"

using namespace specavg;

int main(int argc, char** argv) {
  MPI_Init(&argc, &argv);
  blas_set_threads(1);
  int rank, size;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  if (argc < 3) {
    if (rank == 0) std::fprintf(stderr, "usage: specavg_bench_wigner GROUP LMAX [CSV]\n");
    MPI_Finalize();
    return 1;
  }
  const std::string spec = argv[1];
  const int L = std::atoi(argv[2]);
  std::vector<Mat3> gens;
  try {
    gens = generators_from_spec(spec);
  } catch (const std::exception& e) {
    if (rank == 0) std::fprintf(stderr, "%s\n", e.what());
    MPI_Finalize();
    return 1;
  }
  MPI_Barrier(MPI_COMM_WORLD);
  const double t0 = MPI_Wtime();
  WignerInvariants W(gens, L);
  std::vector<double> cost(L + 1);
  for (int l = 0; l <= L; ++l) cost[l] = W.degree_flops(l);
  std::vector<int> order(L + 1), owner(L + 1);
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](int a, int b) { return cost[a] > cost[b]; });
  std::vector<double> load(size, 0.0);
  for (int l : order) {
    const int who = int(std::min_element(load.begin(), load.end()) - load.begin());
    owner[l] = who;
    load[who] += cost[l];
  }
  std::vector<double> res(L + 1, 0.0), sec(L + 1, 0.0);
  std::vector<long> k(L + 1, 0);
  const bool sparse = W.block_sparse();
  std::vector<WignerSpace> kept_sparse;  // the basis is kept, as a run would keep it
  std::vector<SpaceInvariants> kept_dense;
  double bytes = 0;
  for (int l = 0; l <= L; ++l) {
    if (owner[l] != rank) continue;
    const double t = MPI_Wtime();
    if (sparse) {
      kept_sparse.push_back(W.solve_space(l));
      k[l] = kept_sparse.back().k;
      res[l] = kept_sparse.back().residual;
      bytes += 12.0 * double(kept_sparse.back().rows.size());
    } else {
      kept_dense.push_back(W.solve(l));
      k[l] = kept_dense.back().k;
      res[l] = kept_dense.back().residual;
      bytes += 8.0 * double(kept_dense.back().Q.size());
    }
    sec[l] = MPI_Wtime() - t;
  }
  double max_bytes = 0;
  MPI_Reduce(&bytes, &max_bytes, 1, MPI_DOUBLE, MPI_MAX, 0, MPI_COMM_WORLD);
  const double mine = MPI_Wtime() - t0;
  double wall = 0;
  MPI_Reduce(&mine, &wall, 1, MPI_DOUBLE, MPI_MAX, 0, MPI_COMM_WORLD);
  MPI_Allreduce(MPI_IN_PLACE, res.data(), L + 1, MPI_DOUBLE, MPI_MAX, MPI_COMM_WORLD);
  MPI_Allreduce(MPI_IN_PLACE, sec.data(), L + 1, MPI_DOUBLE, MPI_MAX, MPI_COMM_WORLD);
  MPI_Allreduce(MPI_IN_PLACE, k.data(), L + 1, MPI_LONG, MPI_SUM, MPI_COMM_WORLD);
  if (rank == 0) {
    const long dinv = std::accumulate(k.begin(), k.end(), 0L);
    const double worst = *std::max_element(res.begin(), res.end());
    std::printf("group %s lmax %d ranks %d: %.2f s wall (slowest rank), D_inv %ld, max residual %.2e\n", spec.c_str(),
                L, size, wall, dinv, worst);
    std::printf("route: %s%s; Q kept: %.3g MB on the largest rank\n", W.route().c_str(),
                sparse ? " (sparse Q, not densified)" : "", max_bytes / 1e6);
    std::printf("residual by degree block:");
    const int step = std::max(1, (L + 1) / 8);
    for (int a = 0; a <= L; a += step) {
      const int b = std::min(L, a + step - 1);
      std::printf(" [%d,%d] %.1e", a, b, *std::max_element(res.begin() + a, res.begin() + b + 1));
    }
    std::printf("\n");
    if (argc > 3) {
      FILE* f = std::fopen(argv[3], "w");
      if (f) {
        std::fprintf(f, "degree,k,residual,seconds,rank\n");
        for (int l = 0; l <= L; ++l) std::fprintf(f, "%d,%ld,%.3e,%.4f,%d\n", l, k[l], res[l], sec[l], owner[l]);
        std::fclose(f);
      }
    }
  }
  MPI_Finalize();
  return 0;
}
