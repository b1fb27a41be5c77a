// The accumulate stage of train (parallel/train.hpp): the rows read block by block and
// summed into the normal equations, replicated or owned (parallel/owned_gram.hpp), with
// checkpoints at block boundaries and the signal watch.
#include "specavg/parallel/train.hpp"

#include <petsclog.h>

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "specavg/comm/collective.hpp"
#include "specavg/comm/petsc_util.hpp"
#include "specavg/parallel/checkpoint.hpp"
#include "specavg/parallel/dataset.hpp"
#include "specavg/parallel/features.hpp"
#include "specavg/parallel/owned_gram.hpp"
#include "specavg/estimate/invariant_features.hpp"
#include "specavg/util/interrupt.hpp"

namespace specavg {

namespace {

// Bytes per row of an I/O block in the accumulation: the row (point, values, truth,
// weight) and its weighted or per-fold copies. Φ and Ψ are not per row of the block:
// accumulate_rows evaluates them in cache tiles (tile_bytes).
double block_bytes_per_row(int dim, int k) {
  return 8.0 * (2.0 * dim + 3.0 * k + 3.0);
}
double tile_bytes(const InvariantFeatures& feats) {
  return 8.0 * double(feats.tile_rows()) * (double(feats.values_per_point()) + feats.dinv());
}

// Calls f(i0, i1) for the runs of rows [i0, i1) of a block (global rows offset + i) that
// are not in `prior` (sorted, disjoint).
template <typename F>
PetscErrorCode for_each_fresh_run(PetscInt offset, PetscInt count, const std::vector<RowInterval>& prior, F&& f) {
  PetscFunctionBeginUser;
  long long at = offset;
  const long long end = (long long)offset + count;
  for (const RowInterval& r : prior) {
    if (r.end <= at) continue;
    if (r.begin >= end) break;
    if (r.begin > at) PetscCall(f(PetscInt(at - offset), PetscInt(r.begin - offset)));
    at = std::max(at, r.end);
    if (at >= end) break;
  }
  if (at < end) PetscCall(f(PetscInt(at - offset), count));
  PetscFunctionReturn(PETSC_SUCCESS);
}

// Rows [i0, i1) of a block as a block of their own.
void sub_block(const RowBlock& b, PetscInt i0, PetscInt i1, int dim, int k, RowBlock* out) {
  const std::size_t a = std::size_t(i0), e = std::size_t(i1);
  out->offset = b.offset + i0;
  out->count = i1 - i0;
  out->points.assign(b.points.begin() + long(a * dim), b.points.begin() + long(e * dim));
  out->values.assign(b.values.begin() + long(a * k), b.values.begin() + long(e * k));
  out->weights.clear();
  if (!b.weights.empty()) out->weights.assign(b.weights.begin() + long(a), b.weights.begin() + long(e));
  out->truth.clear();
}

}  // namespace

PetscErrorCode training_block_rows(MPI_Comm comm, const TrainOptions& opt, const InvariantFeatures& feats, int k,
                                   PetscInt* nb) {
  PetscFunctionBeginUser;
  // I/O blocks of up to kGatherBlockRows rows: fewer, larger collective reads. Blocks of
  // 16 MiB of Φ and Ψ (~3300 rows, from when features were evaluated per block) meant
  // ~3000 reads per rank on the default job, and every collective read lines the ranks up.
  const double per_row = block_bytes_per_row(feats.dim(), k), tile = tile_bytes(feats);
  const double cap = (opt.max_block_mib * 1048576.0 - tile) / per_row;
  PetscCall(collective_check(comm, cap >= 1,
                             "-max_block_mib " + std::to_string(opt.max_block_mib) + " holds no row beside a tile of " +
                                 format_bytes(tile) + " (basis values and features): raise it"));
  PetscCall(collective_check(comm, opt.block_rows <= 0 || double(opt.block_rows) <= cap,
                             "-block_rows " + std::to_string(opt.block_rows) + " needs " +
                                 format_bytes(per_row * double(opt.block_rows) + tile) +
                                 " per block, more than -max_block_mib " + std::to_string(opt.max_block_mib) +
                                 ": lower -block_rows (at most " + std::to_string((long long)cap) +
                                 ") or raise -max_block_mib"));
  // About 6 MiB of rows (65536 rows of one target on S²), fewer with many targets.
  const double io_rows = std::max(1.0, std::floor(6.0 * 1048576.0 / per_row));
  *nb = opt.block_rows > 0 ? opt.block_rows : PetscInt(std::min({double(kGatherBlockRows), io_rows, std::floor(cap)}));
  PetscFunctionReturn(PETSC_SUCCESS);
}

namespace {

// The rows of a block not in `prior`, as one block (the owned route sums a block in one
// collective round).
PetscErrorCode fresh_rows(const RowBlock& b, const std::vector<RowInterval>& prior, int dim, int k, RowBlock* out) {
  PetscFunctionBeginUser;
  out->offset = b.offset;
  out->count = 0;
  out->points.clear(), out->values.clear(), out->weights.clear(), out->truth.clear();
  PetscCall(for_each_fresh_run(b.offset, b.count, prior, [&](PetscInt i0, PetscInt i1) -> PetscErrorCode {
    out->count += i1 - i0;
    out->points.insert(out->points.end(), b.points.begin() + long(i0) * dim, b.points.begin() + long(i1) * dim);
    out->values.insert(out->values.end(), b.values.begin() + long(i0) * k, b.values.begin() + long(i1) * k);
    if (!b.weights.empty()) out->weights.insert(out->weights.end(), b.weights.begin() + i0, b.weights.begin() + i1);
    return PETSC_SUCCESS;
  }));
  PetscFunctionReturn(PETSC_SUCCESS);
}

}  // namespace

PetscErrorCode train_accumulate(MPI_Comm comm, const TrainOptions& opt, TrainState* st, TrainReport* rep) {
  PetscFunctionBeginUser;
  PetscCheck(st->done == TrainStage::Basis, comm, PETSC_ERR_ARG_WRONGSTATE, "train_accumulate: basis first");
  PetscLogStage s_assemble;
  PetscCall(train_log_stage("specavg: assemble", &s_assemble));
  PetscCall(PetscLogStagePush(s_assemble));
  int rank, size;
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  PetscCallMPI(MPI_Comm_size(comm, &size));
  RowSource& src = *st->source;
  const bool kfold = opt.select.kfold();
  const int D = st->basis.dinv(), k = st->ntargets, dim = st->manifold->dim();
  bool owned = false;
  PetscCall(owned_gram_route(comm, opt, D, &owned));
  st->owned_gram = owned;
  AccumulationState& acc = st->acc;
  if (!st->resumed) {  // fresh sums; a restart brings its own (parallel/checkpoint.hpp)
    acc = AccumulationState{};
    acc.sums.resize(kfold ? std::size_t(opt.select.folds) : 1);
    for (auto& s : acc.sums)
      if (owned)
        start_owned_normal_equations(D, k, rank, size, &s);
      else
        start_normal_equations(D, k, kfold || opt.needs_gram(), &s);
    acc.begin = src.local_begin();
    acc.count = src.local_count();
  }
  PetscCall(collective_check(comm, acc.sums.front().owned == owned,
                             "the checkpoint holds the Gram matrix " +
                                 std::string(acc.sums.front().owned ? "by owned rows" : "replicated") +
                                 ", this job assembles it " + (owned ? "by owned rows" : "replicated") +
                                 ": restart with the -gram_assembly of the interrupted job"));
  PetscCall(src.seek(acc.cursor));
  InvariantFeatures feats(st->basis);
  PetscInt nb;
  if (owned)
    PetscCall(owned_block_rows(comm, opt, D, dim, k, &nb));
  else
    PetscCall(training_block_rows(comm, opt, feats, k, &nb));
  st->block_rows = nb;
  const CheckpointOptions& ck = opt.checkpoint;
  const bool watch = ck.handle_signals || (!ck.path.empty() && ck.every > 0);
  const double t_begin = MPI_Wtime(), mine = double(std::max<PetscInt>(src.local_count(), 1));
  double t_last_checkpoint = t_begin;
  int quarter = 1;
  PetscLogStage s_read;
  PetscCall(train_log_stage("specavg: read", &s_read));
  RowBlock block, part;
  OwnedRing ring;
  auto accumulate_run = [&](PetscInt i0, PetscInt i1) -> PetscErrorCode {
    PetscFunctionBeginUser;
    if (kfold) {
      if (i0 == 0 && i1 == block.count)
        PetscCall(accumulate_rows_by_fold(feats, block, nb, &acc.sums));
      else {
        sub_block(block, i0, i1, dim, k, &part);
        PetscCall(accumulate_rows_by_fold(feats, part, nb, &acc.sums));
      }
    } else {
      const double* w = block.weights.empty() ? nullptr : block.weights.data() + i0;
      PetscCall(accumulate_rows(feats, block.points.data() + std::size_t(i0) * dim,
                                block.values.data() + std::size_t(i0) * k, w, i1 - i0, nb, &acc.sums[0]));
    }
    PetscFunctionReturn(PETSC_SUCCESS);
  };
  for (bool done = false;;) {  // block by block; rank 0's own rows stand for all (equal blocks)
    if (watch) {               // at a block boundary, the ranks agree on a signal and on a checkpoint due
      int flag[2] = {interrupt_signal(),
                     !ck.path.empty() && ck.every > 0 && MPI_Wtime() - t_last_checkpoint >= ck.every};
      PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, flag, 2, MPI_INT, MPI_MAX, comm));
      if ((flag[0] || flag[1]) && !ck.path.empty()) {
        const double t = MPI_Wtime();
        PetscCall(write_checkpoint(comm, ck.path, st->key, st->basis, acc, nb, st->n_global));
        double dt = MPI_Wtime() - t;
        PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, &dt, 1, MPI_DOUBLE, MPI_MAX, comm));
        rep->t_checkpoint += dt;
        ++rep->checkpoints;
        t_last_checkpoint = MPI_Wtime();
      }
      if (flag[0]) {  // stop here: the caller writes no model and exits with kExitResume
        rep->interrupted = true;
        rep->signal = flag[0];
        PetscCall(src.close());
        st->source.reset();
        PetscCall(PetscLogStagePop());
        PetscFunctionReturn(PETSC_SUCCESS);
      }
    }
    PetscCall(PetscLogStagePush(s_read));
    const double t = MPI_Wtime();
    PetscCall(src.next_block(nb, &block, &done));
    rep->t_read += MPI_Wtime() - t;
    PetscCall(PetscLogStagePop());
    if (done) break;
    if (owned) {  // one collective round per block (ranks out of rows pass empty blocks)
      const RowBlock* b = &block;
      if (!acc.prior.empty()) {
        PetscCall(fresh_rows(block, acc.prior, dim, k, &part));
        b = &part;
      }
      PetscCall(accumulate_owned_round(comm, feats, b->points.data(), b->values.data(),
                                       b->weights.empty() ? nullptr : b->weights.data(), b->count, nb, &acc.sums[0],
                                       &ring));
    } else {
      PetscCall(for_each_fresh_run(block.offset, block.count, acc.prior, accumulate_run));
    }
    acc.cursor += block.count;
    st->rows_consumed = acc.cursor;
    if (ck.test_block_delay > 0) usleep(useconds_t(ck.test_block_delay * 1e6));
    const double frac = double(st->rows_consumed) / mine;
    if (frac >= 0.25 * quarter && quarter < 4) {
      if (opt.verbose && rank == 0 && MPI_Wtime() - t_begin > 2.0)
        std::printf("[specavg]   read + features + assembly %3.0f%% done\n", 100 * frac), std::fflush(stdout);
      while (quarter < 4 && frac >= 0.25 * quarter) ++quarter;
    }
  }
  ring = OwnedRing{};
  PetscCall(src.close());
  st->source.reset();
  if (kfold) {
    st->fold_local = std::move(acc.sums);
    start_normal_equations(D, k, opt.needs_gram(), &st->local);
    for (auto& f : st->fold_local) {  // the whole-data sums are the sum of the folds'
      finish_normal_equations(&f);
      add_normal_equations(f, &st->local);
    }
    st->local.finished = true;
  } else {
    st->fold_local.clear();
    st->local = std::move(acc.sums[0]);
  }
  acc.sums.clear();
  finish_normal_equations(&st->local);
  PetscCall(PetscLogStagePop());
  const NormalEquations& ne = st->local;
  double tl[2] = {ne.t_features, ne.t_assembly}, tg[2];
  PetscCallMPI(MPI_Allreduce(tl, tg, 2, MPI_DOUBLE, MPI_MAX, comm));
  rep->t_features = tg[0];
  rep->t_assembly = tg[1];
  rep->gflops_assembly = ne.t_assembly > 0 ? ne.flops_assembly / ne.t_assembly * 1e-9 : 0;
  rep->values_per_second = ne.t_features > 0 ? double(ne.n) * ne.values_per_point / ne.t_features : 0;
  char cks[80] = "";
  if (rep->checkpoints)
    std::snprintf(cks, sizeof cks, ", %d checkpoint(s) %.3f s", rep->checkpoints, rep->t_checkpoint);
  if (opt.verbose)
    PetscCall(PetscPrintf(comm, "[specavg] features %.2f s, assembly %.2f s (%.2f GFLOP/s per rank)%s\n",
                          rep->t_features, rep->t_assembly, rep->gflops_assembly, cks));
  st->done = TrainStage::Accumulated;
  PetscFunctionReturn(PETSC_SUCCESS);
}

}  // namespace specavg
