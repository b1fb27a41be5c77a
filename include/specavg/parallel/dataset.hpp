#pragma once
// A rank's block of a point data set (DESIGN.md §3): rows [begin, begin+count) of
// `points` (n × dim), `values` (n or n × k) and optional `weights` (n), validated.
#include <mpi.h>
#include <petscsys.h>

#include <string>
#include <vector>

#include "specavg/basis/manifold.hpp"

namespace specavg {

struct LocalData {
  PetscInt n_global = 0, begin = 0, count = 0;
  int ntargets = 0;             // 0 when values were not requested
  int dim = 0;                  // coordinates per point
  std::vector<double> points;   // count × dim, row-major
  std::vector<double> values;   // count × ntargets, row-major
  std::vector<double> weights;  // count, empty when the file has none (all ones)
  bool has_truth = false;
  std::vector<double> truth;  // count × ntargets: noise-free target, when present
};

enum class ValuesNeed { None, Required, Optional };

// Collective. Reads and validates this rank's rows: shapes (dim = M.dim columns), finite
// entries, points on M (spheres: | |x| − 1 | ≤ 1e-6; torus: every coordinate in
// [−1 − 1e-9, 1 + 1e-9]), non-negative weights. `role` is the option the file came from
// (e.g. "-data"), used in messages.
PetscErrorCode read_local_data(MPI_Comm comm, const std::string& path, const std::string& role, ValuesNeed need,
                               const Manifold& M, LocalData* data);

// Collective. Number of columns of `points` in the file (to default -dim); fails clearly
// when the file or dataset is missing or not two-dimensional.
PetscErrorCode peek_point_dim(MPI_Comm comm, const std::string& path, const std::string& role, int* dim);
// Collective. Rows n of `points` (to refuse infeasible jobs before reading), same checks.
PetscErrorCode peek_rows(MPI_Comm comm, const std::string& path, const std::string& role, PetscInt* rows);
PetscErrorCode peek_points_shape(MPI_Comm comm, const std::string& path, const std::string& role, PetscInt* rows,
                                 int* dim);

}  // namespace specavg
