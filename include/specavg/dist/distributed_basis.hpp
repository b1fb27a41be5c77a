#pragma once
// The group and the invariant basis on a communicator.
#include <mpi.h>
#include <petscsys.h>

#include <string>
#include <vector>

#include "specavg/estimate/model.hpp"

namespace specavg {

// Collective. Generators from a `-group` spec and/or a `-group_file` (merged when both
// are given); at least one is required. `label` receives a printable description.
PetscErrorCode resolve_group(MPI_Comm comm, const std::string& spec, const std::string& group_file,
                             std::vector<Mat3>* gens, std::string* label);

// Collective. Invariant subspaces of every degree 0..lmax: degrees are assigned to ranks
// by estimated cost (longest-processing-time first), computed there, then broadcast.
// The result is identical on every rank and independent of the rank count (the
// canonical Q of invariant_subspace() depends only on the subspace).
PetscErrorCode build_invariant_basis_distributed(MPI_Comm comm, int lmax, const std::vector<Mat3>& gens,
                                                 InvariantBasis* basis);

}  // namespace specavg
