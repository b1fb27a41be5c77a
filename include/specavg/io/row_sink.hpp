#pragma once
// Row sinks: where row-distributed results go (predictions, synthesized data sets).
//
// Data model
//  * A sink holds named row arrays of rows_total rows each: (rows) when cols == 0,
//    (rows, cols) otherwise, float64, row-major. Predictions are `values` (n × k); a
//    synthesized data set is `points` (n × dim), `values` (n) and `truth` (n).
//  * Attributes (strings and numbers) describe the output: model, seed, conventions...
//  * Output is written to "<path>.tmp" and renamed on commit(), so a failed job never
//    leaves a partial file at <path>.
//
// Collectivity
//  * create_row_sink(), write_rows(), set_attributes() and commit() are collective on
//    the communicator of creation. write_rows() is called the same number of times on
//    every rank (a rank without rows passes count 0); each rank writes rows of its own.
//  * commit() and abandon() are explicit (closing a parallel file is collective, see
//    io/h5_handle.hpp). A sink destroyed while still open only removes the temporary on
//    rank 0 (no collective call); the file id is closed by HDF5 in MPI_Finalize.
#include <mpi.h>
#include <petscsys.h>

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "specavg/basis/manifold.hpp"

namespace specavg {

struct SinkArray {
  std::string name;
  int cols = 0;  // 0: one value per row, shape (rows)
};

// Attributes of an output file, in order of insertion.
struct Attributes {
  std::vector<std::pair<std::string, std::string>> strings;
  std::vector<std::pair<std::string, double>> numbers;
  void set(const std::string& k, const std::string& v) { strings.emplace_back(k, v); }
  void set(const std::string& k, double v) { numbers.emplace_back(k, v); }
};

// Adds the manifold (name, dim) and its basis conventions (basis_ordering,
// basis_normalization, basis_phase; basis/manifold.hpp) to `attrs`.
void add_basis_conventions(const Manifold& M, Attributes* attrs);

class RowSink {
 public:
  virtual ~RowSink() = default;
  // Collective: rows [offset, offset + count) of array `name`, count × cols values.
  virtual PetscErrorCode write_rows(const std::string& name, PetscInt offset, PetscInt count, const double* data) = 0;
  // Collective: attach attributes to the output (identical on every rank).
  virtual PetscErrorCode set_attributes(const Attributes& attrs) = 0;
  // Collective: finish and move the output into place.
  virtual PetscErrorCode commit() = 0;
  // Collective: drop the output (after an agreed error).
  virtual PetscErrorCode abandon() = 0;
};

// Collective. Creates the sink for `path` (the format follows the extension: a HEALPix map
// on the pixels of the -like map for .fits/.fit/.fts (io/healpix_map.hpp); CF netCDF-4
// for .nc/.nc4, written on the grid of the -like file (io/nc_field.hpp); HDF5 for
// .h5/.hdf5/.he5 and anything unknown). `option` names the option for messages.
PetscErrorCode create_row_sink(MPI_Comm comm, const std::string& path, const std::string& option, PetscInt rows_total,
                               const std::vector<SinkArray>& arrays, std::unique_ptr<RowSink>* sink);

}  // namespace specavg
