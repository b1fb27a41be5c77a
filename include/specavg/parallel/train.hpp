#pragma once
// The training pipeline (DESIGN.md §2): read → invariant basis → local features and
// assembly → reduced solve. Collective on comm; the coefficients do not depend on the
// number of ranks beyond rounding (canonical Q, same sums in a different order).
#include <mpi.h>
#include <petscsys.h>

#include <string>
#include <vector>

#include "specavg/parallel/distributed_basis.hpp"
#include "specavg/parallel/reduced_solve.hpp"
#include "specavg/estimate/model.hpp"

namespace specavg {

struct TrainOptions {
  std::string data;               // -data
  std::string manifold = "s2";    // -manifold s2|sphere|torus
  int dim = -1;                   // -dim (−1: the number of columns of the data's points)
  std::string group, group_file;  // -group, -group_file
  Cutoff cutoff;                  // -lmax / -lambda_max / -nbasis (none set: -nbasis 625)
  BasisOptions basis;             // -basis_*
  EstimatorKind estimator = EstimatorKind::Ridge;
  double tau = 1e-6;                // -tau
  double sobolev_s = 1.0;           // -sobolev_s
  std::string penalty = "sobolev";  // -penalty sobolev|kernel
  std::string penalty_kernel;       // -krr_kernel ("" = the manifold's default) for -penalty kernel
  double penalty_width = -1;        // -krr_width (≤ 0: the kernel's default)
  PetscInt block_rows = 0;          // -block_rows (0: automatic)
  bool verbose = true;              // phase progress on rank 0
};

struct TrainReport {
  double t_read = 0, t_basis = 0, t_features = 0, t_assembly = 0, t_reduce = 0, t_setup = 0, t_solve = 0, t_total = 0;
  double gflops_assembly = 0;    // rank-0 assembly rate (GFLOP/s per rank)
  double values_per_second = 0;  // rank-0 basis-function values per second
  SolveReport solve;
};

// Default cutoff when none is given: 625 basis functions (= lmax 24 on S²).
constexpr long long kDefaultNbasis = 625;

PetscErrorCode train_model(MPI_Comm comm, const TrainOptions& opt, Model* model, TrainReport* rep);

// Collective. The manifold of the options (-dim defaulting to the columns of `data`).
PetscErrorCode resolve_manifold(MPI_Comm comm, const std::string& name, int dim, const std::string& data, Manifold* M);

}  // namespace specavg
