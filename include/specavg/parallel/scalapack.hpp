#pragma once
// ScaLAPACK's Cholesky factorization and solves on a matrix already stored in its
// block-cyclic layout (parallel/block_cyclic.hpp), through BLACS on an MPI communicator.
// Used by the owned-row route so that the factor overwrites the very array the assembly
// summed into. Only the lower triangle of the matrix is read (uplo = 'L').
#include <mpi.h>
#include <petscsys.h>

#include <vector>

#include "specavg/parallel/block_cyclic.hpp"

namespace specavg {

// A BLACS process grid over comm with the layout's shape (row-major rank order), released
// on destruction. Collective (creation and destruction).
class BlacsGrid {
 public:
  BlacsGrid() = default;
  BlacsGrid(const BlacsGrid&) = delete;
  BlacsGrid& operator=(const BlacsGrid&) = delete;
  ~BlacsGrid();
  PetscErrorCode init(MPI_Comm comm, const BlockCyclic& layout);
  int context() const { return ctxt_; }

 private:
  int handle_ = -1, ctxt_ = -1;
};

// Collective. Overwrites the lower triangle of the layout's local array `a` (column-major,
// leading dimension layout.lld()) with its Cholesky factor L (A = L Lᵀ). *info as pdpotrf:
// 0 on success, j > 0 when the leading minor of order j is not positive definite; the same
// on every rank.
PetscErrorCode block_cyclic_cholesky(MPI_Comm comm, const BlacsGrid& grid, const BlockCyclic& layout, double* a,
                                     int* info);
// Collective. X = A⁻¹ B for the factor from block_cyclic_cholesky, with B and X whole on
// every rank (n × k, row-major): B is scattered into ScaLAPACK's layout, solved (pdpotrs)
// and gathered back.
PetscErrorCode block_cyclic_cholesky_solve(MPI_Comm comm, const BlacsGrid& grid, const BlockCyclic& layout,
                                           const double* a, const std::vector<double>& B, int k,
                                           std::vector<double>* X);

}  // namespace specavg
