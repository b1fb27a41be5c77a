#pragma once
// Synthetic data sets on S²: uniform random points, an exactly G-invariant target
// (estimate/synthetic_target.hpp) and Gaussian noise. Output datasets: `points` (n × 3),
// `values` (n) = truth + noise·N(0,1), `truth` (n, noise-free). Every rank writes its own
// row block; the file is identical for a seed whatever the number of ranks.
#include <mpi.h>
#include <petscsys.h>

#include <string>
#include <vector>

#include "specavg/group/point_group.hpp"

namespace specavg {

struct SynthConfig {
  long long n = 10000;
  double noise = 0.1;
  unsigned long long seed = 1;
  std::vector<Mat3> generators;
  std::string output;
  std::size_t max_group_order = 100000;  // the target needs the enumerated group
};

PetscErrorCode synthesize(MPI_Comm comm, const SynthConfig& cfg);

}  // namespace specavg
