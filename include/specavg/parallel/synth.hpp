#pragma once
// Synthetic data sets: uniform random points on the manifold, an exactly G-invariant
// target (estimate/synthetic_target.hpp) and Gaussian noise. Output datasets: `points`
// (n × dim), `values` (n) = truth + noise·N(0,1), `truth` (n, noise-free), with
// attributes (seed, noise, group, target, manifold and basis conventions). Rows come
// from a row source (io/row_source.hpp) that generates them on the fly: every rank
// writes its own row block; the file is identical for a seed whatever the rank count.
#include <mpi.h>
#include <petscsys.h>

#include <memory>
#include <string>
#include <vector>

#include "specavg/basis/manifold.hpp"
#include "specavg/estimate/synthetic_target.hpp"
#include "specavg/basis/isometry.hpp"
#include "specavg/io/row_source.hpp"
#include "specavg/parallel/dataset.hpp"

namespace specavg {

struct SynthConfig {
  long long n = 10000;
  double noise = 0.1;
  unsigned long long seed = 1;
  ManifoldPtr manifold = make_manifold("s2", 3);
  std::vector<Isometry> generators;
  std::string group;            // label of the group, for the output's attributes
  std::string target = "auto";  // -target
  std::string output;
  std::size_t max_group_order = 100000;    // the bumps target needs the enumerated group
  PetscInt block_rows = kGatherBlockRows;  // rows generated and written per block (memory stays flat in n)
};

// Collective. A row source of the data set `seed` of n points (row i depends only on
// seed and i): values and truth (1 target), no weights. `target` must outlive it.
PetscErrorCode open_synthetic_source(MPI_Comm comm, const Manifold& M, const TargetFunction& target,
                                     unsigned long long seed, long long n, double noise,
                                     std::unique_ptr<RowSource>* source);

// This rank's block of the data set `seed` of n points: the rows synth would write
// (uniform points, values = target + noise·N(0,1), truth = target). Data sets of one seed
// are nested in n (the first rows agree), so learning curves reuse the same points.
PetscErrorCode synth_local(MPI_Comm comm, const Manifold& M, const TargetFunction& target, unsigned long long seed,
                           long long n, double noise, LocalData* data);

// Collective. `chosen` (optional) receives the target actually used.
PetscErrorCode synthesize(MPI_Comm comm, const SynthConfig& cfg, std::string* chosen = nullptr);

}  // namespace specavg
