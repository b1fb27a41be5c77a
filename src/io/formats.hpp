#pragma once
// The implementations behind open_row_source() and create_row_sink() (internal). A new
// format adds its pair of functions here and one branch in the two factories.
#include <memory>
#include <string>
#include <vector>

#include "specavg/io/row_sink.hpp"
#include "specavg/io/row_source.hpp"

namespace specavg {

PetscErrorCode open_h5_row_source(MPI_Comm comm, const std::string& path, const RowRequest& req,
                                  std::unique_ptr<RowSource>* source);
PetscErrorCode create_h5_row_sink(MPI_Comm comm, const std::string& path, const std::string& option,
                                  PetscInt rows_total, const std::vector<SinkArray>& arrays,
                                  std::unique_ptr<RowSink>* sink);
// HEALPix sky maps in FITS (io/healpix_map.hpp).
PetscErrorCode open_healpix_row_source(MPI_Comm comm, const std::string& path, const RowRequest& req,
                                       std::unique_ptr<RowSource>* source);
PetscErrorCode create_healpix_row_sink(MPI_Comm comm, const std::string& path, const std::string& option,
                                       PetscInt rows_total, const std::vector<SinkArray>& arrays,
                                       std::unique_ptr<RowSink>* sink);
// CF netCDF (classic or netCDF-4): io/nc_field.hpp.
PetscErrorCode open_nc_row_source(MPI_Comm comm, const std::string& path, const RowRequest& req,
                                  std::unique_ptr<RowSource>* source);
PetscErrorCode create_nc_row_sink(MPI_Comm comm, const std::string& path, const std::string& option,
                                  PetscInt rows_total, const std::vector<SinkArray>& arrays,
                                  std::unique_ptr<RowSink>* sink);
// -var and -time_range from the options database (declared by the commands through
// app/options.hpp's options_data_input; read here so that no layer above io/ names a
// format). Local.
PetscErrorCode nc_input_options(MPI_Comm comm, std::string* var, std::string* time_range);
// A string option from the database, "" when absent. Local.
PetscErrorCode nc_option_string(const char* name, std::string* value);

}  // namespace specavg
