#pragma once
// Owned-row assembly of the reduced Gram matrix, for D_inv so large that no rank should
// hold the whole D_inv × D_inv matrix (docs/long-runs.md).
//
// The replicated route (parallel/features.hpp) gives every rank a full partial Gram of its
// own data rows and reduce-scatters them afterwards: 8·D_inv² bytes per rank. Here each
// rank owns its share of the Gram in ScaLAPACK's block-cyclic layout
// (parallel/block_cyclic.hpp: rows R and columns C of a √P-ish process grid) and sums,
// over every rank's data, only those entries of the lower triangle:
//   G[R_{≥c0}, J] += Ψ_q[:, R_{≥c0}]ᵀ W_q Ψ_q[:, J]    for each panel J of local columns (from c0),
// for the block of every rank q, with the weighted feature blocks passed round a ring
// (rank r sends to r+1 while it multiplies), so a rank holds its share (8·D_inv²/P bytes),
// its own feature block and one arriving block (and, on a grid of several process rows,
// a copy of its rows' columns). ScaLAPACK then factors that array in place
// (parallel/in_place_solve.hpp). The right-hand side ΨᵀWY, Σwy², Σw and the counts stay
// per rank's data, as on the replicated route. The sums equal the replicated route's to
// rounding.
#include <mpi.h>
#include <petscsys.h>

#include <vector>

#include "specavg/estimate/invariant_features.hpp"
#include "specavg/io/row_source.hpp"
#include "specavg/parallel/features.hpp"

namespace specavg {

// Local. Starts owned sums (with_gram) for this rank's share, block_cyclic_layout(dinv,
// rank, size).
void start_owned_normal_equations(int dinv, int ntargets, int rank, int size, NormalEquations* ne);

// Scratch of the ring (two feature blocks), kept across rounds.
struct OwnedRing {
  std::vector<double> mine, other, tile, yw, rows, panel;
};

// Collective: one round. Every rank passes its next `count` rows (count may be 0, e.g. a
// rank whose rows are all read, so every rank calls it equally often); they are summed
// into every rank's owned rows. count ≤ block_rows; block_rows · D_inv < 2³¹. (A row
// source's next_block gives every rank the same number of blocks, empty once its rows
// are read: one round per block.)
PetscErrorCode accumulate_owned_round(MPI_Comm comm, InvariantFeatures& feats, const double* points,
                                      const double* values, const double* weights, PetscInt count, PetscInt block_rows,
                                      NormalEquations* ne, OwnedRing* ring);

// Collective. G·X for the global Gram G = Σ_i w_i ψ_i ψ_iᵀ (not divided by W) and X
// (D_inv × k, row-major, the same on every rank), without G: one pass over the rows of
// `src` (rewound first, read in blocks of block_rows), 4·n·D_inv·k flops. *gx (D_inv × k,
// row-major) on every rank. Used for the true residual once the matrix is factored in place.
PetscErrorCode gram_times_streamed(MPI_Comm comm, RowSource& src, InvariantFeatures& feats, PetscInt block_rows,
                                   const std::vector<double>& X, int k, std::vector<double>* gx);

// The full Gram (dinv × dinv, symmetric) on every rank from the owned shares (the
// redundant solve of a small system, or tests): MPI_Allreduce. Collective.
PetscErrorCode gather_owned_gram(MPI_Comm comm, const NormalEquations& ne, std::vector<double>* full);

}  // namespace specavg
