#include <cmath>
#include <filesystem>

#include "app_internal.hpp"
#include "specavg/app/commands.hpp"
#include "specavg/app/options.hpp"
#include "specavg/comm/collective.hpp"
#include "specavg/parallel/distributed_basis.hpp"
#include "specavg/parallel/synth.hpp"
#include "specavg/io/model_file.hpp"
#include "specavg/comm/petsc_util.hpp"

namespace specavg {

// The default job: synthesize an I_h-invariant field from 10^6 noisy samples, train,
// predict and evaluate, and print a report with per-phase times.
PetscErrorCode cmd_default(MPI_Comm comm) {
  PetscFunctionBeginUser;
  const double t_start = MPI_Wtime();
  std::string workdir = "specavg-run";
  PetscInt n = 1000000, n_test = 100000, seed = 1;
  double noise = 0.1;
  TrainOptions opt;
  opt.group = "Ih";
  EvalOptions eo;
  ResourceOptions res;
  std::string target = "auto";
  PetscOptionsBegin(comm, nullptr, "specavg (default job): synth -> train -> predict -> eval (default: S^2, I_h)",
                    "specavg");
  PetscCall(
      option_string(PetscOptionsObject, "-workdir", "Directory for the job's data, model and predictions", &workdir));
  PetscCall(option_int(PetscOptionsObject, "-n", "Training points", &n, 1, PETSC_MAX_INT));
  PetscCall(option_int(PetscOptionsObject, "-n_test", "Test points", &n_test, 1, PETSC_MAX_INT));
  PetscCall(option_real(PetscOptionsObject, "-noise", "Noise standard deviation", &noise, 0.0, kInfinity));
  PetscCall(option_int(PetscOptionsObject, "-seed", "Seed of the training data (test data use seed + 1)", &seed, 0,
                       PETSC_MAX_INT - 1));
  PetscCall(option_string(PetscOptionsObject, "-target", "Synthetic target (see specavg synth -help)", &target));
  PetscCall(options_train(PetscOptionsObject, &opt));
  PetscCall(options_eval(PetscOptionsObject, &eo));
  PetscCall(options_resources(PetscOptionsObject, &res));
  PetscOptionsEnd();
  PetscCall(options_done(comm, ""));
  if (help_requested()) PetscFunctionReturn(PETSC_SUCCESS);

  PetscCall(apply_resources(comm, res));
  opt.max_block_mib = res.max_block_mib;
  int rank, size;
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  PetscCallMPI(MPI_Comm_size(comm, &size));
  int made = 1;
  if (rank == 0) {
    std::error_code ec;
    std::filesystem::create_directories(workdir, ec);
    made = !ec;
  }
  PetscCallMPI(MPI_Bcast(&made, 1, MPI_INT, 0, comm));
  PetscCall(collective_check(comm, made, "cannot create -workdir '" + workdir + "'"));
  const std::string train = workdir + "/train.h5", test = workdir + "/test.h5", model_path = workdir + "/model.h5",
                    pred = workdir + "/pred.h5";
  SynthConfig sc;
  PetscCall(collective_check(comm, manifold_default_dim(opt.manifold) > 0 || opt.dim > 0,
                             "-dim is required for -manifold " + opt.manifold + " (coordinates per point)"));
  PetscCall(resolve_manifold(comm, opt.manifold, opt.dim, "", &sc.manifold));
  opt.dim = sc.manifold->dim();
  std::string par;
  PetscCall(describe_parallelism(comm, &par));
  PetscCall(PetscPrintf(
      comm, "[specavg] default job on %s: learn an exactly %s-invariant field on %s from %lld noisy samples\n",
      par.c_str(), opt.group.c_str(), sc.manifold->describe().c_str(), (long long)n));
  std::string label;
  PetscCall(resolve_group(comm, *sc.manifold, opt.group, opt.group_file, &sc.generators, &label));
  sc.noise = noise;
  sc.target = target;
  sc.block_rows = stream_block_rows(res, 8.0 * (sc.manifold->dim() + 2));
  double t = MPI_Wtime();
  sc.n = n;
  sc.seed = (unsigned long long)seed;
  sc.output = train;
  PetscCall(synthesize(comm, sc));
  sc.n = n_test;
  sc.seed = (unsigned long long)seed + 1;
  sc.output = test;
  PetscCall(synthesize(comm, sc));
  const double t_synth = MPI_Wtime() - t;
  PetscCall(PetscPrintf(comm, "[specavg] synthesized %s and %s: %.2f s\n", train.c_str(), test.c_str(), t_synth));

  opt.data = train;
  Model model;
  TrainReport rep;
  PetscCall(train_model(comm, opt, &model, &rep));
  model.prov.options = options_string();
  model.prov.created = timestamp_utc();
  t = MPI_Wtime();
  PetscCall(write_model(comm, model, model_path));
  const double t_write = MPI_Wtime() - t;

  double t_predict;
  Attributes attrs;
  PetscCall(prediction_attributes(comm, model, model_path, &attrs));
  const int dim = model.manifold().dim(), k = model.ntargets;
  PetscCall(predict_file(comm, model, test, pred, attrs, &t_predict, false, "",
                         stream_block_rows(res, 8.0 * (dim + k))));
  t = MPI_Wtime();
  std::unique_ptr<RowSource> src;
  PetscCall(open_row_source(comm, test, {"-data", ValuesNeed::Required, &model.manifold()}, &src));
  EvalReport er;
  PetscCall(evaluate_model_stream(comm, model, *src, stream_block_rows(res, 8.0 * (2 * dim + 4 * k + 1)), eo.id_points,
                                  int(eo.id_words), int(eo.id_word_length), &er));
  const double t_eval = MPI_Wtime() - t;
  const double total = MPI_Wtime() - t_start;

  const int D = model.basis.dinv();
  PetscCall(PetscPrintf(comm, "\n==== specavg report ====\n"));
  PetscCall(PetscPrintf(comm, "problem      %s, group %s, %s, D = %zu -> D_inv = %d, %s estimator, tau %g, s %g\n",
                        model.manifold().describe().c_str(), label.c_str(), model.basis.cutoff.c_str(),
                        model.basis.dtotal(), D, opt.estimator->name(), opt.tau, opt.sobolev_s));
  PetscCall(PetscPrintf(comm, "data         %lld train / %lld test points, noise %g, %d rank(s)\n", (long long)n,
                        (long long)n_test, noise, size));
  PetscCall(print_eval(comm, er));
  if (er.rmse_truth >= 0)
    PetscCall(PetscPrintf(comm, "[specavg] noise-limited RMSE sigma*sqrt(D_inv/n) = %.6e (ratio %.2f)\n",
                          noise * std::sqrt(double(D) / double(n)),
                          er.rmse_truth / (noise * std::sqrt(double(D) / double(n)))));
  PetscCall(PetscPrintf(comm, "phase times (s, max over ranks):\n"));
  PetscCall(PetscPrintf(comm,
                        "  synth %.2f | read %.2f | basis %.2f | features %.2f | assembly %.2f | reduce+solve %.3f | "
                        "write %.3f | predict %.2f | eval %.2f\n",
                        t_synth, rep.t_read, rep.t_basis, rep.t_features, rep.t_assembly,
                        rep.t_reduce + rep.t_setup + rep.t_solve, t_write, t_predict, t_eval));
  PetscCall(PetscPrintf(comm, "  basis evaluation %.3g values/s per rank; total wall %.2f s\n", rep.values_per_second,
                        total));
  PetscCall(PetscPrintf(comm, "files        %s, %s, %s, %s\n", train.c_str(), test.c_str(), model_path.c_str(),
                        pred.c_str()));
  PetscFunctionReturn(PETSC_SUCCESS);
}

}  // namespace specavg
