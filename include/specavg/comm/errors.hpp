#pragma once
// How a failure ends a parallel run without hanging.
//
// Agreed errors: PETSC_ERR_USER_INPUT and PETSC_ERR_NOT_CONVERGED are raised only where
// every rank of the communicator raises them alike (collective_check, checks of options
// and other replicated input, convergence reasons of collective solvers). The driver
// prints them once and every rank exits with status 1.
// Anything else (an exception or PETSc error on some ranks only: out of memory, internal
// errors, I/O) is local: the driver prints it on the failing rank and calls MPI_Abort,
// since the other ranks may be waiting in a collective call.
//
// Rule: no destructor makes a collective call (closing a parallel HDF5 file, barriers,
// reductions). A rank that leaves a scope early, on an error the others do not share,
// would otherwise block in its destructors before reaching MPI_Abort. Parallel files are
// closed by explicit collective calls (H5Reader::close, H5Writer::commit); a writer
// destroyed uncommitted only removes its temporary file locally. PETSc objects are
// destroyed in destructors (PetscHandle): PETSc's XxxDestroy for the objects specavg
// owns (Vec, Mat, KSP/PC, EPS, PetscSF) frees memory and MPI handles without waiting on
// other ranks.
#include <petscsys.h>

#include <exception>
#include <string>

namespace specavg {

// Whether err is one that every rank raised alike (see above).
bool is_agreed_error(PetscErrorCode err);

// The out-of-memory message: what failed and the options that reduce memory per rank.
std::string out_of_memory_message(const std::string& what);

// The PETSc error code and message for the exception being handled (call inside a catch):
// std::bad_alloc -> PETSC_ERR_MEM with out_of_memory_message; std::invalid_argument (the
// core's error for bad input, raised identically on every rank) -> PETSC_ERR_USER_INPUT;
// anything else -> PETSC_ERR_PLIB.
PetscErrorCode classify_current_exception(std::string* message);

// A message for an exception caught in rank-local code (bad_alloc -> out of memory).
std::string exception_message(const std::exception& e);

// PETSc error handler: silent for agreed errors and out-of-memory (the driver prints one
// message), PETSc's traceback for everything else (internal errors).
PetscErrorCode specavg_error_handler(MPI_Comm comm, int line, const char* fun, const char* file, PetscErrorCode n,
                                     PetscErrorType p, const char* mess, void* ctx);

// The exit status of a run that ends without error (0 unless a command asks for another,
// e.g. kExitResume when training stopped on a signal). Local; set it on every rank.
void set_exit_status(int status);
int exit_status();

// Temporary output files this process knows about (all ranks track the same paths), so
// a rank that aborts the job can remove them first: a killed job leaves no "<out>.tmp".
void track_temporary(const std::string& path);
void untrack_temporary(const std::string& path);
void remove_tracked_temporaries();  // local, no MPI

}  // namespace specavg
