#pragma once
// Reading a CF netCDF field in parallel: the cells of one variable become rows (points
// on S^2, values, area weights), distributed over the ranks.
//
// Reading: rank r reads only its slab of the slowest spatial dimension (row_block of its
// extent) for the selected time steps, one step per collective call. netCDF-4 files are
// opened with nc_open_par and read collectively (NC_COLLECTIVE); netCDF-3 classic files
// (this netCDF has no PnetCDF) are opened read-only by every rank, which still reads only
// its own hyperslabs.
//
// Masks: a cell is masked in a step when its raw value equals _FillValue (or, without
// one, the type's default fill), a missing_value, NaN, or lies outside valid_min/
// valid_max/valid_range. Cells masked in ANY selected step are dropped from every step
// (the union of the masks), so no target ever mixes masks; the report says how many cells
// were masked in every step and how many only in some. No cell left is an error.
//
// Weights: cell areas from cell_measures "area: X" when X is in the file, else from the
// cell bounds (`bounds` attributes of lat and lon: exact lat/lon boxes for rectilinear
// grids, geodesic polygons otherwise), else from the grid spacing (midpoints for
// rectilinear grids, |dr/di x dr/dj| for curvilinear ones), else uniform (unstructured
// grids without bounds). Normalized to mean 1 over the kept cells.
//
// Options (PETSc database): none here; the caller passes -var and -time_range.
#include <mpi.h>
#include <petscsys.h>

#include <string>
#include <vector>

#include "specavg/io/cf_grid.hpp"

namespace specavg {

struct NcFieldRequest {
  std::string path;
  std::string role = "-data";  // option the path came from, for messages
  std::string var;             // empty: the only variable with a recognizable lat/lon grid
  std::string time_range;      // "a:b" on CfGrid::time_axis, empty: all steps
};

struct NcField {
  // Global description (identical on every rank).
  std::string where;  // e.g. "-data file 'tas.nc'"
  CfMeta meta;
  CfGrid grid;
  bool netcdf4 = false;
  std::size_t t0 = 0, t1 = 1;  // selected steps on grid.time_axis ([0, 1) without one)
  int ntargets = 1;            // product of the extra extents (time restricted to [t0, t1))
  long long ncells = 0;        // cells of the grid
  long long nkept = 0;         // cells left after the masks
  long long masked_always = 0, masked_some = 0;
  std::string weight_source;  // for the report
  // This rank's kept cells, ascending global cell index (C order of the spatial dims).
  long long row_offset = 0;       // global row (kept-cell) index of the first local one
  std::vector<long long> cell;    // global cell index of each local row
  std::vector<double> points;     // rows × 3
  std::vector<double> values;     // rows × ntargets (decoded, unmasked)
  std::vector<double> weights;    // rows, mean 1 over all kept cells
  std::size_t rows() const { return cell.size(); }
  // One line for the printed report.
  std::string summary() const;
};

// Collective. Reads the field; every problem (missing file or variable, no lat/lon, unknown
// units, bad -time_range, nothing left after masking) fails all ranks with one message.
PetscErrorCode read_nc_field(MPI_Comm comm, const NcFieldRequest& req, NcField* f);

// Collective. Only the metadata: where, meta, grid, netcdf4, t0/t1, ntargets and ncells
// (no rows). Same messages as read_nc_field.
PetscErrorCode read_nc_field_meta(MPI_Comm comm, const NcFieldRequest& req, NcField* f);

// Collective. Moves the rows so that rank r holds the kept rows row_block(nkept) assigns
// it (the partition every row source uses); cell, points, values and weights move along.
PetscErrorCode nc_field_to_row_blocks(MPI_Comm comm, NcField* f);

// Rank that reads global cell `cell` (the slab owner of its slowest spatial index).
int nc_field_reader_rank(MPI_Comm comm, const NcField& f, long long cell);

}  // namespace specavg
