#pragma once
// k-fold cross-validation on the training data alone, for every estimator of `bench`
// (and any caller that holds the data in memory). A row's fold is fold_of(global row,
// folds) (parallel/selection_stage.hpp), so scores do not depend on the rank count.
// Scores are root-mean-square prediction errors of the held-out rows, over all folds
// and targets, against the (noisy) values: sqrt(Σ_f Σ_{i∈f} w_i |y_i − f_{−f}(x_i)|² / (k Σ w)).
// Collective on comm.
#include <mpi.h>
#include <petscsys.h>

#include <vector>

#include "specavg/estimate/model.hpp"
#include "specavg/parallel/dataset.hpp"
#include "specavg/parallel/krr.hpp"

namespace specavg {

// This rank's rows of `data`, split by fold (each part keeps its rows' global order).
std::vector<LocalData> split_by_fold(const LocalData& data, int folds);

// Invariant-basis estimators: one pass of per-fold sums (ΨᵀWΨ, ΨᵀWy, Σwy², W), then every
// τ from the same sums (estimate/model_selection.hpp, select_kfold). penalty: per
// feature; spectral: a = b/W (taus ignored, one score). rmse: one per τ.
PetscErrorCode kfold_invariant(MPI_Comm comm, const InvariantBasis& basis, const std::vector<LocalData>& parts,
                               const std::vector<double>& penalty, const std::vector<double>& taus, bool spectral,
                               std::vector<double>* rmse);

// Kernel ridge: for each fold the kernel matrix of the other folds' centers is taken
// from the built system (no kernel re-evaluation) and factored once per λ; the held-out
// rows are predicted with that fit. krr-aug keeps all images of a point in its fold.
// rmse: one per λ. The system's K is kept.
PetscErrorCode kfold_kernel_ridge(MPI_Comm comm, const KrrSystem& sys, const LocalData& data, int folds,
                                  const std::vector<double>& lambdas, std::vector<double>* rmse);

}  // namespace specavg
