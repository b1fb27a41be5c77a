#pragma once
// Owners of HDF5 identifiers, so that no path (including an exception or an early
// PetscCall return) leaks an id or leaves a file open.
//
// Collectivity
//  * H5Id closes its id in the destructor. Use it for ids whose close is local: any id of
//    a file opened with the serial (sec2) driver, and datasets, dataspaces, property
//    lists, attributes, groups and types of any file. In a parallel file these objects
//    are opened and closed in the same order on every rank (the code paths are
//    collective), so closing them on unwinding is safe.
//  * Closing a file opened with the MPI-IO driver is collective. ParallelH5File therefore
//    never closes in its destructor (which may run on only some ranks when one rank
//    fails): the owner calls close() on every rank, on the success path and after an
//    error that all ranks agreed on (collective_check). A file still open when its owner
//    is destroyed is handed to HDF5's own shutdown, which closes it inside MPI_Finalize
//    on every rank (agreed errors end in PetscFinalize on all ranks; any other failure
//    ends in MPI_Abort, so neither path can hang).
#include <hdf5.h>

#include <string>
#include <utility>

namespace specavg {

template <herr_t (*Close)(hid_t)>
class H5Id {
 public:
  H5Id() = default;
  explicit H5Id(hid_t id) : id_(id) {}
  H5Id(const H5Id&) = delete;
  H5Id& operator=(const H5Id&) = delete;
  H5Id(H5Id&& o) noexcept : id_(std::exchange(o.id_, H5I_INVALID_HID)) {}
  H5Id& operator=(H5Id&& o) noexcept {
    if (this != &o) {
      reset();
      id_ = std::exchange(o.id_, H5I_INVALID_HID);
    }
    return *this;
  }
  ~H5Id() { reset(); }
  // Close now; returns the status of the close (0 if there was nothing to close).
  herr_t reset(hid_t id = H5I_INVALID_HID) {
    herr_t st = 0;
    if (id_ >= 0) st = Close(id_);
    id_ = id;
    return st;
  }
  hid_t get() const { return id_; }
  operator hid_t() const { return id_; }
  bool valid() const { return id_ >= 0; }

 private:
  hid_t id_ = H5I_INVALID_HID;
};

using H5File = H5Id<H5Fclose>;  // serial driver only; see ParallelH5File
using H5Dataset = H5Id<H5Dclose>;
using H5Space = H5Id<H5Sclose>;
using H5Plist = H5Id<H5Pclose>;
using H5Attr = H5Id<H5Aclose>;
using H5Group = H5Id<H5Gclose>;
using H5Type = H5Id<H5Tclose>;

// A file opened with the MPI-IO driver (see Collectivity above): close() is collective
// and explicit; the destructor does no collective call.
class ParallelH5File {
 public:
  ParallelH5File() = default;
  ParallelH5File(const ParallelH5File&) = delete;
  ParallelH5File& operator=(const ParallelH5File&) = delete;
  ~ParallelH5File() = default;  // an id still open is closed by HDF5 in MPI_Finalize
  void adopt(hid_t id) { id_ = id; }
  // Collective on the communicator the file was opened with.
  herr_t close() {
    herr_t st = 0;
    if (id_ >= 0) st = H5Fclose(id_);
    id_ = H5I_INVALID_HID;
    return st;
  }
  hid_t get() const { return id_; }
  operator hid_t() const { return id_; }
  bool is_open() const { return id_ >= 0; }

 private:
  hid_t id_ = H5I_INVALID_HID;
};

}  // namespace specavg
