#pragma once
// PETSc glue shared by the distributed layers: version compatibility, a move-only owner
// for PETSc handles, and the bridge from the plain C++ core (which throws).
#include <petscsys.h>

#include <exception>
#include <string>
#include <utility>

#include "specavg/comm/errors.hpp"

#ifndef PETSC_SUCCESS
#define PETSC_SUCCESS ((PetscErrorCode)0)
#endif

// Run a C++ expression and turn an exception into a PETSc error (see comm/errors.hpp):
//  * std::invalid_argument -> PETSC_ERR_USER_INPUT on `comm`, an agreed error. The core
//    throws it for bad input, which every rank of `comm` sees alike (options, replicated
//    files, group specs); rank-local data must be checked with collective_check instead.
//  * std::bad_alloc -> PETSC_ERR_MEM, anything else -> PETSC_ERR_PLIB, raised on
//    PETSC_COMM_SELF: they may hit some ranks only, so the driver aborts the job.
#define SPECAVG_CALL_CXX(comm, ...)                                                                \
  do {                                                                                             \
    std::string specavg_cxx_msg_;                                                                  \
    PetscErrorCode specavg_cxx_err_ = PETSC_SUCCESS;                                               \
    try {                                                                                          \
      __VA_ARGS__;                                                                                 \
    } catch (...) {                                                                                \
      specavg_cxx_err_ = ::specavg::classify_current_exception(&specavg_cxx_msg_);                 \
    }                                                                                              \
    PetscCheck(specavg_cxx_err_ == PETSC_SUCCESS,                                                  \
               ::specavg::is_agreed_error(specavg_cxx_err_) ? MPI_Comm(comm) : PETSC_COMM_SELF,    \
               specavg_cxx_err_, "%s", specavg_cxx_msg_.c_str());                                  \
  } while (0)

namespace specavg {

// Owns one PETSc object (Vec, Mat, KSP, ...) and destroys it with D (e.g. VecDestroy).
// Must be destroyed before PetscFinalize: keep owners inside the command's scope. The
// destructor may run on one rank only (an error there): D must not wait on other ranks,
// which holds for Vec, Mat (aij, dense, scalapack), KSP/PC, EPS and VecScatter/PetscSF.
template <typename T, PetscErrorCode (*D)(T*)>
class PetscHandle {
 public:
  PetscHandle() = default;
  PetscHandle(const PetscHandle&) = delete;
  PetscHandle& operator=(const PetscHandle&) = delete;
  PetscHandle(PetscHandle&& o) noexcept : h_(std::exchange(o.h_, nullptr)) {}
  PetscHandle& operator=(PetscHandle&& o) noexcept {
    if (this != &o) {
      reset();
      h_ = std::exchange(o.h_, nullptr);
    }
    return *this;
  }
  ~PetscHandle() { reset(); }
  void reset() {
    if (h_) (void)D(&h_);
    h_ = nullptr;
  }
  T* address() { return &h_; }  // for PETSc's XxxCreate(..., &h)
  T get() const { return h_; }
  operator T() const { return h_; }

 private:
  T h_ = nullptr;
};

}  // namespace specavg
