#include "specavg/io/h5_parallel.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>

#include "specavg/comm/collective.hpp"
#include "specavg/comm/petsc_util.hpp"
#include "specavg/util/failure.hpp"
#include "specavg/io/file_format.hpp"

namespace specavg {
namespace {

// File space of `ds` with rows [begin, begin+count) selected, and a matching 1-D memory
// space (both empty selections when count == 0).
void select_rows(hid_t ds, PetscInt begin, PetscInt count, H5Space* fspace, H5Space* mspace) {
  fspace->reset(H5Dget_space(ds));
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
  mspace->reset(H5Screate_simple(1, mdims, nullptr));
  if (count == 0) H5Sselect_none(*mspace);
}

// Collective read (into rbuf) or write (from wbuf) of rows [begin, begin+count); returns
// false on failure (to be agreed by the caller). An empty block may pass null pointers.
bool transfer_rows(hid_t file, const std::string& name, PetscInt begin, PetscInt count, bool read, double* rbuf,
                   const double* wbuf) {
  H5Dataset ds(H5Dopen2(file, name.c_str(), H5P_DEFAULT));
  if (!ds.valid()) return false;
  H5Space fspace, mspace;
  select_rows(ds, begin, count, &fspace, &mspace);
  H5Plist xfer(H5Pcreate(H5P_DATASET_XFER));
  H5Pset_dxpl_mpio(xfer, H5FD_MPIO_COLLECTIVE);
  const herr_t st = read ? H5Dread(ds, H5T_NATIVE_DOUBLE, mspace, fspace, xfer, rbuf)
                         : H5Dwrite(ds, H5T_NATIVE_DOUBLE, mspace, fspace, xfer, wbuf);
  return st >= 0;
}

// Collective read or write of the entries rows × cols of a 2-D dataset (see read_runs).
bool transfer_runs(hid_t file, const std::string& name, const std::vector<IndexRun>& rows,
                   const std::vector<IndexRun>& cols, bool read, double* rbuf, const double* wbuf) {
  H5Dataset ds(H5Dopen2(file, name.c_str(), H5P_DEFAULT));
  if (!ds.valid()) return false;
  H5Space fspace(H5Dget_space(ds));
  if (H5Sget_simple_extent_ndims(fspace) != 2) return false;
  hsize_t nr = 0, nc = 0;
  for (const IndexRun& r : rows) nr += hsize_t(r.size());
  for (const IndexRun& c : cols) nc += hsize_t(c.size());
  const hsize_t total = nr * nc;
  H5Sselect_none(fspace);
  if (total > 0)
    for (const IndexRun& r : rows)
      for (const IndexRun& c : cols) {
        if (r.size() == 0 || c.size() == 0) continue;
        const hsize_t start[2] = {hsize_t(r.start), hsize_t(c.start)};
        const hsize_t stride[2] = {hsize_t(r.stride), hsize_t(c.stride)};
        const hsize_t count[2] = {hsize_t(r.count), hsize_t(c.count)};
        const hsize_t block[2] = {hsize_t(r.block), hsize_t(c.block)};
        if (H5Sselect_hyperslab(fspace, H5S_SELECT_OR, start, stride, count, block) < 0) return false;
      }
  hsize_t mdims[1] = {std::max<hsize_t>(total, 1)};
  H5Space mspace(H5Screate_simple(1, mdims, nullptr));
  if (total == 0) H5Sselect_none(mspace);
  H5Plist xfer(H5Pcreate(H5P_DATASET_XFER));
  H5Pset_dxpl_mpio(xfer, H5FD_MPIO_COLLECTIVE);
  double dummy = 0.0;  // HDF5 wants a buffer even for an empty selection
  const herr_t st = read ? H5Dread(ds, H5T_NATIVE_DOUBLE, mspace, fspace, xfer, rbuf ? rbuf : &dummy)
                         : H5Dwrite(ds, H5T_NATIVE_DOUBLE, mspace, fspace, xfer, wbuf ? wbuf : &dummy);
  return st >= 0;
}

bool write_string_attribute(hid_t obj, const std::string& name, const std::string& v) {
  H5Type t(H5Tcopy(H5T_C_S1));
  H5Tset_size(t, H5T_VARIABLE);
  H5Tset_cset(t, H5T_CSET_UTF8);
  H5Space sp(H5Screate(H5S_SCALAR));
  H5Attr a(H5Acreate2(obj, name.c_str(), t, sp, H5P_DEFAULT, H5P_DEFAULT));
  const char* p = v.c_str();
  return a.valid() && H5Awrite(a, t, &p) >= 0;
}

bool write_number_attribute(hid_t obj, const std::string& name, double v) {
  H5Space sp(H5Screate(H5S_SCALAR));
  H5Attr a(H5Acreate2(obj, name.c_str(), H5T_IEEE_F64LE, sp, H5P_DEFAULT, H5P_DEFAULT));
  return a.valid() && H5Awrite(a, H5T_NATIVE_DOUBLE, &v) >= 0;
}

herr_t collect_attribute(hid_t obj, const char* name, const H5A_info_t*, void* out) {
  Attributes* attrs = static_cast<Attributes*>(out);
  H5Attr a(H5Aopen(obj, name, H5P_DEFAULT));
  if (!a.valid()) return 0;
  H5Type t(H5Aget_type(a));
  H5Space sp(H5Aget_space(a));
  if (H5Sget_simple_extent_type(sp) != H5S_SCALAR) return 0;
  if (H5Tget_class(t) == H5T_FLOAT || H5Tget_class(t) == H5T_INTEGER) {
    double v = 0;
    if (H5Aread(a, H5T_NATIVE_DOUBLE, &v) >= 0) attrs->set(name, v);
  } else if (H5Tget_class(t) == H5T_STRING && H5Tis_variable_str(t) > 0) {
    H5Type mt(H5Tcopy(t));  // the file's own string type (its character set)
    char* p = nullptr;
    if (H5Aread(a, mt, &p) >= 0 && p) {
      attrs->set(name, std::string(p));
      H5free_memory(p);
    }
  }
  return 0;
}

// Flush a closed file (or a directory) to the disk; false on failure.
bool sync_path(const std::string& path, bool directory) {
  const int fd = ::open(path.c_str(), directory ? O_RDONLY | O_DIRECTORY : O_RDONLY);
  if (fd < 0) return false;
  const bool ok = ::fsync(fd) == 0;
  ::close(fd);
  return ok;
}

std::string parent_directory(const std::string& path) {
  const std::size_t slash = path.find_last_of('/');
  return slash == std::string::npos ? "." : (slash == 0 ? "/" : path.substr(0, slash));
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

PetscErrorCode H5Reader::agree(bool ok, const std::string& message) {
  const PetscErrorCode ierr = collective_check(comm_, ok, message);
  if (ierr) file_.close();  // every rank took this branch
  return ierr;
}

PetscErrorCode H5Reader::close() {
  PetscFunctionBeginUser;
  const herr_t st = file_.close();
  PetscCall(collective_check(comm_, st >= 0, "closing " + role_ + " file '" + path_ + "' failed"));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode H5Reader::open(MPI_Comm comm, const std::string& path, const std::string& role) {
  PetscFunctionBeginUser;
  PetscCheck(!file_.is_open(), comm, PETSC_ERR_ARG_WRONGSTATE, "H5Reader::open on an open reader");
  comm_ = comm;
  path_ = path;
  role_ = role;
  h5_silence_errors();
  PetscCall(collective_check(comm, !path.empty(), "no file given for " + role + ": pass " + role + " <file.h5>"));
  FileFormat format;
  PetscCall(agree_file_format(comm, path, &format));
  const std::string bad = unusable_input_message(format, role, path);
  PetscCall(collective_check(comm, bad.empty(), bad));
  H5Plist fapl(H5Pcreate(H5P_FILE_ACCESS));
  H5Pset_fapl_mpio(fapl, comm, MPI_INFO_NULL);
  file_.adopt(H5Fopen(path.c_str(), H5F_ACC_RDONLY, fapl));
  PetscCall(agree(file_.is_open(), unusable_input_message(FileFormat::Unknown, role, path)));
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
  PetscCall(agree(present, role_ + " file '" + path_ + "' has no dataset '" + name + "'"));
  H5Dataset ds(H5Dopen2(file_, name.c_str(), H5P_DEFAULT));
  bool is_float = false;
  dims->clear();
  if (ds.valid()) {
    H5Type type(H5Dget_type(ds));
    is_float = H5Tget_class(type) == H5T_FLOAT;
    H5Space space(H5Dget_space(ds));
    const int nd = H5Sget_simple_extent_ndims(space);
    dims->assign(nd > 0 ? nd : 0, 0);
    if (nd > 0) H5Sget_simple_extent_dims(space, dims->data(), nullptr);
  }
  PetscCall(agree(ds.valid(), "cannot open dataset '" + name + "' in " + role_ + " file '" + path_ + "'"));
  PetscCall(agree(is_float, "dataset '" + name + "' in " + role_ + " file '" + path_ +
                                "' must be floating point (float64 or float32)"));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode H5Reader::read_rows(const std::string& name, PetscInt begin, PetscInt count, double* buf) {
  PetscFunctionBeginUser;
  const bool ok = transfer_rows(file_, name, begin, count, true, buf, nullptr);
  PetscCall(agree(
      ok, "reading dataset '" + name + "' from " + role_ + " file '" + path_ + "' failed: the file may be truncated"));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode H5Reader::read_runs(const std::string& name, const std::vector<IndexRun>& rows,
                                   const std::vector<IndexRun>& cols, double* buf) {
  PetscFunctionBeginUser;
  const bool ok = transfer_runs(file_, name, rows, cols, true, buf, nullptr);
  PetscCall(agree(
      ok, "reading dataset '" + name + "' from " + role_ + " file '" + path_ + "' failed: the file may be truncated"));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode H5Reader::read_attributes(Attributes* attrs) {
  PetscFunctionBeginUser;
  *attrs = Attributes{};
  hsize_t idx = 0;
  const herr_t st = H5Aiterate2(file_, H5_INDEX_NAME, H5_ITER_INC, &idx, collect_attribute, attrs);
  PetscCall(agree(st >= 0, "reading the attributes of " + role_ + " file '" + path_ + "' failed"));
  PetscFunctionReturn(PETSC_SUCCESS);
}

H5Writer::~H5Writer() {
  if (!file_.is_open()) return;
  // Error path: no collective close here (see the header); the temporary must not stay.
  // Every rank removes it locally: the failing rank may abort the job before rank 0
  // gets here.
  untrack_temporary(tmp_);
  std::remove(tmp_.c_str());
}

PetscErrorCode H5Writer::agree(bool ok, const std::string& message) {
  PetscErrorCode ierr = collective_check(comm_, ok, message);
  if (ierr) {  // every rank took this branch
    file_.close();
    untrack_temporary(tmp_);
    remove_file_on_root(comm_, tmp_);
  }
  return ierr;
}

PetscErrorCode H5Writer::create(MPI_Comm comm, const std::string& path, const std::string& option) {
  PetscFunctionBeginUser;
  PetscCheck(!file_.is_open(), comm, PETSC_ERR_ARG_WRONGSTATE, "H5Writer::create on an open writer");
  comm_ = comm;
  path_ = path;
  tmp_ = path + ".tmp";
  h5_silence_errors();
  PetscCall(collective_check(comm, !path.empty(), "no output file given: pass " + option + " <file.h5>"));
  H5Plist fapl(H5Pcreate(H5P_FILE_ACCESS));
  H5Pset_fapl_mpio(fapl, comm, MPI_INFO_NULL);
  file_.adopt(H5Fcreate(tmp_.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, fapl));
  PetscCall(collective_check(
      comm, file_.is_open(),
      "cannot create " + option + " file '" + tmp_ + "': check that the directory exists and is writable"));
  track_temporary(tmp_);  // removed by whichever rank aborts the job, if one does
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode H5Writer::create_dataset(const std::string& name, const std::vector<hsize_t>& dims) {
  PetscFunctionBeginUser;
  H5Space space(H5Screate_simple(int(dims.size()), dims.data(), nullptr));
  H5Dataset ds(H5Dcreate2(file_, name.c_str(), H5T_IEEE_F64LE, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT));
  PetscCall(agree(ds.valid(), "cannot create dataset '" + name + "' in " + tmp_));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode H5Writer::write_rows(const std::string& name, PetscInt begin, PetscInt count, const double* buf) {
  PetscFunctionBeginUser;
  inject_failure("writer");
  const bool ok = transfer_rows(file_, name, begin, count, false, nullptr, buf);
  PetscCall(agree(ok, "writing dataset '" + name + "' to " + tmp_ + " failed (disk full?)"));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode H5Writer::write_runs(const std::string& name, const std::vector<IndexRun>& rows,
                                    const std::vector<IndexRun>& cols, const double* buf) {
  PetscFunctionBeginUser;
  inject_failure("writer");
  const bool ok = transfer_runs(file_, name, rows, cols, false, nullptr, buf);
  PetscCall(agree(ok, "writing dataset '" + name + "' to " + tmp_ + " failed (disk full?)"));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode H5Writer::write_attributes(const Attributes& attrs) {
  PetscFunctionBeginUser;
  bool ok = true;
  for (const auto& [k, v] : attrs.strings) ok = write_string_attribute(file_, k, v) && ok;
  for (const auto& [k, v] : attrs.numbers) ok = write_number_attribute(file_, k, v) && ok;
  PetscCall(agree(ok, "writing attributes to " + tmp_ + " failed"));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode H5Writer::abandon() {
  PetscFunctionBeginUser;
  if (file_.is_open()) {
    file_.close();
    untrack_temporary(tmp_);
    remove_file_on_root(comm_, tmp_);
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode H5Writer::commit() {
  PetscFunctionBeginUser;
  const herr_t st = file_.close();
  untrack_temporary(tmp_);
  int rank, ok = st >= 0;
  PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, &ok, 1, MPI_INT, MPI_MIN, comm_));
  PetscCallMPI(MPI_Comm_rank(comm_, &rank));
  if (rank == 0 && ok) ok = sync_path(tmp_, false) && std::rename(tmp_.c_str(), path_.c_str()) == 0;
  if (rank == 0 && ok) (void)sync_path(parent_directory(path_), true);  // the rename itself
  PetscCallMPI(MPI_Bcast(&ok, 1, MPI_INT, 0, comm_));
  if (!ok) remove_file_on_root(comm_, tmp_);
  PetscCall(collective_check(comm_, ok, "cannot finish output file '" + path_ + "' (close/rename failed)"));
  PetscFunctionReturn(PETSC_SUCCESS);
}

}  // namespace specavg
