#include "specavg/parallel/synth.hpp"

#include "specavg/comm/collective.hpp"
#include "specavg/estimate/synthetic_target.hpp"
#include "specavg/io/h5_parallel.hpp"
#include "specavg/comm/petsc_util.hpp"

namespace specavg {

PetscErrorCode synth_local(MPI_Comm comm, const Manifold& M, const TargetFunction& target, unsigned long long seed,
                           long long n, double noise, LocalData* d) {
  PetscFunctionBeginUser;
  const int dim = M.dim;
  *d = LocalData{};
  d->n_global = PetscInt(n);
  row_block(comm, PetscInt(n), &d->begin, &d->count);
  d->dim = dim;
  d->ntargets = 1;
  d->has_truth = true;
  d->points.resize(std::size_t(d->count) * dim);
  d->values.resize(std::size_t(d->count));
  d->truth.resize(std::size_t(d->count));
  for (PetscInt i = 0; i < d->count; ++i) {
    const unsigned long long gi = (unsigned long long)(d->begin + i);
    double* x = &d->points[std::size_t(i) * dim];
    synthetic_manifold_point(M, seed, gi, x);
    d->truth[i] = target(x);
    d->values[i] = d->truth[i] + noise * synthetic_noise(seed, gi);
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode synthesize(MPI_Comm comm, const SynthConfig& cfg, std::string* chosen) {
  PetscFunctionBeginUser;
  PetscCall(collective_check(comm, cfg.n > 0, "-n must be positive"));
  PetscCall(collective_check(comm, cfg.noise >= 0, "-noise must be >= 0"));
  std::unique_ptr<TargetFunction> target;
  std::string name;
  SPECAVG_CALL_CXX(comm, target = make_target(cfg.target, cfg.manifold, cfg.generators, cfg.max_group_order, &name));
  if (chosen) *chosen = name;
  const int d = cfg.manifold.dim;
  LocalData data;
  PetscCall(synth_local(comm, cfg.manifold, *target, cfg.seed, cfg.n, cfg.noise, &data));
  H5Writer w;
  PetscCall(w.create(comm, cfg.output));
  PetscCall(w.create_dataset("points", {hsize_t(cfg.n), hsize_t(d)}));
  PetscCall(w.create_dataset("values", {hsize_t(cfg.n)}));
  PetscCall(w.create_dataset("truth", {hsize_t(cfg.n)}));
  PetscCall(w.write_rows("points", data.begin, data.count, data.points.data()));
  PetscCall(w.write_rows("values", data.begin, data.count, data.values.data()));
  PetscCall(w.write_rows("truth", data.begin, data.count, data.truth.data()));
  PetscCall(w.commit());
  PetscFunctionReturn(PETSC_SUCCESS);
}

}  // namespace specavg
