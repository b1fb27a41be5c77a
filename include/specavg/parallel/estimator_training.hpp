#pragma once
// Distributed fitting of each registered estimator (estimate/estimator.hpp): the training
// half of the estimator seam. Invariant-basis estimators run the staged pipeline
// (parallel/train.hpp); the kernel-ridge ones build and factor the kernel matrix
// (parallel/krr.hpp). A new estimator adds one entry to the table in
// estimator_training.cpp.
#include <mpi.h>
#include <petscsys.h>

#include "specavg/estimate/model.hpp"
#include "specavg/parallel/krr.hpp"
#include "specavg/parallel/train.hpp"

namespace specavg {

// Fits opt.estimator on opt.data into *model; kopt holds the kernel-ridge options (its
// estimator is ignored: opt.estimator decides). t_total: wall time of the fit. interrupted
// (optional): a signal stopped the invariant pipeline (train_model), *model is untouched.
// Collective.
PetscErrorCode train_estimator(MPI_Comm comm, const TrainOptions& opt, const KrrOptions& kopt, Model* model,
                               double* t_total, bool* interrupted = nullptr);

}  // namespace specavg
