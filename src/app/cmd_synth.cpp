#include "app_internal.hpp"
#include "specavg/app/commands.hpp"
#include "specavg/app/options.hpp"
#include "specavg/comm/collective.hpp"
#include "specavg/parallel/distributed_basis.hpp"
#include "specavg/parallel/synth.hpp"
#include "specavg/comm/petsc_util.hpp"
#include "specavg/io/output_path.hpp"

namespace specavg {

PetscErrorCode cmd_synth(MPI_Comm comm) {
  PetscFunctionBeginUser;
  SynthConfig cfg;
  std::string spec, file, manifold = "s2";
  int dim = -1;
  ResourceOptions res;
  PetscInt n = cfg.n, seed = PetscInt(cfg.seed), cap = PetscInt(cfg.max_group_order);
  PetscOptionsBegin(comm, nullptr, "specavg synth: uniform points on a manifold with an exactly invariant noisy target",
                    "specavg");
  PetscCall(options_manifold(PetscOptionsObject, &manifold, &dim));
  PetscCall(option_int(PetscOptionsObject, "-n", "Number of points", &n, 1, PETSC_MAX_INT));
  PetscCall(option_real(PetscOptionsObject, "-noise", "Standard deviation of the Gaussian noise added to the target",
                        &cfg.noise, 0.0, kInfinity));
  PetscCall(option_int(PetscOptionsObject, "-seed",
                       "Random seed (data are identical for a seed whatever the rank count)", &seed, 0,
                       PETSC_MAX_INT));
  PetscCall(option_string(PetscOptionsObject, "-output", "Output HDF5 file: points, values, truth", &cfg.output));
  PetscCall(option_string(PetscOptionsObject, "-target",
                          "auto, bumps (group-averaged vMF bumps), powersum (permutations), even (signed "
                          "permutations), paper ((1/d) sum_i i x_i^2)",
                          &cfg.target));
  PetscCall(options_group(PetscOptionsObject, &spec, &file));
  PetscCall(option_int(PetscOptionsObject, "-max_group_order", "Largest group enumerated for the bumps target", &cap, 1,
                       PETSC_MAX_INT));
  PetscCall(options_resources(PetscOptionsObject, &res));
  PetscOptionsEnd();
  PetscCall(options_done(comm, "synth"));
  if (help_requested()) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCall(collective_check(comm, !cfg.output.empty(), "no output file given: pass -output <data.h5>"));
  PetscCall(collective_check(comm, manifold_default_dim(manifold) > 0 || dim > 0,
                             "-dim is required for -manifold " + manifold + " (coordinates per point)"));
  PetscCall(resolve_manifold(comm, manifold, dim, "", &cfg.manifold));
  std::string label;
  PetscCall(resolve_group(comm, *cfg.manifold, spec, file, &cfg.generators, &label));
  PetscCall(check_output_path(comm, {"-output", cfg.output}, {{"-group_file", file}}));
  cfg.group = label;
  cfg.n = n;
  cfg.seed = (unsigned long long)seed;
  cfg.max_group_order = std::size_t(cap);
  const double t = MPI_Wtime();
  std::string chosen;
  PetscCall(apply_resources(comm, res));
  cfg.block_rows = stream_block_rows(res, 8.0 * (cfg.manifold->dim() + 2));  // points, values, truth
  PetscCall(synthesize(comm, cfg, &chosen));
  PetscCall(PetscPrintf(comm,
                        "[specavg] synthesized %lld points on %s (group %s, target %s, noise %g, seed %lld) -> %s: "
                        "%.2f s\n",
                        (long long)cfg.n, cfg.manifold->describe().c_str(), label.c_str(), chosen.c_str(), cfg.noise,
                        (long long)cfg.seed, cfg.output.c_str(), MPI_Wtime() - t));
  PetscFunctionReturn(PETSC_SUCCESS);
}

}  // namespace specavg
