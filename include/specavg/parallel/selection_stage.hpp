#pragma once
// Data-only model selection and the error model of a fit, as a stage of the training
// pipeline (parallel/train.hpp) between accumulate and reduce. Collective on comm.
//
//  * gcv    from the global sums (one allreduce of ΨᵀWΨ, ΨᵀWy, Σwy², W).
//  * kfold  the accumulate stage keeps one set of partial sums per fold; a row's fold is
//           a counter-based hash of its global index (fold_of), so the folds, and the
//           choice, do not depend on the number of ranks.
//  * loo    a second pass over the data (the source is opened again) with the hat-matrix
//           identity r_i / (1 − h_ii) per (cutoff, τ).
// The candidate cutoffs are the eigenspace boundaries up to the trained cutoff (nested
// prefixes of the features); the τ grid is -tau_grid. The chosen fit per target (or
// pooled) becomes the model's coefficients, from the same eigendecomposition.
// With -uncertainty (default when D_inv ≤ -uncertainty_max_dinv) the noise variance per
// target and the unit coefficient covariance are computed as well (estimate/model.hpp).
// Both need the full D_inv × D_inv sums on every rank: refused above
// -uncertainty_max_dinv, where the distributed solve is meant to run.
#include <mpi.h>
#include <petscsys.h>

#include <cstdint>
#include <vector>

#include "specavg/estimate/model_selection.hpp"
#include "specavg/io/row_source.hpp"
#include "specavg/parallel/features.hpp"

namespace specavg {

struct SelectOptions {
  SelectCriterion criterion = SelectCriterion::None;  // -select
  std::vector<double> taus;                           // -tau_grid lo:hi:count (default 1e-10:10:30)
  int folds = 5;                                      // -select_folds
  bool pooled = false;                                // -select_pool
  int uncertainty = -1;                               // -uncertainty 0|1 (−1: when D_inv ≤ max)
  int uncertainty_max_dinv = 4000;                    // -uncertainty_max_dinv
  bool kfold() const { return criterion == SelectCriterion::KFold; }
};

// Fold of a row (0..folds−1) from its global index: a pure function (counter-based hash).
int fold_of(long long global_row, int folds);

// Accumulates the rows of one block into the per-fold partial sums (local).
PetscErrorCode accumulate_rows_by_fold(InvariantFeatures& feats, const RowBlock& block, PetscInt block_rows,
                                       std::vector<NormalEquations>* folds);

// Sums the folds' partial sums into `total` (local; total must be started).
void add_normal_equations(const NormalEquations& part, NormalEquations* total);

// Global sums on every rank (an allreduce; local must be finished). Collective.
PetscErrorCode allreduce_sums(MPI_Comm comm, const NormalEquations& local, ReducedSums* global);

// The nested candidate cutoffs: one per eigenspace that adds invariant features.
std::vector<CutoffCandidate> cutoff_candidates(const InvariantBasis& basis);

}  // namespace specavg
