#include "specavg/io/file_format.hpp"

#include <hdf5.h>
#include <sys/stat.h>

#include <cctype>
#include <cstring>
#include <fstream>

#include "specavg/comm/petsc_util.hpp"

namespace specavg {

namespace {

// An HDF5 file is read as netCDF-4 when it lacks specavg's `points` dataset and either
// carries netCDF-4's _NCProperties attribute or has a netCDF extension.
bool looks_like_netcdf4(const std::string& path) {
  H5E_auto2_t fn;
  void* data;
  H5Eget_auto2(H5E_DEFAULT, &fn, &data);
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
  bool nc = false;
  const hid_t f = H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  if (f >= 0) {
    const auto dot = path.rfind('.');
    const std::string ext = dot == std::string::npos ? "" : path.substr(dot);
    nc = H5Lexists(f, "points", H5P_DEFAULT) <= 0 &&
         (H5Aexists(f, "_NCProperties") > 0 || ext == ".nc" || ext == ".nc4" || ext == ".netcdf");
    H5Fclose(f);
  }
  H5Eset_auto2(H5E_DEFAULT, fn, data);
  return nc;
}

}  // namespace

FileFormat sniff_file_format(const std::string& path) {
  struct stat st;
  if (::stat(path.c_str(), &st) != 0) return FileFormat::Missing;
  if (S_ISDIR(st.st_mode)) return FileFormat::Directory;
  if (st.st_size == 0) return FileFormat::Empty;
  std::ifstream f(path, std::ios::binary);
  char head[9] = {};
  f.read(head, 8);
  if (std::memcmp(head, "CDF\x01", 4) == 0 || std::memcmp(head, "CDF\x02", 4) == 0 ||
      std::memcmp(head, "CDF\x05", 4) == 0)
    return FileFormat::NetCDF3;
  if (std::memcmp(head, "SIMPLE  ", 8) == 0) return FileFormat::FITS;
  // HDF5 (and netCDF-4, which is HDF5): the signature, and a superblock HDF5 can open.
  H5E_auto2_t fn;
  void* data;
  H5Eget_auto2(H5E_DEFAULT, &fn, &data);
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
  const htri_t is = H5Fis_hdf5(path.c_str());
  H5Eset_auto2(H5E_DEFAULT, fn, data);
  if (is <= 0) return FileFormat::Unknown;
  return looks_like_netcdf4(path) ? FileFormat::NetCDF4 : FileFormat::HDF5;
}

bool is_fits_path(const std::string& path) {
  const auto dot = path.rfind('.');
  std::string ext = dot == std::string::npos ? "" : path.substr(dot);
  for (char& c : ext) c = char(std::tolower((unsigned char)c));
  return ext == ".fits" || ext == ".fit" || ext == ".fts";
}

bool is_netcdf_path(const std::string& path) {
  const auto dot = path.rfind('.');
  std::string ext = dot == std::string::npos ? "" : path.substr(dot);
  for (char& c : ext) c = char(std::tolower((unsigned char)c));
  return ext == ".nc" || ext == ".nc4";
}

PetscErrorCode agree_file_format(MPI_Comm comm, const std::string& path, FileFormat* format) {
  PetscFunctionBeginUser;
  int rank, f = 0;
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  if (rank == 0) f = int(sniff_file_format(path));
  PetscCallMPI(MPI_Bcast(&f, 1, MPI_INT, 0, comm));
  *format = FileFormat(f);
  PetscFunctionReturn(PETSC_SUCCESS);
}

std::string unusable_input_message(FileFormat format, const std::string& role, const std::string& path) {
  const std::string what = role + " file '" + path + "'";
  switch (format) {
    case FileFormat::HDF5:
    case FileFormat::FITS:
    case FileFormat::NetCDF3:
    case FileFormat::NetCDF4:
      return {};
    case FileFormat::Missing:
      return what + " does not exist";
    case FileFormat::Directory:
      return what + " is a directory: pass a file";
    case FileFormat::Empty:
      return what + " is empty (0 bytes): regenerate it";
    case FileFormat::Unknown:
      break;
  }
  return what + " is not an HDF5 file or truncated: check the path, or regenerate the file";
}

}  // namespace specavg
