#pragma once
// Parallel HDF5 (MPI-IO) access to row-distributed float64 datasets.
//
// Conventions
//  * Datasets are row-major as h5py writes them: shape (n) or (n, cols, ...).
//  * Rows are split in contiguous blocks, rank r owning [begin, begin+count) as given by
//    row_block(); no rank ever reads or holds other ranks' rows.
//  * Every member function is collective on the communicator the file was opened with;
//    errors are agreed on across ranks (collective_check) and name the file/dataset.
//    After an agreed error the file is already closed on every rank.
//  * Closing is collective and explicit (close(), commit(), abandon()): destructors make
//    no collective call (io/h5_handle.hpp). A reader or writer destroyed while still
//    open leaves its id to HDF5's shutdown in MPI_Finalize; a writer destroyed without
//    commit() also removes its temporary on rank 0.
//  * H5Writer writes to "<path>.tmp" and renames on commit(), so failures never leave a
//    partial output file.
#include <hdf5.h>
#include <mpi.h>
#include <petscsys.h>

#include <string>
#include <vector>

#include "specavg/io/h5_handle.hpp"
#include "specavg/io/row_sink.hpp"
#include "specavg/util/index_run.hpp"

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
  // role names the option the file came from (e.g. "-data") for error messages. A
  // missing, empty, truncated or non-HDF5 file is refused with a message saying which.
  PetscErrorCode open(MPI_Comm comm, const std::string& path, const std::string& role);
  PetscErrorCode has(const std::string& name, bool* exists);
  // dims of a floating-point dataset; errors if missing (unless `exists` is non-null) or
  // not floating point (float32 is read as float64).
  PetscErrorCode shape(const std::string& name, std::vector<hsize_t>* dims, bool* exists = nullptr);
  // Rows [begin, begin+count) (first index) of an N-D dataset into buf (row-major).
  PetscErrorCode read_rows(const std::string& name, PetscInt begin, PetscInt count, double* buf);
  // Collective. The entries of a 2-D dataset in rows `rows` × columns `cols` (each a list of
  // runs in increasing index order, HDF5 hyperslabs) into buf, row-major in index order
  // (Σ rows × Σ cols). Empty lists select nothing (buf may then be null).
  PetscErrorCode read_runs(const std::string& name, const std::vector<IndexRun>& rows,
                           const std::vector<IndexRun>& cols, double* buf);
  // The root attributes (scalar strings and numbers; others are skipped), as
  // H5Writer::write_attributes writes them.
  PetscErrorCode read_attributes(Attributes* attrs);
  // Collective: fail every rank with `message` unless every rank passes ok; on failure
  // the file is closed first.
  PetscErrorCode agree(bool ok, const std::string& message);
  PetscErrorCode close();
  const std::string& path() const { return path_; }
  const std::string& role() const { return role_; }

 private:
  MPI_Comm comm_ = MPI_COMM_NULL;
  ParallelH5File file_;
  std::string path_, role_;
};

class H5Writer {
 public:
  H5Writer() = default;
  H5Writer(const H5Writer&) = delete;
  H5Writer& operator=(const H5Writer&) = delete;
  ~H5Writer();
  // `option` names the option the path came from, for messages.
  PetscErrorCode create(MPI_Comm comm, const std::string& path, const std::string& option = "-output");
  // Create a float64 dataset of the given dims (1-D or 2-D).
  PetscErrorCode create_dataset(const std::string& name, const std::vector<hsize_t>& dims);
  PetscErrorCode write_rows(const std::string& name, PetscInt begin, PetscInt count, const double* buf);
  // Collective. The transpose of H5Reader::read_runs.
  PetscErrorCode write_runs(const std::string& name, const std::vector<IndexRun>& rows,
                            const std::vector<IndexRun>& cols, const double* buf);
  // Root attributes (strings as variable-length UTF-8, numbers as float64).
  PetscErrorCode write_attributes(const Attributes& attrs);
  // Close, flush the temporary to disk (fsync), and atomically rename it to the final
  // path (then fsync the directory), so a crash leaves the old file or the new one.
  PetscErrorCode commit();
  // Close and remove the temporary (after an agreed error).
  PetscErrorCode abandon();

 private:
  PetscErrorCode agree(bool ok, const std::string& message);
  MPI_Comm comm_ = MPI_COMM_NULL;
  ParallelH5File file_;
  std::string path_, tmp_;
};

}  // namespace specavg
