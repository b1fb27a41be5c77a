#pragma once
// Helpers for the MPI tests: per-run scratch file names and rank-agreed assertions.
#include <mpi.h>
#include <petscsys.h>

#include <gtest/gtest.h>

#include <cstdlib>
#include <string>

#include "specavg/parallel/distributed_basis.hpp"
#include "specavg/parallel/synth.hpp"
#include "specavg/group/coordinate_groups.hpp"

namespace specavg::test {

// Scratch file in the working directory, unique per rank-count run (ctest -j safe).
inline std::string scratch(const std::string& name) {
  const char* tag = std::getenv("SPECAVG_TEST_TAG");
  int size;
  MPI_Comm_size(PETSC_COMM_WORLD, &size);
  return std::string("mpitest_") + (tag ? tag : "np" + std::to_string(size)) + "_" + name;
}

// Max over ranks (so every rank asserts the same number).
inline double global_max(double v) {
  double g;
  MPI_Allreduce(&v, &g, 1, MPI_DOUBLE, MPI_MAX, PETSC_COMM_WORLD);
  return g;
}

inline int world_rank() {
  int r;
  MPI_Comm_rank(PETSC_COMM_WORLD, &r);
  return r;
}

// Synthesizes a data file (parallel/synth.hpp) named by scratch(name); returns its path.
inline std::string synth(const std::string& name, const std::string& manifold, int dim, const std::string& group,
                         const std::string& target, long long n, double noise, unsigned long long seed) {
  SynthConfig c;
  c.manifold = make_manifold(manifold, dim);
  c.generators = generators_for_spec(group, dim);
  c.target = target;
  c.n = n;
  c.noise = noise;
  c.seed = seed;
  c.output = scratch(name);
  EXPECT_EQ(synthesize(PETSC_COMM_WORLD, c), 0);
  return c.output;
}

// All of this rank's rows of a data file, through the row source (parallel/dataset.hpp).
inline PetscErrorCode read_rows(const std::string& path, const std::string& role, ValuesNeed need, const Manifold& M,
                                LocalData* d) {
  return load_rows(PETSC_COMM_WORLD, path, RowRequest{role, need, &M}, d);
}

// The invariant basis of S² under `group` (a group spec) up to degree lmax, built on
// PETSC_COMM_WORLD.
inline PetscErrorCode s2_basis(const std::string& group, int lmax, InvariantBasis* basis) {
  const ManifoldPtr M = make_manifold("s2", 3);
  Cutoff cut;
  cut.lmax = lmax;
  return build_invariant_basis_distributed(PETSC_COMM_WORLD, *M, cut, generators_for_spec(group, 3), BasisOptions{},
                                           basis);
}

}  // namespace specavg::test
