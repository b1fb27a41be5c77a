#include "specavg/io/h5_parallel.hpp"

#include <algorithm>
#include <cstdio>

#include "specavg/comm/collective.hpp"
#include "specavg/comm/petsc_util.hpp"

namespace specavg {
namespace {

// Open an existing dataset, or fail collectively with a message naming file and dataset.
PetscErrorCode open_dataset(MPI_Comm comm, hid_t file, const std::string& path, const std::string& name, hid_t* ds) {
  PetscFunctionBeginUser;
  *ds = H5Dopen2(file, name.c_str(), H5P_DEFAULT);
  PetscCall(collective_check(comm, *ds >= 0, "cannot open dataset '" + name + "' in " + path));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode select_rows(hid_t ds, PetscInt begin, PetscInt count, hid_t* fspace, hid_t* mspace) {
  PetscFunctionBeginUser;
  *fspace = H5Dget_space(ds);
  const int nd = H5Sget_simple_extent_ndims(*fspace);
  std::vector<hsize_t> dims(std::max(nd, 1), 1), start(dims.size(), 0), cnt;
  H5Sget_simple_extent_dims(*fspace, dims.data(), nullptr);
  cnt = dims;
  cnt[0] = hsize_t(count);
  start[0] = hsize_t(begin);
  hsize_t total = 1;
  for (hsize_t c : cnt) total *= c;
  if (count > 0)
    H5Sselect_hyperslab(*fspace, H5S_SELECT_SET, start.data(), nullptr, cnt.data(), nullptr);
  else
    H5Sselect_none(*fspace);
  hsize_t mdims[1] = {std::max<hsize_t>(total, 1)};
  *mspace = H5Screate_simple(1, mdims, nullptr);
  if (count == 0) H5Sselect_none(*mspace);
  PetscFunctionReturn(PETSC_SUCCESS);
}

hid_t collective_xfer() {
  hid_t x = H5Pcreate(H5P_DATASET_XFER);
  H5Pset_dxpl_mpio(x, H5FD_MPIO_COLLECTIVE);
  return x;
}

// Collective read (into rbuf) or write (from wbuf) of rows [begin, begin+count). The flag,
// not the pointers, selects the direction: an empty block may come with null pointers.
PetscErrorCode transfer_rows(MPI_Comm comm, hid_t file, const std::string& path, const std::string& name,
                             PetscInt begin, PetscInt count, bool read, double* rbuf, const double* wbuf) {
  PetscFunctionBeginUser;
  hid_t ds, fspace, mspace;
  PetscCall(open_dataset(comm, file, path, name, &ds));
  PetscCall(select_rows(ds, begin, count, &fspace, &mspace));
  hid_t xfer = collective_xfer();
  const herr_t st = read ? H5Dread(ds, H5T_NATIVE_DOUBLE, mspace, fspace, xfer, rbuf)
                         : H5Dwrite(ds, H5T_NATIVE_DOUBLE, mspace, fspace, xfer, wbuf);
  H5Pclose(xfer);
  H5Sclose(mspace);
  H5Sclose(fspace);
  H5Dclose(ds);
  PetscCall(collective_check(comm, st >= 0,
                             std::string(read ? "reading" : "writing") + " dataset '" + name + "' " +
                                 (read ? "from " : "to ") + path + " failed"));
  PetscFunctionReturn(PETSC_SUCCESS);
}

}  // namespace

void row_block(MPI_Comm comm, PetscInt n, PetscInt* begin, PetscInt* count) {
  int rank, size;
  MPI_Comm_rank(comm, &rank);
  MPI_Comm_size(comm, &size);
  const PetscInt q = n / size, r = n % size;
  *count = q + (rank < r ? 1 : 0);
  *begin = rank * q + (rank < r ? rank : r);
}

void h5_silence_errors() {
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
}

H5Reader::~H5Reader() {
  if (file_ >= 0) H5Fclose(file_);
}

PetscErrorCode H5Reader::open(MPI_Comm comm, const std::string& path, const std::string& role) {
  PetscFunctionBeginUser;
  comm_ = comm;
  path_ = path;
  role_ = role;
  h5_silence_errors();
  PetscCall(collective_check(comm, !path.empty(), "no file given for " + role + ": pass " + role + " <file.h5>"));
  int rank;
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  int state = 0;  // 0 ok, 1 missing, 2 not HDF5
  if (rank == 0) state = !file_exists(path) ? 1 : (H5Fis_hdf5(path.c_str()) > 0 ? 0 : 2);
  PetscCallMPI(MPI_Bcast(&state, 1, MPI_INT, 0, comm));
  PetscCall(collective_check(comm, state != 1, role + " file '" + path + "' does not exist"));
  PetscCall(collective_check(comm, state != 2, role + " file '" + path + "' is not an HDF5 file"));
  hid_t fapl = H5Pcreate(H5P_FILE_ACCESS);
  H5Pset_fapl_mpio(fapl, comm, MPI_INFO_NULL);
  file_ = H5Fopen(path.c_str(), H5F_ACC_RDONLY, fapl);
  H5Pclose(fapl);
  PetscCall(collective_check(comm, file_ >= 0, "cannot open " + role + " file '" + path + "' with parallel HDF5"));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode H5Reader::has(const std::string& name, bool* exists) {
  PetscFunctionBeginUser;
  *exists = H5Lexists(file_, name.c_str(), H5P_DEFAULT) > 0;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode H5Reader::shape(const std::string& name, std::vector<hsize_t>* dims, bool* exists) {
  PetscFunctionBeginUser;
  bool present;
  PetscCall(has(name, &present));
  if (exists) {
    *exists = present;
    if (!present) PetscFunctionReturn(PETSC_SUCCESS);
  }
  PetscCall(collective_check(comm_, present, role_ + " file '" + path_ + "' has no dataset '" + name + "'"));
  hid_t ds;
  PetscCall(open_dataset(comm_, file_, path_, name, &ds));
  hid_t type = H5Dget_type(ds);
  const bool is_float = H5Tget_class(type) == H5T_FLOAT;
  H5Tclose(type);
  hid_t space = H5Dget_space(ds);
  const int nd = H5Sget_simple_extent_ndims(space);
  dims->assign(nd > 0 ? nd : 0, 0);
  if (nd > 0) H5Sget_simple_extent_dims(space, dims->data(), nullptr);
  H5Sclose(space);
  H5Dclose(ds);
  PetscCall(
      collective_check(comm_, is_float, "dataset '" + name + "' in " + path_ + " must be floating point (float64)"));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode H5Reader::read_rows(const std::string& name, PetscInt begin, PetscInt count, double* buf) {
  return transfer_rows(comm_, file_, path_, name, begin, count, true, buf, nullptr);
}

H5Writer::~H5Writer() {
  abandon();
}

void H5Writer::abandon() {
  if (file_ >= 0) {
    H5Fclose(file_);
    file_ = -1;
    remove_file_on_root(comm_, tmp_);
  }
}

PetscErrorCode H5Writer::create(MPI_Comm comm, const std::string& path) {
  PetscFunctionBeginUser;
  comm_ = comm;
  path_ = path;
  tmp_ = path + ".tmp";
  h5_silence_errors();
  PetscCall(collective_check(comm, !path.empty(), "no output file given: pass -output <file.h5>"));
  hid_t fapl = H5Pcreate(H5P_FILE_ACCESS);
  H5Pset_fapl_mpio(fapl, comm, MPI_INFO_NULL);
  file_ = H5Fcreate(tmp_.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, fapl);
  H5Pclose(fapl);
  PetscCall(collective_check(
      comm, file_ >= 0, "cannot create output file '" + tmp_ + "': check that the directory exists and is writable"));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode H5Writer::create_dataset(const std::string& name, const std::vector<hsize_t>& dims) {
  PetscFunctionBeginUser;
  hid_t space = H5Screate_simple(int(dims.size()), dims.data(), nullptr);
  hid_t ds = H5Dcreate2(file_, name.c_str(), H5T_IEEE_F64LE, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  H5Sclose(space);
  PetscCall(collective_check(comm_, ds >= 0, "cannot create dataset '" + name + "' in " + tmp_));
  H5Dclose(ds);
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode H5Writer::write_rows(const std::string& name, PetscInt begin, PetscInt count, const double* buf) {
  return transfer_rows(comm_, file_, tmp_, name, begin, count, false, nullptr, buf);
}

PetscErrorCode H5Writer::commit() {
  PetscFunctionBeginUser;
  const herr_t st = H5Fclose(file_);
  file_ = -1;
  int rank, ok = st >= 0;
  PetscCallMPI(MPI_Comm_rank(comm_, &rank));
  if (rank == 0 && ok) ok = std::rename(tmp_.c_str(), path_.c_str()) == 0;
  PetscCallMPI(MPI_Bcast(&ok, 1, MPI_INT, 0, comm_));
  if (!ok) remove_file_on_root(comm_, tmp_);
  PetscCall(collective_check(comm_, ok, "cannot finish output file '" + path_ + "' (close/rename failed)"));
  PetscFunctionReturn(PETSC_SUCCESS);
}

}  // namespace specavg
