#pragma once
// Parallel HDF5 (MPI-IO) access to row-distributed 1-D/2-D float64 datasets.
//
// Conventions
//  * Datasets are row-major as h5py writes them: shape (n) or (n, cols).
//  * Rows are split in contiguous blocks, rank r owning [begin, begin+count) as given by
//    row_block(); no rank ever reads or holds other ranks' rows.
//  * Every member function is collective on the communicator the file was opened with;
//    errors are agreed on across ranks (collective_check) and name the file/dataset.
//  * H5Writer writes to "<path>.tmp" and renames on commit(); a writer destroyed without
//    commit() removes the temporary, so failures never leave a partial output file.
#include <hdf5.h>
#include <mpi.h>
#include <petscsys.h>

#include <string>
#include <vector>

namespace specavg {

// Contiguous block of rows of n over the ranks of comm (first n % P ranks get one more).
void row_block(MPI_Comm comm, PetscInt n, PetscInt* begin, PetscInt* count);

// Silence HDF5's automatic error stack printing; specavg reports its own messages.
void h5_silence_errors();

class H5Reader {
 public:
  H5Reader() = default;
  H5Reader(const H5Reader&) = delete;
  H5Reader& operator=(const H5Reader&) = delete;
  ~H5Reader();
  // role names the option the file came from (e.g. "-data") for error messages.
  PetscErrorCode open(MPI_Comm comm, const std::string& path, const std::string& role);
  PetscErrorCode has(const std::string& name, bool* exists);
  // dims of a float64 dataset; errors if missing (unless `exists` is non-null) or not float.
  PetscErrorCode shape(const std::string& name, std::vector<hsize_t>* dims, bool* exists = nullptr);
  // Rows [begin, begin+count) (first index) of an N-D dataset into buf (row-major), collective.
  PetscErrorCode read_rows(const std::string& name, PetscInt begin, PetscInt count, double* buf);
  const std::string& path() const { return path_; }

 private:
  MPI_Comm comm_ = MPI_COMM_NULL;
  hid_t file_ = -1;
  std::string path_, role_;
};

class H5Writer {
 public:
  H5Writer() = default;
  H5Writer(const H5Writer&) = delete;
  H5Writer& operator=(const H5Writer&) = delete;
  ~H5Writer();
  PetscErrorCode create(MPI_Comm comm, const std::string& path);
  // Create a float64 dataset of the given dims (1-D or 2-D).
  PetscErrorCode create_dataset(const std::string& name, const std::vector<hsize_t>& dims);
  PetscErrorCode write_rows(const std::string& name, PetscInt begin, PetscInt count, const double* buf);
  // Close and atomically rename the temporary to the final path.
  PetscErrorCode commit();

 private:
  void abandon();
  MPI_Comm comm_ = MPI_COMM_NULL;
  hid_t file_ = -1;
  std::string path_, tmp_;
};

}  // namespace specavg
