#pragma once
// Model files (HDF5, readable with h5py). Layout, format_version 4:
//   /                attrs: format="specavg-model", format_version, manifold (s2|sphere|torus),
//                           dim, cutoff, group_spec, estimator, tau, sobolev_s, ntargets,
//                           dinv, dtotal (basis functions within the cutoff),
//                           method (specavg|krr|krr-ga|krr-aug),
//                           basis_ordering, basis_normalization, basis_phase: the
//                           conventions of the manifold's eigenbasis (basis/manifold.hpp)
//   /group/generators            (r, dim, dim)  row-major matrices P of x -> P x + t
//   /group/shifts                (r, dim)       t (torus only)
//   /basis/labels                (ns) int64  eigenspace labels (degree, or |k|^2 on the torus)
//   /basis/eigenvalues           (ns)        lambda per eigenspace
//   /basis/multiplicities        (ns) int64  m per eigenspace
//   /basis/invariant_counts      (ns) int64  k per eigenspace
//   /basis/residuals             (ns)        max_j |D_jᵀ Q − Q|
//   /basis/Q/<label>             (k, m)      row j = j-th invariant function in the
//                                            eigenspace's basis; k > 0 and dense Q only
//   /basis/Q_sparse/{labels,rows,values}     block-sparse Q (io/sparse_basis_file.hpp)
//   /coefficients                (dinv, ntargets)
//   /feature_label (dinv) int64;  /feature_eigenvalue (dinv)
//   /provenance      attrs: version, options, created, nranks, n_train, weight_sum;
//                    /provenance/timings attrs: seconds per phase
// Kernel-ridge models (method ≠ specavg) have no basis, coefficients or feature_* and
// instead (estimate/krr_model.hpp):
//   /krr             attrs: kernel, width, lambda, order (|G|, 0 for krr)
//   /krr/centers (N, dim);  /krr/alpha (N, ntargets)
//   /krr/elements (|G|, dim, dim), /krr/element_shifts (|G|, dim)   krr-ga only
// Formats 3 (no Q_sparse), 2 (no `method`: specavg) and 1 (S² only: attr lmax, Q/<l>, no
// labels) are still read.
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

// Generators from an HDF5 file: dataset `generators` (m, dim, dim) and, on the torus,
// optional `shifts` (m, dim), float64. Validated as isometries of M. Collective.
PetscErrorCode read_generator_file(MPI_Comm comm, const std::string& path, const Manifold& M,
                                   std::vector<Isometry>* gens);

}  // namespace specavg
