#pragma once
// Thin collective wrapper over the MPI netCDF library (internal to io/). Every call is
// collective on the communicator given at opening, and every library error fails all
// ranks with one message naming the file and the operation.
#include <mpi.h>
#include <petscsys.h>

#include <string>
#include <vector>

#include "specavg/io/cf_grid.hpp"

namespace specavg {

class NcFile {
 public:
  NcFile() = default;
  NcFile(const NcFile&) = delete;
  NcFile& operator=(const NcFile&) = delete;
  ~NcFile();  // closes a file still open (local; close() is the collective path)

  // netCDF-4 (HDF5) files with nc_open_par, classic ones read-only on every rank.
  PetscErrorCode open(MPI_Comm comm, const std::string& path, const std::string& where);
  PetscErrorCode close();
  bool netcdf4() const { return netcdf4_; }
  // Reads the root group's dimensions, variables and attributes.
  PetscErrorCode read_meta(CfMeta* meta);
  // The box start/count of variable v as double (converted by the library). Collective:
  // every rank calls, a rank without data passes zero counts.
  PetscErrorCode read(const CfVar& v, const std::vector<std::size_t>& start, const std::vector<std::size_t>& count,
                      double* buf);
  // Default fill value of a variable's type (0 for types without one).
  static double default_fill(int nctype);

 private:
  MPI_Comm comm_ = MPI_COMM_NULL;
  int ncid_ = -1;
  bool netcdf4_ = false;
  std::string where_;
};

// Collective: fails every rank when any rank's status is not NC_NOERR.
PetscErrorCode nc_agree(MPI_Comm comm, int status, const std::string& what);

}  // namespace specavg
