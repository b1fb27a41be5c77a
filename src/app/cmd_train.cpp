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
#include "specavg/comm/errors.hpp"
#include "specavg/comm/petsc_util.hpp"
#include "specavg/util/interrupt.hpp"

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
  ResourceOptions res;
  CheckpointOptions& ck = opt.checkpoint;
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
  PetscCall(options_resources(PetscOptionsObject, &res));
  PetscCall(option_string(PetscOptionsObject, "-checkpoint",
                          "Checkpoint file (HDF5): the invariant basis and every rank's partial sums, written after "
                          "whole blocks (every -checkpoint_every seconds and on SIGUSR1/SIGTERM/SIGINT, which then "
                          "end the job with exit status 75: resume with -restart); removed once the model is written",
                          &ck.path));
  PetscCall(option_real(PetscOptionsObject, "-checkpoint_every",
                        "Seconds between checkpoints during the accumulation (0: only on a signal)", &ck.every, 0.0,
                        kInfinity));
  PetscCall(option_string(PetscOptionsObject, "-restart",
                          "Continue from this checkpoint (same options and data; any rank count); may be the "
                          "-checkpoint file itself",
                          &ck.restart));
  PetscCall(option_real(PetscOptionsObject, "-test_block_delay",
                        "Tests only: sleep this many seconds after every block of rows, so a test can interrupt "
                        "the accumulation",
                        &ck.test_block_delay, 0.0, 60.0));
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
                              {{"-data", opt.data}, {"-group_file", opt.group_file}, {"-basis_from", opt.basis_from}, {"-mask", din.mask},
                               {"-checkpoint", ck.path}, {"-restart", ck.restart}}));
  if (!ck.path.empty() || !ck.restart.empty())
    PetscCall(collective_check(comm, opt.estimator->uses_invariant_basis(),
                               std::string("-checkpoint and -restart apply to the ridge and spectral estimators; ") +
                                   opt.estimator->name() + " has no staged accumulation to resume"));
  PetscCall(collective_check(comm, ck.every == 0 || !ck.path.empty(),
                             "-checkpoint_every needs a file to write: pass -checkpoint <ck.h5>"));
  if (!ck.path.empty())  // the checkpoint may replace the -restart file, never the inputs
    PetscCall(check_output_path(comm, {"-checkpoint", ck.path},
                                {{"-data", opt.data}, {"-group_file", opt.group_file}, {"-basis_from", opt.basis_from},
                                 {"-mask", din.mask}}));
  opt.max_block_mib = res.max_block_mib;
  ck.handle_signals = true;
  PetscCall(apply_resources(comm, res));
  std::string par;
  PetscCall(describe_parallelism(comm, &par));
  PetscCall(PetscPrintf(comm, "[specavg] training on %s\n", par.c_str()));

  Model model;
  double t_total = 0;
  bool interrupted = false;
  PetscCall(train_estimator(comm, opt, kopt, &model, &t_total, &interrupted));
  if (interrupted) {  // no model: the job is to be resumed
    if (!ck.path.empty())
      PetscCall(PetscPrintf(comm,
                            "[specavg] stopped by a signal after %.2f s; checkpoint %s written: resume with -restart "
                            "%s (exit status %d)\n",
                            t_total, ck.path.c_str(), ck.path.c_str(), kExitResume));
    else
      PetscCall(PetscPrintf(comm,
                            "[specavg] stopped by a signal after %.2f s without -checkpoint: no model written, run "
                            "again (exit status %d)\n",
                            t_total, kExitResume));
    set_exit_status(kExitResume);
    PetscFunctionReturn(PETSC_SUCCESS);
  }
  model.prov.options = options_string();
  model.prov.created = timestamp_utc();
  const double t = MPI_Wtime();
  PetscCall(write_model(comm, model, model_path));
  PetscCall(PetscPrintf(comm, "[specavg] model written to %s (%.3f s); training total %.2f s\n", model_path.c_str(),
                        MPI_Wtime() - t, t_total));
  if (!ck.path.empty()) {  // the job is complete: a rerun must not resume it
    remove_file_on_root(comm, ck.path);
    remove_file_on_root(comm, ck.path + ".tmp");
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

}  // namespace specavg
