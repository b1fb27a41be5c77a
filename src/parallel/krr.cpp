#include "specavg/parallel/krr.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <sstream>

#include "specavg/comm/collective.hpp"
#include "specavg/parallel/distributed_basis.hpp"
#include "specavg/parallel/resource_estimate.hpp"
#include "specavg/group/coordinate_groups.hpp"

namespace specavg {
namespace {

constexpr PetscInt kDistributeFrom = 64;  // rows per rank below which the system is solved redundantly

std::string sci(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2e", v);
  return buf;
}

// Gathers every rank's rows (count × width) into all (Σ count × width) on every rank.
PetscErrorCode allgather_rows(MPI_Comm comm, const std::vector<double>& mine, std::vector<double>* all) {
  PetscFunctionBeginUser;
  int size;
  PetscCallMPI(MPI_Comm_size(comm, &size));
  std::vector<int> counts(size), displs(size, 0);
  int my = int(mine.size());
  PetscCallMPI(MPI_Allgather(&my, 1, MPI_INT, counts.data(), 1, MPI_INT, comm));
  for (int p = 1; p < size; ++p) displs[p] = displs[p - 1] + counts[p - 1];
  all->resize(std::size_t(displs[size - 1]) + counts[size - 1]);
  PetscCallMPI(
      MPI_Allgatherv(mine.data(), my, MPI_DOUBLE, all->data(), counts.data(), displs.data(), MPI_DOUBLE, comm));
  PetscFunctionReturn(PETSC_SUCCESS);
}

}  // namespace

KernelSpec krr_kernel_spec(const Manifold& M, const KrrOptions& opt) {
  KernelSpec s;
  s.kind = opt.kernel.empty() ? default_kernel(M) : parse_kernel(opt.kernel);
  s.width = opt.width;
  if (s.width <= 0) switch (s.kind) {
      case KernelKind::VonMisesFisher:
        s.width = 10.0;
        break;
      case KernelKind::ProductVonMises:
        s.width = 1.0;
        break;
      case KernelKind::Heat:
        s.width = 0.05;
        break;
      case KernelKind::Sobolev:
        s.width = double(M.dim());
        break;
    }
  return s;
}

std::string krr_refusal(const Manifold& M, const KernelRidgeEstimator& est, const std::vector<Isometry>& gens,
                        const std::string& group_spec, long long n, const KrrOptions& opt, int nranks,
                        std::vector<Isometry>* elements, long long* order) {
  const std::string mname = est.name();
  elements->clear();
  *order = 0;
  if (est.enumerates_group()) {
    std::optional<std::vector<Isometry>> G;
    try {
      G = enumerate_isometries(gens, opt.max_group_order, M.translation_period());
    } catch (const std::exception& e) {
      return exception_message(e);  // agreed on by the caller
    }
    if (!G) {
      std::optional<double> cf;
      try {
        cf = closed_form_order(group_spec, M.dim());
      } catch (const std::exception&) {
      }
      std::ostringstream os;
      os << "-method " << mname << " enumerates the group but |G| ";
      if (cf)
        os << "= " << std::llround(*cf) << " (" << group_spec << ") exceeds -max_group_order " << opt.max_group_order;
      else
        os << "exceeds -max_group_order " << opt.max_group_order << " (" << group_spec << ")";
      const double g = cf ? *cf : double(opt.max_group_order);
      if (est.averages_kernel())
        os << ": the group-averaged kernel matrix would need n^2 |G| " << (cf ? "= " : "> ") << sci(double(n) * n * g)
           << " kernel evaluations";
      else
        os << ": augmentation would train on n |G| " << (cf ? "= " : "> ") << sci(double(n) * g)
           << " points (an N x N kernel matrix of " << (cf ? "" : "more than ") << format_bytes(8.0 * n * g * n * g)
           << ")";
      os << ". Use -method specavg (which never enumerates G) or raise -max_group_order";
      return os.str();
    }
    *elements = std::move(*G);
    *order = (long long)elements->size();
  }
  const double N = double(n) * double(est.augments_data() ? *order : 1);
  if (N > double(opt.max_rows)) {
    const int size = nranks;
    std::ostringstream os;
    os << "-method " << mname << " needs a " << sci(N) << " x " << sci(N) << " kernel matrix";
    if (est.augments_data()) os << " (n |G| = " << n << " x " << *order << ")";
    os << ": " << format_bytes(8 * N * N) << " (" << format_bytes(8 * N * N / size)
       << " per rank and twice that for the "
       << "factorization) and N^3/3 = " << sci(N * N * N / 3) << " flops. N exceeds -krr_max_rows " << opt.max_rows
       << ". Use fewer points or -method specavg (or raise -krr_max_rows if the memory is there)";
    return os.str();
  }
  return {};
}

PetscErrorCode krr_check_feasible(MPI_Comm comm, const Manifold& M, const KernelRidgeEstimator& est,
                                  const std::vector<Isometry>& gens, const std::string& group_spec, long long n,
                                  const KrrOptions& opt, std::vector<Isometry>* elements, long long* order) {
  PetscFunctionBeginUser;
  int size;
  PetscCallMPI(MPI_Comm_size(comm, &size));
  const std::string why = krr_refusal(M, est, gens, group_spec, n, opt, size, elements, order);
  PetscCall(collective_check(comm, why.empty(), why));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode krr_build(MPI_Comm comm, const Manifold& M, const std::vector<Isometry>& gens,
                         const std::string& group_spec, const LocalData& data, const KrrOptions& opt, KrrSystem* sys,
                         KrrReport* rep) {
  PetscFunctionBeginUser;
  int size, rank;
  PetscCallMPI(MPI_Comm_size(comm, &size));
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  bool unit = true;
  for (double w : data.weights) unit = unit && w == 1.0;
  PetscCall(collective_check(comm, unit,
                             "the kernel-ridge baselines fit unweighted data: remove the 'weights' dataset (or make "
                             "every weight 1), or use -method specavg"));
  PetscCall(collective_check(comm, data.ntargets > 0, "the training data have no values"));
  double t = MPI_Wtime();
  sys->M = M.shared_from_this();
  sys->estimator = opt.estimator;
  sys->group_spec = group_spec;
  sys->generators = gens;
  SPECAVG_CALL_CXX(comm, sys->kernel = krr_kernel_spec(M, opt); Kernel check(M, sys->kernel));
  PetscCall(krr_check_feasible(comm, M, *opt.estimator, gens, group_spec, (long long)data.n_global, opt, &sys->elements,
                               &sys->order));
  rep->t_group = MPI_Wtime() - t;
  rep->order = sys->order;
  const Kernel K(M, sys->kernel);
  const std::size_t d = std::size_t(M.dim()), k = std::size_t(data.ntargets);
  const bool aug = opt.estimator->augments_data(), averaged = opt.estimator->averages_kernel();
  const std::size_t reps = aug ? sys->elements.size() : 1;

  // This rank's centers (its rows, or their |G| images) and targets.
  std::vector<double> xc(std::size_t(data.count) * reps * d), yc(std::size_t(data.count) * reps * k);
  for (PetscInt i = 0; i < data.count; ++i)
    for (std::size_t e = 0; e < reps; ++e) {
      const std::size_t r = std::size_t(i) * reps + e;
      if (aug)
        M.map_point(sys->elements[e], &data.points[std::size_t(i) * d], &xc[r * d]);
      else
        std::copy_n(&data.points[std::size_t(i) * d], d, &xc[r * d]);
      std::copy_n(&data.values[std::size_t(i) * k], k, &yc[r * k]);
    }
  PetscCall(allgather_rows(comm, xc, &sys->centers));
  const PetscInt N = PetscInt(sys->centers.size() / d);
  sys->N = N;
  sys->n = (long long)data.n_global;
  sys->ntargets = int(k);
  sys->redundant = size > 1 && N < kDistributeFrom * size;
  const MPI_Comm scomm = sys->redundant ? PETSC_COMM_SELF : comm;
  if (sys->redundant) {
    PetscCall(allgather_rows(comm, yc, &sys->y));
    xc = sys->centers;
  } else {
    sys->y = yc;
  }
  const PetscInt nloc = PetscInt(xc.size() / d);
  rep->n = sys->n;
  rep->nrows = N;
  if (opt.verbose)
    PetscCall(PetscPrintf(comm, "[specavg] %s: kernel %s, %lld x %lld matrix%s%s ...\n", opt.estimator->name(),
                          K.describe().c_str(), (long long)N, (long long)N,
                          sys->order ? (", |G| = " + std::to_string(sys->order)).c_str() : "",
                          sys->redundant ? " (redundant on each rank)" : ""));

  sys->K.reset();
  PetscCall(MatCreateDense(scomm, nloc, nloc, N, N, nullptr,
                           sys->K.address()));  // square local blocks: vectors of rows and columns match
  PetscInt lda;
  PetscScalar* a;
  PetscCall(MatDenseGetLDA(sys->K, &lda));
  PetscCall(MatDenseGetArrayWrite(sys->K, &a));
  // Column chunk c of the local rows, column-major: a[(c0 + j) lda + i] = K_*(c_j, x_i),
  // which is the row-major block K_*(C_chunk, X_local) with leading dimension lda.
  t = MPI_Wtime();
  const PetscInt chunk = 1024;
  std::vector<double> gc;
  int reported = 0;
  for (PetscInt c0 = 0; c0 < N; c0 += chunk) {
    const PetscInt nc = std::min(chunk, N - c0);
    const double* cb = &sys->centers[std::size_t(c0) * d];
    double* out = a + std::size_t(c0) * lda;
    if (averaged) {
      gc.resize(std::size_t(nc) * d);
      const double s = 1.0 / double(sys->elements.size());
      for (std::size_t e = 0; e < sys->elements.size(); ++e) {
        for (PetscInt j = 0; j < nc; ++j) M.map_point(sys->elements[e], cb + j * d, &gc[j * d]);
        K.block(gc.data(), std::size_t(nc), xc.data(), std::size_t(nloc), out, std::size_t(lda), s, e > 0);
      }
    } else {
      K.block(cb, std::size_t(nc), xc.data(), std::size_t(nloc), out, std::size_t(lda));
    }
    const double frac = double(c0 + nc) / double(N);
    if (opt.verbose && rank == 0 && MPI_Wtime() - t > 2.0 && int(frac * 4) > reported) {
      reported = int(frac * 4);
      std::printf("[specavg]   kernel matrix %3.0f%% done (%.1f s)\n", 100 * frac, MPI_Wtime() - t);
      std::fflush(stdout);
    }
  }
  PetscCall(MatDenseRestoreArrayWrite(sys->K, &a));
  PetscCall(MatAssemblyBegin(sys->K, MAT_FINAL_ASSEMBLY));
  PetscCall(MatAssemblyEnd(sys->K, MAT_FINAL_ASSEMBLY));
  double tl = MPI_Wtime() - t;
  PetscCallMPI(MPI_Allreduce(&tl, &rep->t_kernel, 1, MPI_DOUBLE, MPI_MAX, comm));
  rep->kernel_evals = double(N) * double(N) * (averaged ? double(sys->elements.size()) : 1.0);
  if (opt.verbose)
    PetscCall(PetscPrintf(comm, "[specavg] kernel matrix: %.2e kernel evaluations in %.2f s (%.2e per s per rank)\n",
                          rep->kernel_evals, rep->t_kernel,
                          rep->kernel_evals / std::max(rep->t_kernel, 1e-9) / (sys->redundant ? 1 : size)));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode krr_solve(MPI_Comm comm, KrrSystem* sys, double lambda, bool keep, Model* model, KrrReport* rep) {
  PetscFunctionBeginUser;
  PetscCall(collective_check(comm, lambda > 0, "-krr_lambda must be > 0 (the kernel matrix is only semi-definite)"));
  PetscCheck(sys->K.get(), comm, PETSC_ERR_ARG_WRONGSTATE, "krr_solve: the kernel matrix was consumed by a solve");
  const MPI_Comm scomm = sys->redundant ? PETSC_COMM_SELF : comm;
  PetscCall(MatSetOption(sys->K, MAT_SYMMETRIC, PETSC_TRUE));
  std::vector<double> alpha;
  rep->solve = SolveReport{};
  PetscCall(solve_dense_spd(scomm, sys->K, "krr_", sys->y, sys->ntargets, 1.0, lambda, &alpha, &rep->solve));
  char why[400];
  std::snprintf(why, sizeof why,
                "ill-posed kernel-ridge fit: the Cholesky factorization of K + lambda I failed (-krr_lambda %g, %lld "
                "x %lld kernel matrix). Use a larger -krr_lambda",
                lambda, (long long)sys->N, (long long)sys->N);
  PetscCall(collective_check(comm, !rep->solve.factor_failed, why));
  if (!keep) sys->K.reset();
  rep->t_factor = rep->solve.t_setup;
  rep->t_solve = rep->solve.t_solve;

  model->estimator = sys->estimator;
  model->basis = InvariantBasis{};
  model->basis.manifold = sys->M;
  model->basis.cutoff = "none (kernel)";
  model->group_spec = sys->group_spec;
  model->generators = sys->generators;
  model->ntargets = sys->ntargets;
  model->coef.clear();
  model->tau = 0.0;
  model->sobolev_s = 0.0;
  model->krr = KrrModel{};
  model->krr.kernel = sys->kernel;
  model->krr.lambda = lambda;
  model->krr.order = sys->order;
  if (sys->estimator->averages_kernel()) model->krr.elements = sys->elements;
  model->krr.centers = sys->centers;
  model->krr.alpha = std::move(alpha);
  int size;
  PetscCallMPI(MPI_Comm_size(comm, &size));
  model->prov.version = SPECAVG_VERSION;
  model->prov.nranks = size;
  model->prov.n_train = sys->n;
  model->prov.weight_sum = double(sys->n);
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode train_krr(MPI_Comm comm, const TrainOptions& topt, const KrrOptions& kopt, Model* model,
                         KrrReport* rep) {
  PetscFunctionBeginUser;
  const double t0 = MPI_Wtime();
  ManifoldPtr Mp;
  PetscCall(resolve_manifold(comm, topt.manifold, topt.dim, topt.data, &Mp));
  const Manifold& M = *Mp;
  std::vector<Isometry> gens;
  std::string label;
  // Plain KRR does not use the group: it is optional (kept in the model when given, so
  // eval can still measure the invariance discrepancy).
  if (kopt.estimator->needs_group() || !topt.group.empty() || !topt.group_file.empty())
    PetscCall(resolve_group(comm, M, topt.group, topt.group_file, &gens, &label));
  {  // refuse before reading anything large
    long long n = 0;
    PetscInt nrows = 0;
    PetscCall(peek_rows(comm, topt.data, "-data", &nrows));
    n = (long long)nrows;
    std::vector<Isometry> el;
    long long order;
    SPECAVG_CALL_CXX(comm, Kernel check(M, krr_kernel_spec(M, kopt)));
    PetscCall(krr_check_feasible(comm, M, *kopt.estimator, gens, label, n, kopt, &el, &order));
    int size;
    PetscCallMPI(MPI_Comm_size(comm, &size));
    const long long N = n * (kopt.estimator->augments_data() ? order : 1);
    const ResourceEstimate e = estimate_krr(N, M.dim(), 1, n, size);
    double avail;
    std::string source;
    PetscCall(memory_available_per_rank(comm, topt.max_memory_gib, &avail, &source));
    if (kopt.verbose)
      PetscCall(PetscPrintf(comm, "[specavg] estimate: peak %s per rank (%s available: %s); %s\n",
                            format_bytes(e.peak_bytes).c_str(), format_bytes(avail).c_str(), source.c_str(),
                            e.what.c_str()));
    long long fit_n = 0;  // the most points that would fit, by bisection on the same model
    for (long long lo = 1, hi = n; lo <= hi;) {
      const long long mid = (lo + hi) / 2;
      const long long Nm = mid * (kopt.estimator->augments_data() ? order : 1);
      if (estimate_krr(Nm, M.dim(), 1, mid, size).peak_bytes <= avail)
        fit_n = mid, lo = mid + 1;
      else
        hi = mid - 1;
    }
    PetscCall(check_memory_fits(comm, e, avail, source,
                                "at most " + std::to_string(fit_n) + " training points, or -method specavg"));
  }
  double t = MPI_Wtime();
  LocalData data;
  PetscCall(load_rows(comm, topt.data, {"-data", ValuesNeed::Required, &M}, &data));
  const double t_read = MPI_Wtime() - t;
  KrrSystem sys;
  PetscCall(krr_build(comm, M, gens, label, data, kopt, &sys, rep));
  PetscCall(krr_solve(comm, &sys, kopt.lambda, false, model, rep));
  rep->t_total = MPI_Wtime() - t0;
  if (kopt.verbose)
    PetscCall(PetscPrintf(comm, "[specavg] %s solve %s: factor %.2f s, solve %.3f s, max rel. residual %.1e\n",
                          kopt.estimator->name(), rep->solve.method.c_str(), rep->t_factor, rep->t_solve,
                          rep->solve.max_rel_residual));
  model->prov.timings = {{"read", t_read},          {"group", rep->t_group}, {"kernel", rep->t_kernel},
                         {"factor", rep->t_factor}, {"solve", rep->t_solve}, {"total", rep->t_total}};
  PetscFunctionReturn(PETSC_SUCCESS);
}

}  // namespace specavg
