#include "specavg/parallel/train.hpp"

#include <petscksp.h>
#include <petsclog.h>

#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "specavg/comm/collective.hpp"
#include "specavg/parallel/dataset.hpp"
#include "specavg/parallel/distributed_basis.hpp"
#include "specavg/parallel/features.hpp"
#include "specavg/parallel/krr.hpp"
#include "specavg/parallel/owned_gram.hpp"
#include "specavg/parallel/sht_train.hpp"
#include "specavg/io/file_format.hpp"
#include "specavg/io/model_file.hpp"
#include "specavg/estimate/invariant_features.hpp"
#include "specavg/estimate/kernel.hpp"
#include "specavg/comm/petsc_util.hpp"
#include "specavg/util/interrupt.hpp"

namespace specavg {

PetscErrorCode train_log_stage(const char* name, PetscLogStage* s) {
  PetscFunctionBeginUser;
  PetscCall(PetscLogStageGetId(name, s));
  if (*s < 0) PetscCall(PetscLogStageRegister(name, s));
  PetscFunctionReturn(PETSC_SUCCESS);
}

namespace {

// The kernel of -penalty kernel (-krr_kernel / -krr_width, defaults of the manifold).
KernelSpec penalty_kernel_spec(const Manifold& M, const TrainOptions& opt) {
  KrrOptions ko;
  ko.kernel = opt.penalty_kernel;
  ko.width = opt.penalty_width;
  return krr_kernel_spec(M, ko);
}

}  // namespace

PetscErrorCode resolve_manifold(MPI_Comm comm, const std::string& name, int dim, const std::string& data,
                                ManifoldPtr* M) {
  PetscFunctionBeginUser;
  if (dim < 0) dim = manifold_default_dim(name);
  if (dim < 0) {
    PetscCall(collective_check(comm, !data.empty(), "-dim is required for -manifold " + name + " without -data"));
    PetscCall(peek_point_dim(comm, data, "-data", &dim));
  }
  SPECAVG_CALL_CXX(comm, *M = make_manifold(name, dim));
  PetscFunctionReturn(PETSC_SUCCESS);
}

std::string basis_reuse_mismatch(const Model& model, const Manifold& M, const std::vector<Isometry>& gens,
                                 const std::vector<Eigenspace>& spaces) {
  std::vector<std::string> diff;
  const Manifold& F = model.manifold();
  if (F.name() != M.name() || F.dim() != M.dim())
    diff.push_back("the manifold (model: " + F.describe() + ", this job: " + M.describe() + ")");
  bool same_group = model.generators.size() == gens.size();
  for (std::size_t j = 0; same_group && j < gens.size(); ++j) {
    const Isometry &a = model.generators[j], &b = gens[j];
    same_group = a.dim == b.dim && a.P.size() == b.P.size();
    for (std::size_t i = 0; same_group && i < a.P.size(); ++i) same_group = std::fabs(a.P[i] - b.P[i]) <= 1e-12;
    for (std::size_t i = 0; same_group && i < std::max(a.t.size(), b.t.size()); ++i) {
      const double ta = i < a.t.size() ? a.t[i] : 0.0, tb = i < b.t.size() ? b.t[i] : 0.0;
      same_group = std::fabs(ta - tb) <= 1e-12;
    }
  }
  if (!same_group)
    diff.push_back("the group (model: " + model.group_spec + " with " + std::to_string(model.generators.size()) +
                   " generator(s), this job: " + std::to_string(gens.size()) +
                   " generator(s) that differ; generators must be equal to rounding, in the same order)");
  bool same_cut = model.basis.spaces.size() == spaces.size();
  for (std::size_t s = 0; same_cut && s < spaces.size(); ++s) same_cut = model.basis.spaces[s].label == spaces[s].label;
  if (!same_cut) {
    auto top = [](std::size_t n, int label) {
      return std::to_string(n) + " eigenspaces" + (n ? " up to label " + std::to_string(label) : std::string());
    };
    diff.push_back("the cutoff (model: " + model.basis.cutoff + ", " +
                   top(model.basis.spaces.size(), model.basis.spaces.empty() ? 0 : model.basis.spaces.back().label) +
                   "; this job: " + top(spaces.size(), spaces.empty() ? 0 : spaces.back().label) + ")");
  }
  std::string s;
  for (std::size_t i = 0; i < diff.size(); ++i) s += (i ? "; " : "") + diff[i];
  return s;
}

PetscErrorCode estimate_job(MPI_Comm comm, const Manifold& M, const std::vector<Eigenspace>& spaces,
                            const std::vector<Isometry>& gens, const std::string& group_label, const BasisOptions& bo,
                            long long n, bool ridge, const InvariantBasis* exact, ResourceEstimate* e,
                            EstimateInput* in) {
  PetscFunctionBeginUser;
  in->M = M.shared_from_this();
  in->spaces = spaces;
  in->gens = gens;
  in->basis = bo;
  in->n = n;
  in->ridge = ridge;
  PetscCallMPI(MPI_Comm_size(comm, &in->nranks));
  in->exact_k.clear();
  if (exact)
    for (const SpaceInvariants& s : exact->spaces) in->exact_k.push_back(s.k);
  SPECAVG_CALL_CXX(comm, in->group_order = group_order_hint(group_label, gens, M));
  char kt[64] = "";
  PetscBool set = PETSC_FALSE;
  PetscCall(PetscOptionsGetString(nullptr, "reduced_", "-ksp_type", kt, sizeof kt, &set));
  in->iterative = set && std::string(kt) != KSPPREONLY;
  PetscCall(calibrate_flop_rate(comm, &in->flop_rate));
  *e = estimate_training(*in);
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode train_resolve(MPI_Comm comm, const TrainOptions& opt, TrainState* st) {
  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Comm_size(comm, &st->nranks));
  PetscCall(collective_check(comm, opt.estimator->uses_invariant_basis(),
                             std::string("the staged pipeline fits invariant-basis estimators; '") +
                                 opt.estimator->name() + "' is trained by train_estimator()"));
  PetscCall(collective_check(comm, opt.tau >= 0, "-tau must be >= 0"));
  PetscCall(collective_check(comm, opt.penalty == "sobolev" || opt.penalty == "kernel",
                             "unknown -penalty '" + opt.penalty + "': expected sobolev or kernel"));
  PetscCall(resolve_manifold(comm, opt.manifold, opt.dim, opt.data, &st->manifold));
  const Manifold& M = *st->manifold;
  if (opt.penalty == "kernel" && opt.estimator->penalized()) {  // fail before the read
    SPECAVG_CALL_CXX(comm, const Kernel kern(M, penalty_kernel_spec(M, opt));
                     (void)kern.space_eigenvalue(M.eigenspace_of(0)));
  }
  st->cutoff = opt.cutoff;
  if (!st->cutoff.set()) st->cutoff.nbasis = kDefaultNbasis;
  // Group first: a bad -group should fail before any large read.
  PetscCall(resolve_group(comm, M, opt.group, opt.group_file, &st->generators, &st->group_label));
  SPECAVG_CALL_CXX(comm, st->spaces = eigenspaces_within(M, st->cutoff));  // also validates the cutoff
  PetscInt rows = 0;
  PetscCall(peek_rows(comm, opt.data, "-data", &rows));
  st->n_rows = (long long)rows;
  EstimateInput in;
  const bool ridge = opt.estimator->penalized();
  PetscCall(estimate_job(comm, M, st->spaces, st->generators, st->group_label, opt.basis, st->n_rows, ridge, nullptr,
                         &st->estimate, &in));
  in.owned = owned_gram_hint(opt);
  in.max_block_mib = opt.max_block_mib;
  st->estimate = estimate_training(in);
  if (opt.features != "pointwise") {  // a grid (FITS or netCDF) will likely take the grid path
    FileFormat fmt;
    PetscCall(agree_file_format(comm, opt.data, &fmt));
    const bool grid_file = fmt == FileFormat::FITS || fmt == FileFormat::NetCDF3 || fmt == FileFormat::NetCDF4;
    in.grid = sht_obstacle(opt, M, grid_file).empty();
    if (in.grid) st->estimate = estimate_training(in);
  }
  PetscCall(memory_available_per_rank(comm, opt.max_memory_gib, &st->memory_available, &st->memory_source));
  if (opt.verbose)
    PetscCall(PetscPrintf(comm,
                          "[specavg] estimate: peak %s per rank (%s available: %s), invariant basis ~%s on %d "
                          "rank(s); %s\n",
                          format_bytes(st->estimate.peak_bytes).c_str(), format_bytes(st->memory_available).c_str(),
                          st->memory_source.c_str(), format_seconds(st->estimate.basis_seconds).c_str(), st->nranks,
                          st->estimate.what.c_str()));
  if (st->estimate.peak_bytes > st->memory_available)  // the remedies cost a few estimates: only when needed
    PetscCall(check_memory_fits(comm, st->estimate, st->memory_available, st->memory_source,
                                training_remedies(in, st->memory_available, opt.cutoff.lmax >= 0)));
  st->done = TrainStage::Resolved;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode train_read(MPI_Comm comm, const TrainOptions& opt, TrainState* st, TrainReport* rep) {
  PetscFunctionBeginUser;
  PetscCheck(st->done == TrainStage::Resolved, comm, PETSC_ERR_ARG_WRONGSTATE, "train_read: resolve first");
  PetscLogStage s_read;
  PetscCall(train_log_stage("specavg: read", &s_read));
  PetscCall(PetscLogStagePush(s_read));
  const double t = MPI_Wtime();
  PetscCall(open_row_source(comm, opt.data, {"-data", ValuesNeed::Required, st->manifold.get()}, &st->source));
  st->n_global = (long long)st->source->rows_total();
  st->ntargets = st->source->ntargets();
  if (!opt.checkpoint.path.empty() || !opt.checkpoint.restart.empty()) {
    st->key = options_key();
    PetscCall(data_fingerprint(comm, opt.data, *st->source, &st->key.data_sha256));
  }
  rep->t_read = MPI_Wtime() - t;
  PetscCall(PetscLogStagePop());
  if (opt.verbose)
    PetscCall(PetscPrintf(comm, "[specavg] %lld points × %d target(s) on %s in %s, read block by block on %d rank(s)\n",
                          st->n_global, st->ntargets, st->manifold->describe().c_str(), st->source->describe().c_str(),
                          st->nranks));
  st->done = TrainStage::Read;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode train_basis(MPI_Comm comm, const TrainOptions& opt, TrainState* st, TrainReport* rep) {
  PetscFunctionBeginUser;
  PetscCheck(st->done == TrainStage::Read, comm, PETSC_ERR_ARG_WRONGSTATE, "train_basis: read first");
  PetscLogStage s_basis;
  PetscCall(train_log_stage("specavg: basis", &s_basis));
  PetscCall(PetscLogStagePush(s_basis));
  const double t = MPI_Wtime();
  st->basis = InvariantBasis{};
  st->basis_reused = false;
  st->resumed = false;
  if (!opt.checkpoint.restart.empty()) {
    RestartExpect ex;
    ex.manifold = st->manifold.get();
    ex.cutoff = st->cutoff.describe();
    ex.spaces = &st->spaces;
    ex.ntargets = st->ntargets;
    ex.with_gram = opt.select.kfold() || opt.needs_gram();
    ex.accumulators = opt.select.kfold() ? opt.select.folds : 1;
    bool ring = false, sparse_q = false;
    SPECAVG_CALL_CXX(comm, ring = uses_ring_route(*st->manifold, opt.basis, st->generators, st->spaces);
                     sparse_q = uses_block_sparse_route(*st->manifold, opt.basis, st->generators));
    ex.ring = ring;
    ex.sparse_q = sparse_q;
    PetscCall(read_checkpoint(comm, opt.checkpoint.restart, st->key, ex, *st->source, &st->basis, &st->acc,
                              &st->resumed_same_ranks));
    // The checkpoint stores the Q_λ; the ring route has none (its basis is a few orbit-type
    // coefficients) and a block-sparse basis is O(L²) to make, so these are rebuilt:
    // deterministic, fast, and checked against the saved dimensions.
    if (ring || sparse_q) {
      const int saved = st->basis.dinv();
      const std::string cutoff = st->basis.cutoff;
      PetscCall(
          build_invariant_basis_distributed(comm, *st->manifold, st->cutoff, st->generators, opt.basis, &st->basis));
      st->basis.cutoff = cutoff;
      PetscCall(collective_check(comm, st->basis.dinv() == saved,
                                 "the basis rebuilt for -restart has " + std::to_string(st->basis.dinv()) +
                                     " invariant features, the checkpoint " + std::to_string(saved) +
                                     ": start again without -restart"));
    }
    st->resumed = true;
    long long mine = st->acc.cursor, scanned = 0, prior = 0;
    PetscCallMPI(MPI_Allreduce(&mine, &scanned, 1, MPI_LONG_LONG, MPI_SUM, comm));
    for (const RowInterval& r : st->acc.prior) prior += r.end - r.begin;
    if (opt.verbose)
      PetscCall(PetscPrintf(comm,
                            "[specavg] restart from %s: invariant basis and partial sums of %lld of %lld rows read "
                            "(%s)\n",
                            opt.checkpoint.restart.c_str(), scanned + prior, st->n_global,
                            st->resumed_same_ranks ? "same rank count: continuing each rank's block"
                                                   : "another rank count: the rows already summed are skipped"));
  } else if (!opt.basis_from.empty()) {
    Model src;
    PetscCall(read_model(comm, opt.basis_from, &src));
    PetscCall(collective_check(comm, src.estimator->uses_invariant_basis(),
                               "-basis_from '" + opt.basis_from + "' is a " + src.estimator->name() +
                                   " model without an invariant basis: give a specavg model"));
    const std::string why = basis_reuse_mismatch(src, *st->manifold, st->generators, st->spaces);
    PetscCall(collective_check(comm, why.empty(),
                               "-basis_from '" + opt.basis_from + "' cannot be reused: " + why +
                                   ". Train with the same -manifold/-dim, -group and cutoff, or drop -basis_from"));
    st->basis = std::move(src.basis);
    st->basis.cutoff = st->cutoff.describe();
    st->basis_reused = true;
    if (opt.verbose)
      PetscCall(PetscPrintf(comm, "[specavg] invariant basis of %s reused (same manifold, group and cutoff)\n",
                            opt.basis_from.c_str()));
  } else {
    BasisOptions bo = opt.basis;
    bo.verbose = bo.verbose || opt.verbose;
    if (opt.verbose)
      PetscCall(PetscPrintf(comm, "[specavg] invariant subspaces of %zu eigenspaces (%s), %zu generator(s) ...\n",
                            st->spaces.size(), st->cutoff.describe().c_str(), st->generators.size()));
    PetscCall(build_invariant_basis_distributed(comm, *st->manifold, st->cutoff, st->generators, bo, &st->basis));
  }
  rep->t_basis = MPI_Wtime() - t;
  PetscCall(PetscLogStagePop());
  if (opt.verbose)
    PetscCall(PetscPrintf(comm,
                          "[specavg] invariant basis for %s, %s: D = %zu basis functions -> D_inv = %d invariant "
                          "features: %.2f s\n",
                          st->group_label.c_str(), st->cutoff.describe().c_str(), st->basis.dtotal(), st->basis.dinv(),
                          rep->t_basis));
  // The exact D_inv is known now: check again before the Gram matrix is allocated.
  EstimateInput in;
  PetscCall(estimate_job(comm, *st->manifold, st->spaces, st->generators, st->group_label, opt.basis, st->n_global,
                         opt.estimator->penalized(), &st->basis, &st->estimate, &in));
  in.ntargets = st->ntargets;
  in.grid = st->grid_path;
  in.owned = owned_gram_hint(opt);
  in.max_block_mib = opt.max_block_mib;
  st->estimate = estimate_training(in);
  if (st->estimate.peak_bytes > st->memory_available)
    PetscCall(check_memory_fits(comm, st->estimate, st->memory_available, st->memory_source,
                                training_remedies(in, st->memory_available, opt.cutoff.lmax >= 0)));
  st->done = TrainStage::Basis;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode train_reduce(MPI_Comm comm, const TrainOptions& opt, TrainState* st, TrainReport* rep) {
  PetscFunctionBeginUser;
  PetscCheck(st->done == TrainStage::Accumulated, comm, PETSC_ERR_ARG_WRONGSTATE, "train_reduce: accumulate first");
  PetscLogStage s_solve;
  PetscCall(train_log_stage("specavg: solve", &s_solve));
  PetscCall(PetscLogStagePush(s_solve));
  PetscCall(reduce_normal_equations(comm, &st->local, &st->reduced));
  PetscCall(PetscLogStagePop());
  rep->t_reduce = st->reduced.t_reduce;
  st->done = TrainStage::Reduced;
  PetscFunctionReturn(PETSC_SUCCESS);
}

bool TrainOptions::needs_gram() const {
  return estimator->penalized() || select.criterion != SelectCriterion::None || select.uncertainty == 1;
}

bool TrainOptions::wants_uncertainty(int dinv) const {
  if (select.uncertainty >= 0) return select.uncertainty == 1;
  return (estimator->penalized() || select.criterion != SelectCriterion::None) && dinv <= select.uncertainty_max_dinv;
}

PetscErrorCode train_penalty(MPI_Comm comm, const TrainOptions& opt, TrainState* st) {
  PetscFunctionBeginUser;
  const Manifold& M = *st->manifold;
  if (opt.penalty == "kernel") {
    SPECAVG_CALL_CXX(comm, const Kernel kern(M, penalty_kernel_spec(M, opt));
                     st->penalty = penalty_weights(st->basis, opt.sobolev_s, &kern);
                     st->penalty_desc = "kernel " + kern.describe());
  } else {
    st->penalty = penalty_weights(st->basis, opt.sobolev_s);
    st->penalty_desc = "sobolev, s = " + std::to_string(opt.sobolev_s);
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode train_solve(MPI_Comm comm, const TrainOptions& opt, TrainState* st, TrainReport* rep) {
  PetscFunctionBeginUser;
  PetscCheck(st->done == TrainStage::Reduced, comm, PETSC_ERR_ARG_WRONGSTATE, "train_solve: reduce first");
  PetscLogStage s_solve;
  PetscCall(train_log_stage("specavg: solve", &s_solve));
  PetscCall(PetscLogStagePush(s_solve));
  PetscCall(train_penalty(comm, opt, st));
  rep->solve = SolveReport{};
  if (!opt.estimator->penalized()) {
    spectral_coefficients(st->reduced, &st->coef);
    rep->solve.method = "spectral averaging (no solve)";
    rep->solve.wsum = st->reduced.wsum;
    rep->solve.n = st->reduced.n;
    rep->solve.t_reduce = st->reduced.t_reduce;
  } else {
    std::unique_ptr<RowSource> again;  // the owned route's residual pass reads the rows once more
    std::unique_ptr<InvariantFeatures> feats;
    if (st->reduced.owned) {
      feats = std::make_unique<InvariantFeatures>(st->basis);
      st->reduced.gram_times = [&](const std::vector<double>& X, std::vector<double>* gx) -> PetscErrorCode {
        PetscFunctionBeginUser;
        PetscCall(open_row_source(comm, opt.data, {"-data", ValuesNeed::Required, st->manifold.get()}, &again));
        PetscCall(gram_times_streamed(comm, *again, *feats, st->block_rows, X, st->ntargets, gx));
        PetscCall(again->close());
        again.reset();
        PetscFunctionReturn(PETSC_SUCCESS);
      };
    }
    PetscCall(solve_ridge(comm, &st->reduced, opt.tau, st->penalty, true, &st->coef, &rep->solve));
    st->reduced.gram_times = nullptr;
  }
  PetscCall(PetscLogStagePop());
  rep->t_setup = rep->solve.t_setup;
  rep->t_solve = rep->solve.t_solve;
  if (opt.verbose) {
    char convert[64] = "", residual[64] = "";  // the in-place path's extra steps
    if (rep->solve.t_convert > 0)
      std::snprintf(convert, sizeof convert, " scaling and power iterations %.3f s,", rep->solve.t_convert);
    if (rep->solve.t_residual > 0)
      std::snprintf(residual, sizeof residual, " (from the data: %.3f s)", rep->solve.t_residual);
    PetscCall(PetscPrintf(comm,
                          "[specavg] reduced %s: reduce %.3f s,%s factor %.3f s, solve %.3f s, max rel. residual "
                          "%.1e%s\n",
                          rep->solve.method.c_str(), rep->t_reduce, convert, rep->t_setup, rep->t_solve,
                          rep->solve.max_rel_residual, residual));
  }
  st->done = TrainStage::Solved;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode train_write(MPI_Comm comm, const TrainOptions& opt, const TrainState& st, TrainReport* rep,
                           Model* model) {
  PetscFunctionBeginUser;
  PetscCheck(st.done == TrainStage::Solved, comm, PETSC_ERR_ARG_WRONGSTATE, "train_write: solve first");
  model->basis = st.basis;
  model->coef = st.coef;
  model->penalty = st.penalty_desc;
  model->group_spec = st.group_label;
  model->generators = st.generators;
  model->estimator = opt.estimator;
  model->tau = st.has_selection && !st.selection.taus.empty() ? st.selection.taus[st.selection.chosen_tau[0]] : opt.tau;
  model->has_selection = st.has_selection;
  model->selection = st.selection;
  model->uncertainty = st.uncertainty;
  model->sobolev_s = opt.sobolev_s;
  model->ntargets = st.ntargets;
  model->prov.version = SPECAVG_VERSION;
  model->prov.nranks = st.nranks;
  model->prov.n_train = st.reduced.n;
  model->prov.weight_sum = st.reduced.wsum;
  model->prov.timings = {{"read", rep->t_read},         {"basis", rep->t_basis},   {"features", rep->t_features},
                         {"assembly", rep->t_assembly}, {"select", rep->t_select}, {"reduce", rep->t_reduce},
                         {"factor", rep->t_setup},      {"solve", rep->t_solve},   {"total", rep->t_total}};
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode train_model(MPI_Comm comm, const TrainOptions& opt, Model* model, TrainReport* rep) {
  PetscFunctionBeginUser;
  const double t_start = MPI_Wtime();
  TrainState st;
  {
    // Signals stop the job at the next block boundary of the accumulation (before it,
    // they wait for it); after it the job finishes normally.
    std::unique_ptr<InterruptHandlers> handlers;
    if (opt.checkpoint.handle_signals) handlers = std::make_unique<InterruptHandlers>();
    PetscCall(train_resolve(comm, opt, &st));
    PetscCall(train_read(comm, opt, &st, rep));
    bool sht = false;
    PetscCall(sht_wanted(comm, opt, st, &sht));
    st.grid_path = sht;
    PetscCall(train_basis(comm, opt, &st, rep));
    if (sht) PetscCall(train_sht(comm, opt, &st, rep, &sht));
    if (!sht) PetscCall(train_accumulate(comm, opt, &st, rep));
  }
  if (rep->interrupted) {
    rep->t_total = MPI_Wtime() - t_start;
    PetscFunctionReturn(PETSC_SUCCESS);
  }
  if (st.done != TrainStage::Solved) PetscCall(train_select(comm, opt, &st, rep));
  if (st.done != TrainStage::Solved) {
    PetscCall(train_reduce(comm, opt, &st, rep));
    PetscCall(train_solve(comm, opt, &st, rep));
  }
  rep->t_total = MPI_Wtime() - t_start;
  PetscCall(train_write(comm, opt, st, rep, model));
  PetscFunctionReturn(PETSC_SUCCESS);
}

}  // namespace specavg
