#pragma once
// PETSc glue shared by the distributed layers: version compatibility, a move-only owner
// for PETSc handles, and the bridge from the plain C++ core (which throws).
#include <petscsys.h>

#include <exception>
#include <string>
#include <utility>

#ifndef PETSC_SUCCESS
#define PETSC_SUCCESS ((PetscErrorCode)0)
#endif

// Run a C++ expression; a std::exception becomes a PETSc error on `comm` with the
// exception's text. Use only where every rank of `comm` throws alike (collective input).
#define SPECAVG_CALL_CXX(comm, ...)                                                                   \
  do {                                                                                                \
    std::string specavg_cxx_msg_;                                                                     \
    try {                                                                                             \
      __VA_ARGS__;                                                                                    \
    } catch (const std::exception& e) {                                                               \
      specavg_cxx_msg_ = e.what();                                                                    \
    }                                                                                                 \
    PetscCheck(specavg_cxx_msg_.empty(), comm, PETSC_ERR_USER_INPUT, "%s", specavg_cxx_msg_.c_str()); \
  } while (0)

namespace specavg {

// Owns one PETSc object (Vec, Mat, KSP, ...) and destroys it with D (e.g. VecDestroy).
// Must be destroyed before PetscFinalize: keep owners inside the command's scope.
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
