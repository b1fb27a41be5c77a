// The choice between the replicated and the owned-row Gram assembly of train, and the
// owned route's block size (parallel/owned_gram.hpp, docs/long-runs.md).
#include <algorithm>
#include <string>

#include "specavg/comm/collective.hpp"
#include "specavg/comm/petsc_util.hpp"
#include "specavg/parallel/block_cyclic.hpp"
#include "specavg/parallel/in_place_solve.hpp"
#include "specavg/parallel/train.hpp"

namespace specavg {

namespace {

// -select and -uncertainty 1 need the whole D_inv x D_inv sums on every rank.
bool needs_whole_sums(const TrainOptions& opt) {
  return opt.select.criterion != SelectCriterion::None || opt.select.uncertainty == 1;
}

}  // namespace

int owned_gram_hint(const TrainOptions& opt) {
  if (opt.gram_assembly == "owned") return 1;
  return opt.gram_assembly == "auto" && opt.needs_gram() && !needs_whole_sums(opt) ? -1 : 0;
}

PetscErrorCode owned_gram_route(MPI_Comm comm, const TrainOptions& opt, int dinv, bool* owned) {
  PetscFunctionBeginUser;
  const bool forced = opt.gram_assembly == "owned";
  if (forced)
    PetscCall(collective_check(comm, opt.needs_gram() && !needs_whole_sums(opt),
                               opt.needs_gram() ? "-gram_assembly owned cannot serve -select or -uncertainty 1: they "
                                                  "need the whole D_inv x D_inv sums on every rank (and per fold). "
                                                  "Use -gram_assembly replicated, or drop -select/-uncertainty"
                                                : "-gram_assembly owned needs a Gram matrix: the spectral estimator "
                                                  "without -select has none. Drop -gram_assembly"));
  *owned = forced || (owned_gram_hint(opt) < 0 && 8.0 * double(dinv) * double(dinv) > kOwnedGramFromBytes);
  if (*owned) {  // the owned Gram is factored in place: the default solver only
    bool default_solver = false;
    PetscCall(reduced_solver_is_default(comm, &default_solver));
    if (forced)
      PetscCall(collective_check(comm, default_solver,
                                 "-gram_assembly owned factors the Gram matrix in place with ScaLAPACK's Cholesky: "
                                 "-reduced_ksp_type/-reduced_pc_type/-reduced_pc_factor_mat_solver_type cannot "
                                 "choose another solver with it. Drop those options, or use -gram_assembly "
                                 "replicated"));
    *owned = default_solver;  // auto: another solver keeps the replicated route
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

// Rows per round of the owned-row assembly: this rank's weighted features and one
// arriving block (2 · D_inv per row, plus the copy of its rows' columns on a grid of
// several process rows) with the rows themselves fit in -max_block_mib; at most 8192 rows
// (larger blocks gain nothing in DGEMM), and a block's doubles fit an MPI count.
PetscErrorCode owned_block_rows(MPI_Comm comm, const TrainOptions& opt, int dinv, int dim, int k, PetscInt* nb) {
  PetscFunctionBeginUser;
  int size;
  PetscCallMPI(MPI_Comm_size(comm, &size));
  const BlockCyclic L = block_cyclic_layout(dinv, 0, size);  // process row 0 has the most rows
  const double gathered = L.nprow > 1 ? double(L.locr) : 0.0;
  const double per_row = 8.0 * (2.0 * dinv + gathered + 2.0 * dim + 3.0 * k + 3.0);
  const double cap = std::min(opt.max_block_mib * 1048576.0 / per_row, 2147483647.0 / std::max(dinv, 1));
  PetscCall(collective_check(comm, cap >= 1,
                             "-max_block_mib " + std::to_string(opt.max_block_mib) + " holds no row of " +
                                 std::to_string(per_row / 1048576.0) + " MiB (two feature rows): raise it"));
  PetscCall(collective_check(
      comm, opt.block_rows <= 0 || double(opt.block_rows) <= cap,
      "-block_rows " + std::to_string(opt.block_rows) + " needs " + format_bytes(per_row * double(opt.block_rows)) +
          " per block of the owned-row assembly, more than -max_block_mib " + std::to_string(opt.max_block_mib) +
          ": lower -block_rows (at most " + std::to_string((long long)cap) + ") or raise -max_block_mib"));
  *nb = opt.block_rows > 0 ? opt.block_rows : std::min<PetscInt>(8192, PetscInt(cap));
  PetscFunctionReturn(PETSC_SUCCESS);
}

}  // namespace specavg
