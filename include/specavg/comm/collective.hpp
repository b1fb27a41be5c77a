#pragma once
// Collective error agreement: input is validated rank-locally (each rank sees only its
// rows), but every rank must fail together with the same message, or the others would
// hang in the next collective call.
#include <mpi.h>
#include <petscsys.h>

#include <string>

namespace specavg {

// Collective on comm. If any rank passes ok = false, every rank returns
// PETSC_ERR_USER_INPUT carrying the message of the lowest failing rank.
PetscErrorCode collective_check(MPI_Comm comm, bool ok, const std::string& message);

// Fail early (before any long computation) when `path` cannot be created: rank 0 creates
// the missing parent directories, then creates and removes "<path>.tmp". `option` names
// the option for the message. Collective.
PetscErrorCode check_output_writable(MPI_Comm comm, const std::string& path, const std::string& option);

// Remove a file on rank 0 (ignoring absence). Collective.
void remove_file_on_root(MPI_Comm comm, const std::string& path);
bool file_exists(const std::string& path);

}  // namespace specavg
