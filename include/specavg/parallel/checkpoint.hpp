#pragma once
// Checkpoints of the training pipeline (parallel/train.hpp): the state after whole
// blocks of the accumulate stage, so that an interrupted job resumes where it stopped.
//
// What a checkpoint holds (one HDF5 file, readable with h5py):
//  * the invariant basis (the Q_λ of every eigenspace), so a restart skips the basis stage;
//  * every rank's partial normal equations as they stand after its last whole block
//    (ΨᵀWΨ upper triangle as accumulated, ΨᵀWY, Σwy², Σw, rows, rows with w > 0), one row
//    of the partial_* datasets per rank, one accumulator per fold with -select kfold;
//    with an owned Gram (parallel/owned_gram.hpp; gram_layout = "owned_block_cyclic") the
//    Gram is instead the dataset gram_owned, D_inv × D_inv, holding the lower triangle's
//    G_ij (i ≥ j) at [j][i] (the rest undefined), each rank writing its block-cyclic share,
//    checked by gram_owned_check (independent of the layout) and read back by the new
//    layout's shares;
//  * per rank its row block [begin, begin + count) and the rows of it scanned so far;
//  * the rows already summed by runs on another rank count (`prior` intervals, skipped);
//  * the SHA-256 of the model-determining options and of the data (data_fingerprint),
//    which must match on restart, and checksums of every rank's partial sums and of the
//    basis, so a corrupt file is refused.
// Restart on the same rank count: rank r continues from its own sums and row, with the
// same block boundaries, so the final sums and the model are bitwise those of an
// uninterrupted run (same -block_rows and BLAS threads). On another rank count the saved
// sums are added into the new ranks' sums (saved rank s into new rank s mod P) and every
// rank scans its new block skipping the rows already summed: the same rows are summed
// once, in another order, so the model agrees to rounding.
// Writing is atomic: <path>.tmp, fsync, rename (io/h5_parallel.hpp H5Writer).
#include <mpi.h>
#include <petscsys.h>

#include <string>
#include <vector>

#include "specavg/estimate/model.hpp"
#include "specavg/io/row_source.hpp"
#include "specavg/parallel/features.hpp"

namespace specavg {

struct CheckpointOptions {
  std::string path;             // -checkpoint: written at the -checkpoint_every pace and on a signal
  double every = 0;             // -checkpoint_every seconds (0: only when a signal arrives)
  std::string restart;          // -restart: continue from this checkpoint
  bool handle_signals = false;  // SIGUSR1/SIGTERM/SIGINT stop the accumulation (specavg train)
  double test_block_delay = 0;  // -test_block_delay: sleep per block, to interrupt tests mid-run
};

// Rows [begin, end) of the data set (global indices).
struct RowInterval {
  long long begin = 0, end = 0;
};
// Sorted, disjoint, adjacent intervals merged.
std::vector<RowInterval> merge_intervals(std::vector<RowInterval> v);

// What must match between a checkpoint and the job that restarts from it.
struct CheckpointKey {
  std::string options;         // canonical "name=value" lines of the model-determining options
  std::string options_sha256;  // of `options`
  std::string data_sha256;     // data_fingerprint
};

// Local (the options database is the same on every rank). Every option set, sorted by name,
// except those that say how to run rather than what to fit: -checkpoint, -checkpoint_every,
// -restart, -model, -data (its content is in the data fingerprint), -block_rows,
// -max_block_mib, -max_memory_gib, -blas_threads, -test_block_delay and PETSc's logging
// and diagnostics (-log_*, -info, -malloc_*, -options_*, -memory_view).
CheckpointKey options_key();

// Collective. SHA-256 of the data's shape (rows, dim, targets, weights) and, read by rank 0,
// the file's size and 64 windows of 64 KiB spread evenly over it (the whole file when it
// is smaller than 4 MiB): another file, a regenerated one or a changed shape is caught
// without reading gigabytes; an edit of a few bytes between windows is not.
PetscErrorCode data_fingerprint(MPI_Comm comm, const std::string& path, const RowSource& src, std::string* sha256);

// A rank's accumulation state: what a checkpoint saves and a restart resumes.
struct AccumulationState {
  std::vector<NormalEquations> sums;  // one accumulator, or one per fold (-select kfold); not finished
  PetscInt begin = 0, count = 0;      // this rank's row block (RowSource local_begin/local_count)
  PetscInt cursor = 0;                // rows of the block scanned so far
  std::vector<RowInterval> prior;     // rows summed by runs on another rank count: skipped
};

// Collective. Writes the checkpoint atomically (path.tmp, fsync, rename). `state` is this
// rank's; the basis and key are the same on every rank.
PetscErrorCode write_checkpoint(MPI_Comm comm, const std::string& path, const CheckpointKey& key,
                                const InvariantBasis& basis, const AccumulationState& state, PetscInt block_rows,
                                long long n_rows);

// Collective. Reads `path` (-restart) and checks it against the job: format, options and
// data fingerprints, the eigenspaces of the cutoff, the accumulators expected (dinv from
// the basis, ntargets, with_gram, folds), and the checksums. Any mismatch or a damaged
// file is an agreed error naming the problem and the fix. On success *basis holds the saved
// basis (manifold and cutoff text from the job) and *state this rank's state to resume from
// (see the file comment for another rank count); src gives this rank's block.
struct RestartExpect {
  const Manifold* manifold = nullptr;
  std::string cutoff;  // the job's cutoff description
  const std::vector<Eigenspace>* spaces = nullptr;
  int ntargets = 0;
  bool with_gram = true;
  int accumulators = 1;
  long long n_rows = 0;
  // The job's basis comes from the ring route, which has no Q_λ: the checkpoint holds only
  // the dimensions, and the caller rebuilds the basis (deterministic, milliseconds).
  bool ring = false;
  // Likewise for a block-sparse basis (the exact Wigner route about z, O(L²) to rebuild):
  // no Q_λ is stored, only the dimensions.
  bool sparse_q = false;
};
PetscErrorCode read_checkpoint(MPI_Comm comm, const std::string& path, const CheckpointKey& key,
                               const RestartExpect& expect, const RowSource& src, InvariantBasis* basis,
                               AccumulationState* state, bool* same_ranks);

}  // namespace specavg
