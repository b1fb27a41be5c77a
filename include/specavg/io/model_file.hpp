#pragma once
// Model files (HDF5, readable with h5py). Layout, format_version 1:
//   /                attrs: format="specavg-model", format_version, manifold, dim, lmax,
//                           group_spec, estimator, tau, sobolev_s, ntargets, dinv, dharm
//   /group/generators            (r, 3, 3)  row-major 3×3 orthogonal matrices
//   /basis/invariant_counts      (lmax+1)   k_l per degree (int64)
//   /basis/Q/<l>                 (k_l, 2l+1) row j = j-th invariant function of degree l in
//                                the harmonics of degree l (order m = −l..l); k_l > 0 only
//   /coefficients                (dinv, ntargets)
//   /feature_degree              (dinv) int64;  /feature_eigenvalue (dinv) λ = l(l+1)
//   /provenance      attrs: version, options, created, nranks, n_train, weight_sum;
//                    /provenance/timings attrs: seconds per phase
// Writing is collective but done by rank 0 into "<path>.tmp", then renamed (atomic).
// Reading is collective: every rank reads the (small) file; errors are agreed on.
#include <mpi.h>
#include <petscsys.h>

#include <string>
#include <vector>

#include "specavg/estimate/model.hpp"

namespace specavg {

PetscErrorCode write_model(MPI_Comm comm, const Model& model, const std::string& path);
PetscErrorCode read_model(MPI_Comm comm, const std::string& path, Model* model);

// Generators from an HDF5 file: dataset `generators`, shape (m, 3, 3), float64. Validated
// (finite, orthogonal). Collective.
PetscErrorCode read_generator_file(MPI_Comm comm, const std::string& path, std::vector<Mat3>* gens);

}  // namespace specavg
