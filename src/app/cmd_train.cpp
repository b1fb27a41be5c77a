#include <petscksp.h>

#include <cmath>
#include <ctime>

#include "app_internal.hpp"
#include "specavg/app/commands.hpp"
#include "specavg/app/options.hpp"
#include "specavg/comm/collective.hpp"
#include "specavg/parallel/estimator_training.hpp"
#include "specavg/parallel/reduced_solve.hpp"
#include "specavg/io/model_file.hpp"
#include "specavg/io/output_path.hpp"
#include "specavg/comm/petsc_util.hpp"

namespace specavg {

std::string timestamp_utc() {
  char buf[32];
  std::time_t t = std::time(nullptr);
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&t));
  return buf;
}

PetscErrorCode cmd_train(MPI_Comm comm) {
  PetscFunctionBeginUser;
  TrainOptions opt;
  KrrOptions kopt;
  std::string model_path, method = "specavg";
  DataInputOptions din;
  PetscOptionsBegin(comm, nullptr, "specavg train: fit an exactly G-invariant model on a manifold", "specavg");
  PetscCall(option_string(PetscOptionsObject, "-data",
                          "Training data: HDF5 (points (n x dim), values (n or n x k), optional weights (n)) or a "
                          "HEALPix FITS map or a CF netCDF field (cells as points, area weights, time steps as "
                          "targets)",
                          &opt.data));
  PetscCall(options_data_input(PetscOptionsObject, &din));
  PetscCall(option_string(PetscOptionsObject, "-model", "Output model file (HDF5, written atomically)", &model_path));
  PetscCall(options_train(PetscOptionsObject, &opt));
  PetscCall(option_string(PetscOptionsObject, "-method",
                          "Older spelling: specavg (the -estimator ridge or spectral, default) or krr, krr-ga, "
                          "krr-aug (the same as -estimator krr ...)",
                          &method));
  if (method != "specavg") {
    PetscCall(collective_check(comm, has_estimator(method),
                               "unknown -method '" + method + "': expected specavg, krr, krr-ga or krr-aug"));
    const Estimator* est = &find_estimator(method);
    PetscCall(collective_check(comm, !est->uses_invariant_basis(),
                               "-method takes specavg, krr, krr-ga or krr-aug; choose ridge or spectral with "
                               "-estimator"));
    PetscCall(collective_check(comm, opt.estimator == &ridge_estimator() || opt.estimator == est,
                               "-method " + method + " conflicts with -estimator " + opt.estimator->name() +
                                   ": give one of them"));
    opt.estimator = est;
  }
  PetscCall(options_krr(PetscOptionsObject, &kopt));
  PetscCall(option_string(PetscOptionsObject, "-basis_from",
                          "Reuse the invariant basis of this specavg model (same manifold, group and cutoff)",
                          &opt.basis_from));
  PetscCall(PetscOptionsReal("-max_memory_gib",
                             "Memory per rank in GiB the job may use (default: MemAvailable / ranks on the node)", "",
                             opt.max_memory_gib, &opt.max_memory_gib, nullptr));
  PetscOptionsEnd();
  PetscCall(collective_check(comm, std::isfinite(opt.max_memory_gib) && opt.max_memory_gib >= 0,
                             "-max_memory_gib must be a finite number >= 0 (0: MemAvailable / ranks on the node)"));
  PetscCall(options_done(comm, "train"));
  opt.penalty_kernel = kopt.kernel;
  opt.penalty_width = kopt.width;
  if (help_mode() == HelpMode::Petsc) {  // also list the reduced solver's KSP/PC options
    PetscHandle<KSP, KSPDestroy> ksp;
    PetscCall(KSPCreate(comm, ksp.address()));
    PetscCall(configure_reduced_ksp(comm, ksp));
    PetscHandle<KSP, KSPDestroy> kksp;
    PetscCall(KSPCreate(comm, kksp.address()));
    PetscCall(configure_spd_ksp(comm, kksp, "krr_"));
  }
  if (help_requested()) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCall(collective_check(comm, !opt.data.empty(), "no training data given: pass -data <train.h5>"));
  PetscCall(collective_check(comm, !model_path.empty(), "no output model given: pass -model <model.h5>"));
  PetscCall(check_output_path(comm, {"-model", model_path},
                              {{"-data", opt.data}, {"-group_file", opt.group_file}, {"-basis_from", opt.basis_from}, {"-mask", din.mask}}));
  std::string par;
  PetscCall(describe_parallelism(comm, &par));
  PetscCall(PetscPrintf(comm, "[specavg] training on %s\n", par.c_str()));

  Model model;
  double t_total = 0;
  PetscCall(train_estimator(comm, opt, kopt, &model, &t_total));
  model.prov.options = options_string();
  model.prov.created = timestamp_utc();
  const double t = MPI_Wtime();
  PetscCall(write_model(comm, model, model_path));
  PetscCall(PetscPrintf(comm, "[specavg] model written to %s (%.3f s); training total %.2f s\n", model_path.c_str(),
                        MPI_Wtime() - t, t_total));
  PetscFunctionReturn(PETSC_SUCCESS);
}

}  // namespace specavg
