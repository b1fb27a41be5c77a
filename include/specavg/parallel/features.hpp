#pragma once
// Local assembly of the reduced (invariant) normal equations from a rank's rows, block
// by block so memory stays bounded: per block of b rows, Φ (b × basis functions) and Ψ (b × D_inv)
// are formed, then Gram += ΨᵀWΨ (DSYRK) and rhs += ΨᵀWY (DGEMM).
#include <mpi.h>
#include <petscsys.h>

#include <functional>
#include <vector>

#include "specavg/parallel/block_cyclic.hpp"
#include "specavg/parallel/dataset.hpp"
#include "specavg/estimate/invariant_features.hpp"
#include "specavg/estimate/model.hpp"

namespace specavg {

struct NormalEquations {
  int dinv = 0, ntargets = 0;
  // Replicated (owned = false): dinv × dinv, full symmetric: Σ_i w_i ψ_i ψ_iᵀ over this
  // rank's data rows. Owned (parallel/owned_gram.hpp): this rank's share of the lower
  // triangle of Σ_i w_i ψ_i ψ_iᵀ over every rank's data rows, in ScaLAPACK's block-cyclic
  // layout `layout` (column-major, leading dimension layout.lld(); entries above the
  // diagonal are undefined).
  std::vector<double> gram;
  bool owned = false;
  BlockCyclic layout;
  std::vector<double> rhs;   // dinv × ntargets, row-major: Σ_i w_i ψ_i y_iᵀ
  std::vector<double> yy;    // ntargets: Σ_i w_i y_i² (residual norms for model selection)
  double wsum = 0.0;         // Σ_i w_i
  long long n = 0;           // rows accumulated (this rank)
  long long n_positive = 0;  // of which with a positive weight (the rank of gram is at most this)
  bool with_gram = true;
  bool finished = false;                      // gram mirrored to full symmetric (finish_normal_equations)
  double t_features = 0.0, t_assembly = 0.0;  // seconds on this rank
  double flops_features = 0.0, flops_assembly = 0.0;
  double values_per_point = 0.0;  // basis functions evaluated per point
};

// Rows per block of Φ + Ψ (16 MiB, 64 to 8192 rows) when nothing else decides;
// training reads larger I/O blocks and evaluates features in cache tiles.
PetscInt default_block_rows(const InvariantFeatures& feats);

// Staged accumulation (local, not collective): start, then any number of blocks of rows
// (points count × dim, values count × ntargets, weights count or null for ones), then
// finish (mirrors the Gram's upper triangle). The sums do not depend on how the rows
// are split into blocks beyond rounding. `feats` must be built from the same basis.
void start_normal_equations(int dinv, int ntargets, bool with_gram, NormalEquations* ne);
PetscErrorCode accumulate_rows(InvariantFeatures& feats, const double* points, const double* values,
                               const double* weights, PetscInt count, PetscInt block_rows, NormalEquations* ne);
void finish_normal_equations(NormalEquations* ne);

// Local (not collective) accumulation over this rank's rows (start + one pass + finish).
// with_gram = false skips ΨᵀWΨ (the spectral estimator needs only the right-hand side).
// progress, if set, is called with the fraction of rows done at each further quarter
// once the phase has run for more than two seconds.
PetscErrorCode assemble_local(const InvariantBasis& basis, const LocalData& data, PetscInt block_rows, bool with_gram,
                              NormalEquations* ne, const std::function<void(double)>& progress = {});

}  // namespace specavg
