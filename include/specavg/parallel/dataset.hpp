#pragma once
// A rank's rows of a point data set held in memory (docs/data-flow.md): rows
// [begin, begin+count) of `points` (n × dim), `values` (n or n × k) and optional
// `weights` (n), gathered block by block from a row source (io/row_source.hpp), which
// validates them and projects the points onto the manifold.
#include <mpi.h>
#include <petscsys.h>

#include <string>
#include <vector>

#include "specavg/basis/manifold.hpp"
#include "specavg/io/row_source.hpp"

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

// Rows per block when gathering a whole source.
constexpr PetscInt kGatherBlockRows = 65536;

// Collective. Reads all of this rank's rows of `source` (from the first) in blocks of
// block_rows, then closes the source.
PetscErrorCode gather_rows(RowSource& source, PetscInt block_rows, LocalData* data);

// Collective. Opens `path` (open_row_source with `req`) and gathers this rank's rows.
PetscErrorCode load_rows(MPI_Comm comm, const std::string& path, const RowRequest& req, LocalData* data);

// Collective. Number of columns of `points` in the file (to default -dim); fails clearly
// when the file or dataset is missing or not two-dimensional.
PetscErrorCode peek_point_dim(MPI_Comm comm, const std::string& path, const std::string& role, int* dim);
// Collective. Rows n of `points` (to refuse infeasible jobs before reading), same checks.
PetscErrorCode peek_rows(MPI_Comm comm, const std::string& path, const std::string& role, PetscInt* rows);

}  // namespace specavg
