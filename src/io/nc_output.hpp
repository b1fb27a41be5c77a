#pragma once
// Layout of a CF netCDF prediction file (internal to io/): which dimensions, coordinate
// variables and field the netCDF sink writes, and which cells this rank writes.
//  * On the -like grid (nc_layout_like): the input field's dimensions (time sliced to
//    -time_range), its coordinates, bounds, auxiliary coordinates and cell measures, copied
//    from the -like file; the cells are the kept cells of the field.
//  * On a new regular grid (nc_layout_grid, predict -grid latlon:NLAT:NLON): generated
//    lat/lon with bounds; the targets are the -like field's extra dimensions with their
//    coordinates (time sliced to -time_range) when -like is given, else one `target`
//    dimension (k > 1). Every cell is written.
// Both are collective and fail every rank alike with one message.
#include <mpi.h>
#include <petscsys.h>

#include <map>
#include <string>
#include <vector>

#include "specavg/io/nc_field.hpp"

namespace specavg {

struct NcOutCoord {
  CfVar var;                 // as defined in the output (name, type, dims, attributes)
  bool from_like = false;    // copied from the -like file (the time dimension sliced)
  std::vector<double> data;  // the values otherwise, in C order
};

struct NcOutputLayout {
  // Output field: f.grid (axes), f.meta.find(f.grid.var) (name, dims, shape, attributes to
  // keep), f.t1 - f.t0 output steps, f.ntargets, f.nkept rows, and this rank's cells
  // (f.cell, f.row_offset; the slab of the slowest spatial dimension), f.values (the data,
  // for residuals; -like grid only).
  NcField f;
  std::vector<NcOutCoord> coords;
  std::vector<std::pair<std::string, std::size_t>> dims;  // in definition order
  std::string unlimited;                                  // "" if none
  std::string like_path;  // where from_like coordinates are read ("" when none)
  std::string like_tdim;  // the time dimension in the -like file and its first selected step
  std::size_t like_t0 = 0;
  bool has_data = false;  // f.values holds the data (residuals possible)
  std::size_t dim_size(const std::string& d) const;
};

PetscErrorCode nc_layout_like(MPI_Comm comm, const NcFieldRequest& like, NcOutputLayout* out);
// `like.path` may be empty; `ntargets` is the model's k.
PetscErrorCode nc_layout_grid(MPI_Comm comm, const std::string& spec, const NcFieldRequest& like, int ntargets,
                              NcOutputLayout* out);

}  // namespace specavg
