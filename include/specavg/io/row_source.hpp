#pragma once
// Row sources: where the rows of a point data set come from (a file today; streams and
// other formats later), handed to each rank in blocks.
//
// Data model
//  * A data set has rows_total() rows. Row i holds a point (dim() coordinates, float64,
//    row-major), ntargets() values (0 when values were not requested or are absent),
//    optionally a weight (>= 0; all ones when absent) and optionally the noise-free
//    `truth` (ntargets() columns).
//  * Rank r of P owns the contiguous rows [local_begin(), local_begin() + local_count())
//    given by row_block() (first rows_total() % P ranks get one more). A rank reads
//    only its own rows; nothing depends on the block size, and a row's global index
//    (RowBlock::offset + i) is the same whatever the rank count.
//  * Every block is validated before it is returned: finite entries, points on the
//    manifold (spheres | |x| - 1 | <= 1e-6, torus coordinates within 1e-9 of [-1, 1]),
//    |values| < 1e15 (larger magnitudes are unmasked fill values), weights >= 0. Points
//    that pass are then projected onto the manifold in double precision (spheres:
//    x / |x|), so float32 input is renormalized before any basis sees it.
//
// Collectivity
//  * open_row_source(), next_block(), rewind(), seek() and close() are collective on the
//    communicator given at opening, and must be called with the same max_rows on every
//    rank. next_block() returns an empty block (count 0) on a rank that has run out of
//    rows while others have not, and sets *done on all ranks at once; a validation error
//    on any rank fails all ranks with one message (the first offending global row of the
//    round).
//  * The queries (rows_total, dim, ...) are local and agree on every rank.
//  * close() is explicit (see io/h5_handle.hpp for why it is not in the destructor);
//    the source closes itself after any agreed error. A loop reads until *done:
//      for (bool done = false;;) { PetscCall(src->next_block(nb, &b, &done)); if (done) break; ... }
#include <mpi.h>
#include <petscsys.h>

#include <memory>
#include <string>
#include <vector>

#include "specavg/basis/manifold.hpp"

namespace specavg {

// Values are refused at or above this magnitude: typical fill values (1e20, 9.97e36,
// FLT_MAX) must be masked, not fitted.
constexpr double kFillValueThreshold = 1e15;

enum class ValuesNeed { None, Required, Optional };

// What a command asks of a source.
struct RowRequest {
  std::string role = "-data";  // option the path came from, for messages
  ValuesNeed values = ValuesNeed::Required;
  const Manifold* manifold = nullptr;  // points are validated against it (dim must match)
};

struct RowBlock {
  PetscInt offset = 0;  // global index of the first row
  PetscInt count = 0;
  std::vector<double> points;   // count × dim
  std::vector<double> values;   // count × ntargets (empty when ntargets == 0)
  std::vector<double> weights;  // count, empty when the source has no weights
  std::vector<double> truth;    // count × ntargets, empty when the source has no truth
  // Grid sources (RowSource::ring_layout() set): each row's cell in ring order (see
  // RingLayout); empty otherwise.
  std::vector<long long> cells;
};

// Ring structure of a gridded source (HEALPix maps, rectilinear lat/lon grids), for the
// spherical-harmonic-transform path (parallel/sht_rings.hpp). Cells are numbered in ring
// order: ring r holds the cells [ring_begin[r], ring_begin[r] + nphi[r]), and its j-th
// cell is meant to lie at colatitude theta_r and longitude phi0_r + 2 pi j / nphi[r].
// The source only states the numbering; theta_r and phi0_r are read from the rows' points
// by the consumer, which checks that every point lies where its cell says (so a grid whose
// longitudes are not equally spaced over the full circle is detected, not assumed).
struct RingLayout {
  std::string kind;                   // e.g. "HEALPix NSIDE 64", "lat/lon 90 x 180"
  std::vector<long long> ring_begin;  // nrings + 1 entries, ascending; last = cells in all rings
  std::vector<long long> nphi;        // nrings
  // True when the source computed every point from this layout (HEALPix centres, a
  // generated lat/lon grid): the grid path then need not check each point against it.
  bool points_from_layout = false;
  // Optional (only with points_from_layout): each ring's colatitude and the longitude of
  // its cell 0, so the grid path needs no points at all (RowSource::next_cells).
  std::vector<double> theta, phi0;
  std::size_t nrings() const { return nphi.size(); }
};

class RowSource {
 public:
  virtual ~RowSource() = default;
  virtual PetscInt rows_total() const = 0;
  virtual int dim() const = 0;
  virtual int ntargets() const = 0;
  virtual bool has_weights() const = 0;
  virtual bool has_truth() const = 0;
  virtual PetscInt local_begin() const = 0;
  virtual PetscInt local_count() const = 0;
  // Human-readable origin, e.g. "-data file 'train.h5'".
  virtual std::string describe() const = 0;
  // Grid sources: the ring numbering of their cells (identical on every rank; blocks then
  // carry RowBlock::cells). Null for scattered points.
  virtual const RingLayout* ring_layout() const { return nullptr; }
  // Collective, as next_block, for the grid path: a source whose ring_layout() carries
  // theta and phi0 may leave RowBlock::points empty (cells, values and weights are
  // filled and validated); the default reads whole rows.
  virtual PetscErrorCode next_cells(PetscInt max_rows, RowBlock* b, bool* done) { return next_block(max_rows, b, done); }

  // Collective: the next at most max_rows (> 0) of this rank's rows. *done is true (on
  // every rank, with an empty block) once every rank has had all its rows.
  virtual PetscErrorCode next_block(PetscInt max_rows, RowBlock* block, bool* done) = 0;
  // Collective: start again from this rank's first row.
  virtual PetscErrorCode rewind() = 0;
  // Collective: continue with this rank's row local_begin() + local_row (0 ≤ local_row ≤
  // local_count(); local_count() means none left), e.g. to resume an interrupted pass.
  virtual PetscErrorCode seek(PetscInt local_row) = 0;
  // Collective: release the underlying file (idempotent).
  virtual PetscErrorCode close() = 0;
};

// Collective. Opens `path` with the implementation its content (or, for formats without
// a signature, its extension) calls for. Missing, empty, truncated and unknown files get
// one message naming req.role and the path. The source checks the shapes (points n × dim
// with dim = manifold->dim() and n > 0; values n or n × k; weights n) before returning.
PetscErrorCode open_row_source(MPI_Comm comm, const std::string& path, const RowRequest& req,
                               std::unique_ptr<RowSource>* source);

// Collective. The cell centres of a generated grid as points (no values, no weights), in
// the grid's C order: `spec` is latlon:NLAT:NLON (io/cf_grid.hpp, parse_latlon_grid), on
// S². The netCDF sink writes predictions back on the same grid (predict -grid).
PetscErrorCode open_grid_row_source(MPI_Comm comm, const std::string& spec, const RowRequest& req,
                                    std::unique_ptr<RowSource>* source);

// Collective. Shape of `points` (rows, columns) without reading or validating rows, to
// default -dim or size a job before the read. Same messages as open_row_source. For a
// netCDF grid, rows is the grid's cell count before masking (an upper bound of the rows:
// counting the kept cells would mean reading the whole field a second time).
PetscErrorCode peek_points_shape(MPI_Comm comm, const std::string& path, const std::string& role, PetscInt* rows,
                                 int* dim);

// Local. Validates and normalizes one block in place (the rules above); returns the
// first offending row as a message naming `where` (e.g. "-data file 'x.h5'"), and its
// global row in *bad_row, or an empty string. Shared by every implementation.
std::string validate_block(const Manifold& M, int ntargets, const std::string& where, RowBlock* block,
                           PetscInt* bad_row);

// Collective. Agree on the lowest-numbered offending row of a round of blocks: every
// rank fails with the message of the rank owning the smallest bad_row (or none fails).
PetscErrorCode agree_first_bad_row(MPI_Comm comm, PetscInt bad_row, const std::string& message);

}  // namespace specavg
