#include "specavg/dist/synth.hpp"

#include "specavg/dist/collective.hpp"
#include "specavg/estimate/synthetic_target.hpp"
#include "specavg/io/h5_parallel.hpp"
#include "specavg/util/petsc_util.hpp"

namespace specavg {

PetscErrorCode synthesize(MPI_Comm comm, const SynthConfig& cfg) {
  PetscFunctionBeginUser;
  PetscCall(collective_check(comm, cfg.n > 0, "-n must be positive"));
  PetscCall(collective_check(comm, cfg.noise >= 0, "-noise must be >= 0"));
  const auto elements = enumerate_group(cfg.generators, cfg.max_group_order);
  PetscCall(
      collective_check(comm, elements.has_value(),
                       "synth builds its invariant target by averaging over the group, but the group has more than " +
                           std::to_string(cfg.max_group_order) + " elements: use a smaller group"));
  const SyntheticTarget target(*elements);
  PetscInt begin, count;
  row_block(comm, PetscInt(cfg.n), &begin, &count);
  std::vector<double> pts(std::size_t(count) * 3), vals(count), truth(count);
  for (PetscInt i = 0; i < count; ++i) {
    const unsigned long long gi = (unsigned long long)(begin + i);
    synthetic_point(cfg.seed, gi, &pts[3 * i]);
    truth[i] = target(&pts[3 * i]);
    vals[i] = truth[i] + cfg.noise * synthetic_noise(cfg.seed, gi);
  }
  H5Writer w;
  PetscCall(w.create(comm, cfg.output));
  PetscCall(w.create_dataset("points", {hsize_t(cfg.n), 3}));
  PetscCall(w.create_dataset("values", {hsize_t(cfg.n)}));
  PetscCall(w.create_dataset("truth", {hsize_t(cfg.n)}));
  PetscCall(w.write_rows("points", begin, count, pts.data()));
  PetscCall(w.write_rows("values", begin, count, vals.data()));
  PetscCall(w.write_rows("truth", begin, count, truth.data()));
  PetscCall(w.commit());
  PetscFunctionReturn(PETSC_SUCCESS);
}

}  // namespace specavg
