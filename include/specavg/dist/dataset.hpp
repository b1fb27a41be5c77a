#pragma once
// A rank's block of a point data set (DESIGN.md §3): rows [begin, begin+count) of
// `points` (n × 3), `values` (n or n × k) and optional `weights` (n), validated.
#include <mpi.h>
#include <petscsys.h>

#include <string>
#include <vector>

namespace specavg {

struct LocalData {
  PetscInt n_global = 0, begin = 0, count = 0;
  int ntargets = 0;             // 0 when values were not requested
  std::vector<double> points;   // count × 3, row-major
  std::vector<double> values;   // count × ntargets, row-major
  std::vector<double> weights;  // count, empty when the file has none (all ones)
  bool has_truth = false;
  std::vector<double> truth;  // count × ntargets: noise-free target, when present
};

enum class ValuesNeed { None, Required, Optional };

// Collective. Reads and validates this rank's rows: shapes, finite entries, points on the
// unit sphere (| |x| − 1 | ≤ 1e-6), non-negative weights with a positive sum. `role` is
// the option the file came from (e.g. "-data"), used in messages.
PetscErrorCode read_local_data(MPI_Comm comm, const std::string& path, const std::string& role, ValuesNeed need,
                               LocalData* data);

}  // namespace specavg
