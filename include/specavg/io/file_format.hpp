#pragma once
// Recognizing input files by content, so that commands open any supported format by
// path and refuse everything else with a message that says what is wrong.
#include <mpi.h>
#include <petscsys.h>

#include <string>

namespace specavg {

enum class FileFormat { Missing, Directory, Empty, HDF5, NetCDF3, NetCDF4, FITS, Unknown };

// Local. Looks at the file's first bytes (HDF5's signature may also sit at 512, 1024, ...).
// NetCDF3: the 'CDF\x01/\x02/\x05' signature. NetCDF4: an HDF5 file without specavg's
// `points` dataset that has netCDF-4's _NCProperties attribute or a .nc/.nc4 extension.
FileFormat sniff_file_format(const std::string& path);

// Local. Whether an output path names a FITS file (.fits, .fit, .fts; HEALPix maps).
bool is_fits_path(const std::string& path);

// Local. Whether an output path names a CF netCDF file (.nc, .nc4).
bool is_netcdf_path(const std::string& path);

// Collective: rank 0 sniffs, every rank gets the same answer.
PetscErrorCode agree_file_format(MPI_Comm comm, const std::string& path, FileFormat* format);

// Message for an input that cannot be read as `expected` (empty when format is fine).
std::string unusable_input_message(FileFormat format, const std::string& role, const std::string& path);

}  // namespace specavg
