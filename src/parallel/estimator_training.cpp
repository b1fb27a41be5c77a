#include "specavg/parallel/estimator_training.hpp"

#include <string>
#include <utility>
#include <vector>

#include "specavg/comm/collective.hpp"
#include "specavg/comm/errors.hpp"

namespace specavg {

namespace {

using TrainFunction = PetscErrorCode (*)(MPI_Comm, const TrainOptions&, const KrrOptions&, Model*, double*, bool*);

PetscErrorCode train_invariant_expansion(MPI_Comm comm, const TrainOptions& opt, const KrrOptions&, Model* model,
                                         double* t_total, bool* interrupted) {
  PetscFunctionBeginUser;
  TrainReport rep;
  PetscCall(train_model(comm, opt, model, &rep));
  *t_total = rep.t_total;
  *interrupted = rep.interrupted;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode train_kernel_ridge(MPI_Comm comm, const TrainOptions& opt, const KrrOptions& kopt, Model* model,
                                  double* t_total, bool* interrupted) {
  PetscFunctionBeginUser;
  KrrOptions k = kopt;
  SPECAVG_CALL_CXX(comm, k.estimator = &as_kernel_ridge(*opt.estimator));
  KrrReport rep;
  PetscCall(train_krr(comm, opt, k, model, &rep));
  *t_total = rep.t_total;
  *interrupted = false;
  PetscFunctionReturn(PETSC_SUCCESS);
}

const std::vector<std::pair<const Estimator*, TrainFunction>>& trainers() {
  static const std::vector<std::pair<const Estimator*, TrainFunction>> table{
      {&ridge_estimator(), train_invariant_expansion},  {&spectral_estimator(), train_invariant_expansion},
      {&krr_estimator(), train_kernel_ridge},           {&krr_group_averaged_estimator(), train_kernel_ridge},
      {&krr_augmented_estimator(), train_kernel_ridge},
  };
  return table;
}

}  // namespace

PetscErrorCode train_estimator(MPI_Comm comm, const TrainOptions& opt, const KrrOptions& kopt, Model* model,
                               double* t_total, bool* interrupted) {
  PetscFunctionBeginUser;
  bool stopped = false;
  for (const auto& [est, train] : trainers())
    if (est == opt.estimator) {
      PetscCall(train(comm, opt, kopt, model, t_total, &stopped));
      if (interrupted) *interrupted = stopped;
      PetscFunctionReturn(PETSC_SUCCESS);
    }
  PetscCall(collective_check(comm, false,
                             std::string("estimator '") + opt.estimator->name() +
                                 "' has no training entry (parallel/estimator_training.cpp)"));
  PetscFunctionReturn(PETSC_SUCCESS);
}

}  // namespace specavg
