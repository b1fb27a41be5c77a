#pragma once
// The training pipeline of the invariant (specavg) estimators, in stages
//   resolve → read → basis → accumulate → reduce → solve → write
// with every result kept in a TrainState between them, so that a checkpoint can save
// the state after any stage and a restart resume with the next. Each stage is
// collective on comm; the coefficients do not depend on the number of ranks beyond
// rounding (canonical Q, same sums in a different order).
//  resolve     options → manifold, group, cutoff and its eigenspaces; the resource
//              estimate, refusing a job that cannot fit before anything large is allocated
//  read        opens the row source (io/row_source.hpp): shape, targets, this rank's rows
//  basis       the invariant basis (or the one of -basis_from, when it matches)
//  accumulate  reads this rank's rows block by block into its partial normal
//              equations (rows_consumed counts them; only one block is in memory); with
//              -checkpoint it saves the state after whole blocks (parallel/checkpoint.hpp),
//              and with -restart the basis stage reads the basis and the partial sums back
//  reduce      the global reduced system (redundant or distributed by rows)
//  solve       the coefficients (ridge: refusing ill-posed systems; spectral: no solve)
//  write       the Model (the caller writes it to the file)
#include <mpi.h>
#include <petscsys.h>

#include <memory>
#include <string>
#include <vector>

#include "specavg/parallel/checkpoint.hpp"
#include "specavg/parallel/distributed_basis.hpp"
#include "specavg/parallel/reduced_solve.hpp"
#include "specavg/parallel/resource_estimate.hpp"
#include "specavg/parallel/selection_stage.hpp"
#include "specavg/estimate/model.hpp"

namespace specavg {

struct TrainOptions {
  std::string data;                                 // -data
  std::string manifold = "s2";                      // -manifold s2|sphere|torus
  int dim = -1;                                     // -dim (−1: the number of columns of the data's points)
  std::string group, group_file;                    // -group, -group_file
  Cutoff cutoff;                                    // -lmax / -lambda_max / -nbasis (none set: -nbasis 625)
  BasisOptions basis;                               // -basis_*
  const Estimator* estimator = &ridge_estimator();  // -estimator (or -method krr*)
  double tau = 1e-6;                                // -tau
  double sobolev_s = 1.0;                           // -sobolev_s
  std::string penalty = "sobolev";                  // -penalty sobolev|kernel
  std::string penalty_kernel;                       // -krr_kernel ("" = the manifold's default) for -penalty kernel
  double penalty_width = -1;                        // -krr_width (≤ 0: the kernel's default)
  PetscInt block_rows = 0;                          // -block_rows (0: automatic, within -max_block_mib)
  double max_block_mib = 256;          // -max_block_mib: bytes of a block of rows (data + features) per rank
  CheckpointOptions checkpoint;        // -checkpoint, -checkpoint_every, -restart
  std::string basis_from;              // -basis_from: reuse the invariant basis of this model file
  double max_memory_gib = 0;           // -max_memory_gib per rank (0: MemAvailable / ranks on the node)
  SelectOptions select;                // -select, -tau_grid, -select_folds, -select_pool, -uncertainty*
  bool verbose = true;                 // phase progress on rank 0
  std::string features = "auto";       // -features pointwise|sht|auto (parallel/sht_train.hpp)
  std::string gram_assembly = "auto";  // -gram_assembly replicated|owned|auto (parallel/owned_gram.hpp)
  // The accumulate stage keeps ΨᵀWΨ for ridge, and for spectral when selecting or
  // computing the error model.
  bool needs_gram() const;
  // The error model is computed (-uncertainty 1, or by default for ridge up to the max).
  bool wants_uncertainty(int dinv) const;
};

struct TrainReport {
  double t_read = 0, t_basis = 0, t_features = 0, t_assembly = 0, t_reduce = 0, t_setup = 0, t_solve = 0, t_total = 0;
  double t_select = 0;           // model selection and error model
  double gflops_assembly = 0;    // rank-0 assembly rate (GFLOP/s per rank)
  double values_per_second = 0;  // rank-0 basis-function values per second
  SolveReport solve;
  // Checkpoints written, and their time (max over ranks); interrupted: a signal stopped
  // the accumulation (signal: its number) after the state was saved, no model was made.
  int checkpoints = 0;
  double t_checkpoint = 0;
  bool interrupted = false;
  int signal = 0;
};

// Default cutoff when none is given: 625 basis functions (= lmax 24 on S²).
constexpr long long kDefaultNbasis = 625;

enum class TrainStage { None, Resolved, Read, Basis, Accumulated, Reduced, Solved };

struct TrainState {
  TrainStage done = TrainStage::None;  // the last stage completed
  // resolve
  ManifoldPtr manifold;
  Cutoff cutoff;                   // as given, or the default
  std::vector<Eigenspace> spaces;  // within the cutoff, λ ascending
  std::vector<Isometry> generators;
  std::string group_label;
  int nranks = 1;
  long long n_rows = 0;  // rows of the data set
  ResourceEstimate estimate;
  double memory_available = 0;  // bytes per rank
  std::string memory_source;
  // read: the row source, consumed block by block by accumulate (then closed)
  std::unique_ptr<RowSource> source;
  long long n_global = 0;
  int ntargets = 0;
  bool grid_path = false;  // the grid path is wanted (sht_wanted; for the resource estimate)
  // basis
  InvariantBasis basis;
  bool basis_reused = false;  // taken from -basis_from
  // accumulate
  NormalEquations local;                    // this rank's partial sums (owned rows: the global sums of its Gram rows)
  bool owned_gram = false;                  // the Gram is assembled by owned rows (owned_gram_route)
  std::vector<NormalEquations> fold_local;  // -select kfold: this rank's sums per fold (local = Σ)
  long long rows_consumed = 0;              // this rank's rows accumulated so far
  PetscInt block_rows = 0;                  // rows per block of the accumulation
  CheckpointKey key;                        // fingerprints of options and data (-checkpoint, -restart)
  bool resumed = false;                     // acc holds the state read by -restart
  bool resumed_same_ranks = false;
  AccumulationState acc;  // the accumulation in progress (what a checkpoint saves)
  // reduce
  ReducedSystem reduced;
  // solve
  std::vector<double> penalty;  // per feature (ridge)
  std::string penalty_desc;
  std::vector<double> coef;  // D_inv × ntargets, row-major, on every rank
  // select (optional): the choice, and the error model of the final fit
  bool has_selection = false;
  SelectionResult selection;
  ModelUncertainty uncertainty;
};

// The stages, in order; each requires the previous one done. Collective.
PetscErrorCode train_resolve(MPI_Comm comm, const TrainOptions& opt, TrainState* st);
PetscErrorCode train_read(MPI_Comm comm, const TrainOptions& opt, TrainState* st, TrainReport* rep);
PetscErrorCode train_basis(MPI_Comm comm, const TrainOptions& opt, TrainState* st, TrainReport* rep);
PetscErrorCode train_accumulate(MPI_Comm comm, const TrainOptions& opt, TrainState* st, TrainReport* rep);
// Between accumulate and reduce (src/parallel/train_select.cpp): with -select, chooses
// the cutoff and τ from the data and fits the choice (the state is then Solved: reduce
// and solve are skipped); computes the error model when asked. No-op otherwise.
PetscErrorCode train_select(MPI_Comm comm, const TrainOptions& opt, TrainState* st, TrainReport* rep);
// The ridge penalty weights of the options (st->penalty, st->penalty_desc). Collective.
PetscErrorCode train_penalty(MPI_Comm comm, const TrainOptions& opt, TrainState* st);
PetscErrorCode train_reduce(MPI_Comm comm, const TrainOptions& opt, TrainState* st, TrainReport* rep);
PetscErrorCode train_solve(MPI_Comm comm, const TrainOptions& opt, TrainState* st, TrainReport* rep);
// The model of a solved state (provenance without options and creation time).
PetscErrorCode train_write(MPI_Comm comm, const TrainOptions& opt, const TrainState& st, TrainReport* rep,
                           Model* model);

// The PETSc log stage `name` (shown by -log_view), registered once per process. Local.
PetscErrorCode train_log_stage(const char* name, PetscLogStage* s);

// Rows per block of the accumulation: -block_rows, or the automatic size capped so that a
// block (rows, basis values, features) fits in -max_block_mib; a -block_rows that does not
// fit is refused. Collective (agreed error).
PetscErrorCode training_block_rows(MPI_Comm comm, const TrainOptions& opt, const InvariantFeatures& feats, int ntargets,
                                   PetscInt* nb);

// The accumulation assembles the Gram by owned rows (parallel/owned_gram.hpp): with
// -gram_assembly owned, or auto once a whole D_inv × D_inv partial Gram would take more than
// kOwnedGramFromBytes (parallel/resource_estimate.hpp) and the job needs no whole sums on
// every rank (-select, -uncertainty 1) and keeps the default reduced solver (the owned
// Gram is factored in place by ScaLAPACK). A function of the options and D_inv only, so a
// restart takes the same route on any rank count. Refuses (agreed error) owned with -select,
// -uncertainty 1 or another reduced solver. Collective.
PetscErrorCode owned_gram_route(MPI_Comm comm, const TrainOptions& opt, int dinv, bool* owned);
// The same before D_inv is known, for the resource estimate (EstimateInput::owned).
int owned_gram_hint(const TrainOptions& opt);

// Rows per round of the owned-row assembly: -block_rows, or what fits two feature blocks
// in -max_block_mib (at most 8192); a -block_rows that does not fit is refused. Collective.
PetscErrorCode owned_block_rows(MPI_Comm comm, const TrainOptions& opt, int dinv, int dim, int k, PetscInt* nb);

// Every stage in turn. With opt.checkpoint.handle_signals, SIGUSR1/SIGTERM/SIGINT stop the
// accumulation at the next block boundary (the ranks agree on it; with -checkpoint the
// state is saved first): then rep->interrupted is set, *model is untouched, and the
// caller should exit with kExitResume (util/interrupt.hpp).
PetscErrorCode train_model(MPI_Comm comm, const TrainOptions& opt, Model* model, TrainReport* rep);

// Why the invariant basis of `model` cannot serve a job on M with these generators and
// eigenspaces (the manifold, the generators to rounding, or the eigenspaces of the cutoff
// differ); empty when it can.
std::string basis_reuse_mismatch(const Model& model, const Manifold& M, const std::vector<Isometry>& gens,
                                 const std::vector<Eigenspace>& spaces);

// The resource estimate of a specavg job (before the basis: D_inv from |G|). Collective.
PetscErrorCode estimate_job(MPI_Comm comm, const Manifold& M, const std::vector<Eigenspace>& spaces,
                            const std::vector<Isometry>& gens, const std::string& group_label, const BasisOptions& bo,
                            long long n, bool ridge, const InvariantBasis* exact, ResourceEstimate* e,
                            EstimateInput* in);

// Collective. The manifold of the options (-dim defaulting to the columns of `data`).
PetscErrorCode resolve_manifold(MPI_Comm comm, const std::string& name, int dim, const std::string& data,
                                ManifoldPtr* M);

}  // namespace specavg
