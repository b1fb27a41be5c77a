#pragma once
// Helpers for the MPI tests: per-run scratch file names and rank-agreed assertions.
#include <mpi.h>
#include <petscsys.h>

#include <cstdlib>
#include <string>

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

}  // namespace specavg::test
