#include "specavg/parallel/train.hpp"

#include <petsclog.h>

#include <cstdio>

#include "specavg/comm/collective.hpp"
#include "specavg/parallel/dataset.hpp"
#include "specavg/parallel/distributed_basis.hpp"
#include "specavg/parallel/features.hpp"
#include "specavg/parallel/krr.hpp"
#include "specavg/estimate/kernel.hpp"
#include "specavg/comm/petsc_util.hpp"

namespace specavg {
namespace {

// PETSc log stages, registered once per process (shown by -log_view).
PetscErrorCode stage(const char* name, PetscLogStage* s) {
  PetscFunctionBeginUser;
  PetscCall(PetscLogStageGetId(name, s));
  if (*s < 0) PetscCall(PetscLogStageRegister(name, s));
  PetscFunctionReturn(PETSC_SUCCESS);
}

// The kernel of -penalty kernel (-krr_kernel / -krr_width, defaults of the manifold).
KernelSpec penalty_kernel_spec(const Manifold& M, const TrainOptions& opt) {
  KrrOptions ko;
  ko.kernel = opt.penalty_kernel;
  ko.width = opt.penalty_width;
  return krr_kernel_spec(M, ko);
}

}  // namespace

PetscErrorCode resolve_manifold(MPI_Comm comm, const std::string& name, int dim, const std::string& data, Manifold* M) {
  PetscFunctionBeginUser;
  if (dim < 0 && name == "s2") dim = 3;
  if (dim < 0) {
    PetscCall(collective_check(comm, !data.empty(), "-dim is required for -manifold " + name + " without -data"));
    PetscCall(peek_point_dim(comm, data, "-data", &dim));
  }
  SPECAVG_CALL_CXX(comm, *M = make_manifold(name, dim));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode train_model(MPI_Comm comm, const TrainOptions& opt, Model* model, TrainReport* rep) {
  PetscFunctionBeginUser;
  PetscLogStage s_read, s_basis, s_assemble, s_solve;
  PetscCall(stage("specavg: read", &s_read));
  PetscCall(stage("specavg: basis", &s_basis));
  PetscCall(stage("specavg: assemble", &s_assemble));
  PetscCall(stage("specavg: solve", &s_solve));
  const double t_start = MPI_Wtime();
  int size;
  PetscCallMPI(MPI_Comm_size(comm, &size));
  PetscCall(collective_check(comm, opt.tau >= 0, "-tau must be >= 0"));
  PetscCall(collective_check(comm, opt.penalty == "sobolev" || opt.penalty == "kernel",
                             "unknown -penalty '" + opt.penalty + "': expected sobolev or kernel"));
  Manifold M;
  PetscCall(resolve_manifold(comm, opt.manifold, opt.dim, opt.data, &M));
  if (opt.penalty == "kernel" && opt.estimator == EstimatorKind::Ridge) {  // fail before the read
    SPECAVG_CALL_CXX(comm, const Kernel kern(M, penalty_kernel_spec(M, opt));
                     (void)kern.space_eigenvalue(eigenspace_of(M, 0)));
  }
  Cutoff cutoff = opt.cutoff;
  if (!cutoff.set()) cutoff.nbasis = kDefaultNbasis;

  // Group first: a bad -group should fail before any large read.
  std::vector<Isometry> gens;
  std::string label;
  PetscCall(resolve_group(comm, M, opt.group, opt.group_file, &gens, &label));
  std::vector<Eigenspace> spaces;  // also validates the cutoff before the read
  SPECAVG_CALL_CXX(comm, spaces = eigenspaces_within(M, cutoff));

  PetscCall(PetscLogStagePush(s_read));
  double t = MPI_Wtime();
  LocalData data;
  PetscCall(load_rows(comm, opt.data, {"-data", ValuesNeed::Required, &M}, &data));
  rep->t_read = MPI_Wtime() - t;
  PetscCall(PetscLogStagePop());
  if (opt.verbose)
    PetscCall(PetscPrintf(comm, "[specavg] read %lld points × %d target(s) on %s from %s on %d rank(s): %.2f s\n",
                          (long long)data.n_global, data.ntargets, M.describe().c_str(), opt.data.c_str(), size,
                          rep->t_read));

  PetscCall(PetscLogStagePush(s_basis));
  t = MPI_Wtime();
  model->basis = InvariantBasis{};
  BasisOptions bo = opt.basis;
  bo.verbose = bo.verbose || opt.verbose;
  if (opt.verbose)
    PetscCall(PetscPrintf(comm, "[specavg] invariant subspaces of %zu eigenspaces (%s), %zu generator(s) ...\n",
                          spaces.size(), cutoff.describe().c_str(), gens.size()));
  PetscCall(build_invariant_basis_distributed(comm, M, cutoff, gens, bo, &model->basis));
  rep->t_basis = MPI_Wtime() - t;
  PetscCall(PetscLogStagePop());
  const int D = model->basis.dinv();
  if (opt.verbose)
    PetscCall(PetscPrintf(comm,
                          "[specavg] invariant basis for %s, %s: D = %zu basis functions -> D_inv = %d invariant "
                          "features: %.2f s\n",
                          label.c_str(), cutoff.describe().c_str(), model->basis.dtotal(), D, rep->t_basis));

  PetscCall(PetscLogStagePush(s_assemble));
  NormalEquations ne;
  int rank;
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  auto progress = [&](double f) {  // rank 0's own rows stand for all (equal blocks)
    if (opt.verbose && rank == 0)
      std::printf("[specavg]   features + assembly %3.0f%% done\n", 100 * f), std::fflush(stdout);
  };
  PetscCall(assemble_local(model->basis, data, opt.block_rows, opt.estimator == EstimatorKind::Ridge, &ne, progress));
  PetscCall(PetscLogStagePop());
  double tl[2] = {ne.t_features, ne.t_assembly}, tg[2];
  PetscCallMPI(MPI_Allreduce(tl, tg, 2, MPI_DOUBLE, MPI_MAX, comm));
  rep->t_features = tg[0];
  rep->t_assembly = tg[1];
  rep->gflops_assembly = ne.t_assembly > 0 ? ne.flops_assembly / ne.t_assembly * 1e-9 : 0;
  rep->values_per_second = ne.t_features > 0 ? double(ne.n) * ne.values_per_point / ne.t_features : 0;
  if (opt.verbose)
    PetscCall(PetscPrintf(comm, "[specavg] features %.2f s, assembly %.2f s (%.2f GFLOP/s per rank)\n", rep->t_features,
                          rep->t_assembly, rep->gflops_assembly));

  PetscCall(PetscLogStagePush(s_solve));
  std::vector<double> weights;
  if (opt.penalty == "kernel") {
    SPECAVG_CALL_CXX(comm, const Kernel kern(M, penalty_kernel_spec(M, opt));
                     weights = penalty_weights(model->basis, opt.sobolev_s, &kern);
                     model->penalty = "kernel " + kern.describe());
  } else {
    weights = penalty_weights(model->basis, opt.sobolev_s);
    model->penalty = "sobolev, s = " + std::to_string(opt.sobolev_s);
  }
  PetscCall(solve_reduced(comm, ne, opt.estimator, opt.tau, weights, &model->coef, &rep->solve));
  PetscCall(PetscLogStagePop());
  rep->t_reduce = rep->solve.t_reduce;
  rep->t_setup = rep->solve.t_setup;
  rep->t_solve = rep->solve.t_solve;
  if (opt.verbose)
    PetscCall(
        PetscPrintf(comm, "[specavg] reduced %s: reduce %.3f s, factor %.3f s, solve %.3f s, max rel. residual %.1e\n",
                    rep->solve.method.c_str(), rep->t_reduce, rep->t_setup, rep->t_solve, rep->solve.max_rel_residual));

  model->group_spec = label;
  model->generators = gens;
  model->estimator = opt.estimator;
  model->tau = opt.tau;
  model->sobolev_s = opt.sobolev_s;
  model->ntargets = data.ntargets;
  model->prov.version = SPECAVG_VERSION;
  model->prov.nranks = size;
  model->prov.n_train = rep->solve.n;
  model->prov.weight_sum = rep->solve.wsum;
  rep->t_total = MPI_Wtime() - t_start;
  model->prov.timings = {{"read", rep->t_read},         {"basis", rep->t_basis},   {"features", rep->t_features},
                         {"assembly", rep->t_assembly}, {"reduce", rep->t_reduce}, {"factor", rep->t_setup},
                         {"solve", rep->t_solve},       {"total", rep->t_total}};
  PetscFunctionReturn(PETSC_SUCCESS);
}

}  // namespace specavg
