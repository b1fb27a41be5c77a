#pragma once
// The group and the invariant basis on a communicator.
#include <mpi.h>
#include <petscsys.h>

#include <string>
#include <vector>

#include "specavg/parallel/invariant_eps.hpp"
#include "specavg/estimate/model.hpp"

namespace specavg {

// Collective. Generators from a `-group` spec (group/coordinate_groups.hpp) and/or a
// `-group_file` (dataset `generators` (m, d, d) and, on the torus, optional `shifts`
// (m, d)), merged when both are given; at least one is required. All are validated as
// isometries of M. `label` receives a printable description.
PetscErrorCode resolve_group(MPI_Comm comm, const Manifold& M, const std::string& spec, const std::string& group_file,
                             std::vector<Isometry>* gens, std::string* label);

struct BasisOptions {
  std::string method = "auto";  // -basis_method auto|dense|slepc|monomial|wigner|ring
  PetscInt dense_max = 1000;    // -basis_dense_max: auto uses SLEPc above this m_λ
  double null_tol = 1e-8;       // -basis_null_tol
  NullSpaceEpsOptions eps;      // -basis_eps_* (SLEPc options prefix basis_)
  bool verbose = false;         // per-eigenspace progress lines for large eigenspaces
};

// Whether the exact Wigner route (group/wigner_invariants.hpp) computes the basis: S² with
// generators and -basis_method auto or wigner.
bool uses_wigner_route(const Manifold& M, const BasisOptions& opt, const std::vector<Isometry>& gens);

// Whether that route gives block-sparse Q (SpaceInvariants::sparse) for every eigenspace:
// WignerInvariants::block_sparse() (generators mapping the z-axis to ±z: Cs, Ci, C<n>, ...).
bool uses_block_sparse_route(const Manifold& M, const BasisOptions& opt, const std::vector<Isometry>& gens);

// Whether the invariant-ring route (group/ring_invariants.hpp) computes the basis of
// `spaces`: -basis_method ring, or auto where it applies (spheres other than S² under
// signed permutations) and its estimated cost is below that of the per-eigenspace routes.
bool uses_ring_route(const Manifold& M, const BasisOptions& opt, const std::vector<Isometry>& gens,
                     const std::vector<Eigenspace>& spaces);

// Estimated flops of the invariant subspace of one eigenspace of multiplicity m under r
// generators on the route `opt` picks (load balancing, and the time estimate of
// parallel/resource_estimate.hpp).
double basis_space_cost(const Manifold& M, const BasisOptions& opt, const std::vector<Isometry>& gens, std::size_t m,
                        std::size_t r);

// basis_space_cost of every eigenspace in `spaces` (one Wigner plan for all of them).
std::vector<double> basis_costs(const Manifold& M, const BasisOptions& opt, const std::vector<Isometry>& gens,
                                const std::vector<Eigenspace>& spaces);

// Collective. Invariant subspaces of every eigenspace within the cutoff: eigenspaces are
// assigned to ranks by estimated cost (longest-processing-time first), computed there
// (dense eigensolver, or SLEPc on PETSC_COMM_SELF for m_λ > dense_max; on the Wigner route
// each rank solves its degrees in ascending order), then broadcast. On the ring route
// every rank computes the (small) ring representation itself and basis->ring (spheres) or
// basis->torus_ring (the torus) is set.
// The result is identical on every rank and independent of the rank count.
PetscErrorCode build_invariant_basis_distributed(MPI_Comm comm, const Manifold& M, const Cutoff& cutoff,
                                                 const std::vector<Isometry>& gens, const BasisOptions& opt,
                                                 InvariantBasis* basis);

}  // namespace specavg
