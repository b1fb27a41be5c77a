#include "specavg/dist/synth.hpp"

#include "specavg/dist/collective.hpp"
#include "specavg/estimate/synthetic_target.hpp"
#include "specavg/io/h5_parallel.hpp"
#include "specavg/util/petsc_util.hpp"

namespace specavg {

PetscErrorCode synthesize(MPI_Comm comm, const SynthConfig& cfg, std::string* chosen) {
  PetscFunctionBeginUser;
  PetscCall(collective_check(comm, cfg.n > 0, "-n must be positive"));
  PetscCall(collective_check(comm, cfg.noise >= 0, "-noise must be >= 0"));
  std::unique_ptr<TargetFunction> target;
  std::string name;
  SPECAVG_CALL_CXX(comm, target = make_target(cfg.target, cfg.manifold, cfg.generators, cfg.max_group_order, &name));
  if (chosen) *chosen = name;
  const int d = cfg.manifold.dim;
  PetscInt begin, count;
  row_block(comm, PetscInt(cfg.n), &begin, &count);
  std::vector<double> pts(std::size_t(count) * d), vals(count), truth(count);
  for (PetscInt i = 0; i < count; ++i) {
    const unsigned long long gi = (unsigned long long)(begin + i);
    double* x = &pts[std::size_t(i) * d];
    synthetic_manifold_point(cfg.manifold, cfg.seed, gi, x);
    truth[i] = (*target)(x);
    vals[i] = truth[i] + cfg.noise * synthetic_noise(cfg.seed, gi);
  }
  H5Writer w;
  PetscCall(w.create(comm, cfg.output));
  PetscCall(w.create_dataset("points", {hsize_t(cfg.n), hsize_t(d)}));
  PetscCall(w.create_dataset("values", {hsize_t(cfg.n)}));
  PetscCall(w.create_dataset("truth", {hsize_t(cfg.n)}));
  PetscCall(w.write_rows("points", begin, count, pts.data()));
  PetscCall(w.write_rows("values", begin, count, vals.data()));
  PetscCall(w.write_rows("truth", begin, count, truth.data()));
  PetscCall(w.commit());
  PetscFunctionReturn(PETSC_SUCCESS);
}

}  // namespace specavg
