// specavg bench: every method on the same synthesized train/validation/test data, for a
// list of groups, training sizes and seeds; one CSV row per fit (see -help).
#include <cmath>
#include <cstdio>
#include <fstream>
#include <map>
#include <memory>
#include <sstream>

#include "app_internal.hpp"
#include "specavg/app/commands.hpp"
#include "specavg/app/options.hpp"
#include "specavg/parallel/bench_support.hpp"
#include "specavg/parallel/cross_validation.hpp"
#include "specavg/comm/collective.hpp"
#include "specavg/parallel/distributed_basis.hpp"
#include "specavg/parallel/features.hpp"
#include "specavg/parallel/krr.hpp"
#include "specavg/parallel/synth.hpp"
#include "specavg/estimate/kernel.hpp"
#include "specavg/group/coordinate_groups.hpp"
#include "specavg/comm/petsc_util.hpp"
#include "specavg/io/output_path.hpp"

namespace specavg {
namespace {


struct BenchConfig {
  std::string experiment = "bench", output = "bench.csv", target = "auto", cutoff_kind;
  std::string manifold = "s2";
  int dim = -1;
  std::vector<std::string> groups{"Ih"}, methods{"specavg", "krr", "krr-ga", "krr-aug"};
  std::vector<double> ns{500, 1000, 2000, 5000}, seeds{1}, cutoffs, taus{1e-8, 1e-6, 1e-4, 1e-3, 1e-2, 1e-1, 1},
      lambdas{1e-2, 1e-1, 1, 10, 100}, widths;
  PetscInt ntest = 1000, nval = 2000, id_points = 200;
  double noise = 0.1, sobolev_s = 1.0;
  bool tune = true, val_truth = true, specavg_kernel_penalty = true;
  std::string select = "kfold";  // -bench_select kfold|validation
  PetscInt folds = 5;            // -bench_folds
  KrrOptions krr;
  BasisOptions basis;
};

std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> out;
  std::stringstream ss(s);
  std::string item;
  while (std::getline(ss, item, sep))
    if (!item.empty()) out.push_back(item);
  return out;
}

// "1,2,5" or "1-10" (inclusive range) → numbers; throws with the option name.
std::vector<double> parse_numbers(const std::string& s, const char* option) {
  std::vector<double> v;
  for (const std::string& item : split(s, ',')) {
    const auto dash = item.find('-', 1);
    try {
      if (dash != std::string::npos && item.find_first_of("eE") == std::string::npos) {
        const long long a = std::stoll(item.substr(0, dash)), b = std::stoll(item.substr(dash + 1));
        for (long long x = a; x <= b; ++x) v.push_back(double(x));
      } else {
        std::size_t used = 0;
        v.push_back(std::stod(item, &used));
        if (used != item.size() || !std::isfinite(v.back())) throw std::invalid_argument(item);
      }
    } catch (const std::exception&) {
      throw std::invalid_argument(std::string(option) + ": cannot read '" + item +
                                  "' as a number (give a comma list, e.g. 1,2,5, or a range 1-10)");
    }
  }
  if (v.empty()) throw std::invalid_argument(std::string(option) + " is empty");
  return v;
}

std::string num(double v) {
  char b[32];
  std::snprintf(b, sizeof b, "%.6g", v);
  return b;
}

PetscErrorCode list_option(PetscOptionItems* PetscOptionsObject, const char* name, const char* help,
                           std::vector<double>* v) {
  PetscFunctionBeginUser;
  std::string s;
  for (double x : *v) s += (s.empty() ? "" : ",") + num(x);
  PetscCall(option_string(PetscOptionsObject, name, help, &s));
  SPECAVG_CALL_CXX(PetscOptionsObject->comm, *v = parse_numbers(s, name));
  PetscFunctionReturn(PETSC_SUCCESS);
}

struct Row {
  std::string method, variant, status = "ok";
  long long n = 0, seed = 0, D = -1, dinv = -1;
  double train_s = NAN, predict_s = NAN, rmse = NAN, id = NAN, mem = NAN, val = NAN;
};

// A fitted candidate: its model, validation RMSE and training seconds.
struct Candidate {
  std::string variant;
  Model model;
  double val = 0, train_s = 0;
  long long D = -1, dinv = -1;
};

struct Context {
  MPI_Comm comm;
  const BenchConfig& cfg;
  const Manifold& M;
  std::string group_label, order;
  std::vector<Isometry> gens;
  const LocalData *train, *val, *test;
  std::vector<LocalData> train_folds;  // -bench_select kfold: this rank's training rows by fold
  std::map<std::string, std::pair<InvariantBasis, double>>* basis_cache;
  double select_s = 0;  // seconds of cross-validation in the current run_method
};

Cutoff make_cutoff(const std::string& kind, double v) {
  Cutoff c;
  if (kind == "lmax") c.lmax = int(std::lround(v));
  if (kind == "lambda_max") c.lambda_max = v;
  if (kind == "nbasis") c.nbasis = (long long)std::llround(v);
  return c;
}

// specavg (ridge over cutoffs × τ, or spectral over cutoffs).
PetscErrorCode fit_specavg(Context& cx, bool spectral, std::vector<Candidate>* out) {
  PetscFunctionBeginUser;
  const BenchConfig& cfg = cx.cfg;
  for (double cv : cfg.cutoffs) {
    const auto it = cx.basis_cache->find(make_cutoff(cfg.cutoff_kind, cv).describe());
    PetscCheck(it != cx.basis_cache->end(), cx.comm, PETSC_ERR_PLIB, "bench: invariant basis not prepared");
    const InvariantBasis& basis = it->second.first;
    double t = MPI_Wtime();
    NormalEquations ne;
    PetscCall(assemble_local(basis, *cx.train, 0, !spectral, &ne));
    double t_asm = MPI_Wtime() - t, g;
    PetscCallMPI(MPI_Allreduce(&t_asm, &g, 1, MPI_DOUBLE, MPI_MAX, cx.comm));
    // Penalties: Sobolev (1+λ)^s over -bench_taus, and, for kernels that are functions of
    // the Laplacian, the KRR kernel at each width over the KRR λ grid mapped to
    // τ = λ/(n μ_0), so that specavg is the truncated group-averaged KRR on the same grid.
    struct Pen {
      std::string name;
      std::vector<double> w, taus, shown;
    };
    std::vector<Pen> pens;
    if (spectral) {
      pens.push_back({"", {}, {0.0}, {0.0}});
    } else {
      pens.push_back({"sobolev", penalty_weights(basis, cfg.sobolev_s), cfg.taus, cfg.taus});
      KernelSpec ks;
      SPECAVG_CALL_CXX(cx.comm, ks = krr_kernel_spec(cx.M, cfg.krr));
      if (ks.kind != KernelKind::ProductVonMises && cfg.specavg_kernel_penalty)
        for (double w : cfg.widths) {
          ks.width = w;
          Pen p;
          SPECAVG_CALL_CXX(cx.comm, const Kernel kern(cx.M, ks); p.w = penalty_weights(basis, 0.0, &kern);
                           const double mu0 = kern.space_eigenvalue(cx.M.eigenspace_of(0));
                           for (double lam
                                : cfg.lambdas) p.taus.push_back(lam / (double(cx.train->n_global) * mu0)));
          p.shown = cfg.lambdas;
          p.name = std::string(kernel_name(ks.kind)) + "=" + num(w);
          pens.push_back(std::move(p));
        }
    }
    const bool kfold = cfg.tune && cfg.select == "kfold";
    for (const Pen& pen : pens) {
      std::vector<double> cv_rmse;
      if (kfold) {
        const double tcv = MPI_Wtime();
        PetscCall(kfold_invariant(cx.comm, basis, cx.train_folds, pen.w, pen.taus, spectral, &cv_rmse));
        cx.select_s += MPI_Wtime() - tcv;
      }
      for (std::size_t ti = 0; ti < pen.taus.size(); ++ti) {
        const double tau = pen.taus[ti];
        Candidate c;
        c.model.basis = basis;
        t = MPI_Wtime();
        SolveReport sr;
        PetscCall(solve_reduced(cx.comm, ne, spectral ? spectral_estimator() : ridge_estimator(), tau, pen.w,
                                &c.model.coef, &sr));
        c.train_s = it->second.second + g + (MPI_Wtime() - t);
        c.model.estimator = spectral ? &spectral_estimator() : &ridge_estimator();
        c.model.tau = tau;
        c.model.sobolev_s = cfg.sobolev_s;
        c.model.group_spec = cx.group_label;
        c.model.generators = cx.gens;
        c.model.ntargets = 1;
        c.model.penalty = pen.name;
        c.variant = cfg.cutoff_kind + "=" + num(cv) + " D_inv=" + std::to_string(basis.dinv());
        if (!spectral && pen.name == "sobolev") c.variant += " sobolev tau=" + num(tau);
        if (!spectral && pen.name != "sobolev") c.variant += " " + pen.name + " lambda=" + num(pen.shown[ti]);
        c.D = (long long)basis.dtotal();
        c.dinv = basis.dinv();
        if (kfold)
          c.val = cv_rmse[spectral ? 0 : ti];
        else
          PetscCall(model_rmse(cx.comm, c.model, *cx.val, cfg.val_truth, &c.val));
        out->push_back(std::move(c));
      }
    }
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

// The invariant bases of every cutoff, built once per group (outside the per-fit memory
// window; their time is added to each specavg fit's train_s).
PetscErrorCode prepare_bases(Context& cx) {
  PetscFunctionBeginUser;
  for (double cv : cx.cfg.cutoffs) {
    const Cutoff cut = make_cutoff(cx.cfg.cutoff_kind, cv);
    const double t = MPI_Wtime();
    InvariantBasis b;
    PetscCall(build_invariant_basis_distributed(cx.comm, cx.M, cut, cx.gens, cx.cfg.basis, &b));
    const double sec = MPI_Wtime() - t;
    PetscCall(PetscPrintf(cx.comm, "[bench] invariant basis %s: D = %zu -> D_inv = %d (%.2f s)\n",
                          cut.describe().c_str(), b.dtotal(), b.dinv(), sec));
    (*cx.basis_cache)[cut.describe()] = std::make_pair(std::move(b), sec);
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode fit_krr(Context& cx, const KernelRidgeEstimator& est, std::vector<Candidate>* out) {
  PetscFunctionBeginUser;
  const BenchConfig& cfg = cx.cfg;
  for (double w : cfg.widths) {
    KrrOptions ko = cfg.krr;
    ko.estimator = &est;
    ko.width = w;
    ko.verbose = false;
    KrrSystem sys;
    KrrReport rep;
    PetscCall(krr_build(cx.comm, cx.M, cx.gens, cx.group_label, *cx.train, ko, &sys, &rep));
    const bool kfold = cfg.tune && cfg.select == "kfold";
    std::vector<double> cv;
    if (kfold) {
      const double tcv = MPI_Wtime();
      PetscCall(kfold_kernel_ridge(cx.comm, sys, *cx.train, int(cfg.folds), cfg.lambdas, &cv));
      cx.select_s += MPI_Wtime() - tcv;
    }
    for (std::size_t li = 0; li < cfg.lambdas.size(); ++li) {
      const double lam = cfg.lambdas[li];
      Candidate c;
      PetscCall(krr_solve(cx.comm, &sys, lam, true, &c.model, &rep));
      c.train_s = rep.t_group + rep.t_kernel + rep.t_factor + rep.t_solve;
      c.variant = "width=" + num(w) + " lambda=" + num(lam);
      c.D = sys.N;
      if (kfold)
        c.val = cv[li];
      else
        PetscCall(model_rmse(cx.comm, c.model, *cx.val, cfg.val_truth, &c.val));
      out->push_back(std::move(c));
    }
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode run_method(Context& cx, const std::string& mname, long long seed, std::vector<Row>* rows) {
  PetscFunctionBeginUser;
  const BenchConfig& cfg = cx.cfg;
  const long long n = (long long)cx.train->n_global;
  int size;
  PetscCallMPI(MPI_Comm_size(cx.comm, &size));
  Row base;
  base.method = mname;
  base.n = n;
  base.seed = seed;
  std::vector<Candidate> cands;
  reset_peak_memory();
  cx.select_s = 0;
  if (mname == "specavg" || mname == "specavg-spectral") {
    PetscCall(fit_specavg(cx, mname == "specavg-spectral", &cands));
  } else {
    const KernelRidgeEstimator* m = nullptr;
    SPECAVG_CALL_CXX(cx.comm, m = &as_kernel_ridge(find_estimator(mname)));
    std::vector<Isometry> el;
    long long order;
    const std::string why = krr_refusal(cx.M, *m, cx.gens, cx.group_label, n, cfg.krr, size, &el, &order);
    if (!why.empty()) {
      base.variant = "-";
      base.status = "refused: " + why;
      for (char& ch : base.status)
        if (ch == ',') ch = ';';  // one CSV field
      rows->push_back(base);
      PetscCall(PetscPrintf(cx.comm, "[bench]   %-16s n = %-8lld refused: %s\n", mname.c_str(), n, why.c_str()));
      PetscFunctionReturn(PETSC_SUCCESS);
    }
    PetscCall(fit_krr(cx, *m, &cands));
  }
  double mem;
  PetscCall(peak_memory_mib(cx.comm, &mem));
  std::size_t best = 0;
  for (std::size_t i = 1; i < cands.size(); ++i)
    if (cands[i].val < cands[best].val) best = i;
  for (std::size_t i = 0; i < cands.size(); ++i) {
    if (cfg.tune && i != best) continue;
    Candidate& c = cands[i];
    Row r = base;
    r.variant = (cfg.tune ? "tuned: " : "") + c.variant;
    r.D = c.D;
    r.dinv = c.dinv;
    r.train_s = c.train_s;
    r.val = c.val;
    r.mem = mem;
    EvalReport er;
    PetscCall(evaluate_model(cx.comm, c.model, *cx.test, cfg.id_points, 8, 6, &er));
    r.rmse = er.rmse_truth;
    r.predict_s = er.t_predict;
    r.id = er.id_rel;
    rows->push_back(r);
    PetscCall(PetscPrintf(cx.comm,
                          "[bench]   %-16s n = %-8lld %-40s %s %.3e  test %.3e  ID %.1e  train %8.3f s  select "
                          "%.2f s  predict %.3f s  %.0f MiB\n",
                          mname.c_str(), n, r.variant.c_str(), cfg.select == "kfold" ? "cv" : "val", r.val, r.rmse,
                          r.id, r.train_s, cx.select_s, r.predict_s, r.mem));
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

std::string csv_line(const BenchConfig& cfg, const Context& cx, const Row& r) {
  auto f = [](double v) { return std::isnan(v) ? std::string() : num(v); };
  auto i = [](long long v) { return v < 0 ? std::string() : std::to_string(v); };
  std::ostringstream os;
  os << cfg.experiment << ',' << r.method << ',' << r.variant << ',' << cx.M.name() << ',' << cx.M.dim() << ','
     << cx.group_label << ',' << cx.order << ',' << r.n << ',' << r.seed << ',' << i(r.D) << ',' << i(r.dinv) << ','
     << f(r.train_s) << ',' << f(r.predict_s) << ',' << f(r.rmse) << ',' << f(r.id) << ',' << f(r.mem) << ','
     << r.status << '\n';
  return os.str();
}

PetscErrorCode read_options(MPI_Comm comm, BenchConfig* c) {
  PetscFunctionBeginUser;
  std::string groups = "Ih", methods = "specavg,krr,krr-ga,krr-aug", cut, widths;
  c->krr.max_rows = 10000;
  PetscOptionsBegin(comm, nullptr,
                    "specavg bench: specavg and the kernel-ridge baselines on the same synthetic data; one CSV row "
                    "per fit (experiment,method,variant,manifold,dim,group,order,n,seed,D,D_inv,train_s,predict_s,"
                    "test_rmse,rel_discrepancy,peak_mem_mib,status); test_rmse is against the noise-free truth",
                    "specavg");
  PetscCall(
      option_string(PetscOptionsObject, "-bench_experiment", "Experiment name (first CSV column)", &c->experiment));
  PetscCall(option_string(PetscOptionsObject, "-bench_output", "CSV file (written atomically at the end)", &c->output));
  PetscCall(options_manifold(PetscOptionsObject, &c->manifold, &c->dim));
  PetscCall(option_string(PetscOptionsObject, "-bench_groups", "Groups, separated by ';' (e.g. \"Ih;D3\")", &groups));
  PetscCall(option_string(PetscOptionsObject, "-bench_methods",
                          "Comma list of specavg (ridge), specavg-spectral, krr, krr-ga, krr-aug", &methods));
  PetscCall(list_option(PetscOptionsObject, "-bench_n", "Training sizes", &c->ns));
  PetscCall(list_option(PetscOptionsObject, "-bench_seeds", "Seeds (list or range a-b)", &c->seeds));
  PetscCall(option_int(PetscOptionsObject, "-bench_ntest", "Test points per seed", &c->ntest, 1, PETSC_MAX_INT));
  PetscCall(option_int(PetscOptionsObject, "-bench_nval", "Validation points per seed (hyperparameter choice)",
                       &c->nval, 1, PETSC_MAX_INT));
  PetscCall(option_int(PetscOptionsObject, "-bench_id_points", "Test points used for the invariance discrepancy",
                       &c->id_points, 1, PETSC_MAX_INT));
  PetscCall(option_real(PetscOptionsObject, "-noise", "Noise standard deviation of train/validation values", &c->noise,
                        0.0, kInfinity));
  PetscCall(option_string(PetscOptionsObject, "-target", "Synthetic target (see specavg synth -help)", &c->target));
  PetscCall(option_bool(PetscOptionsObject, "-bench_tune",
                        "Choose hyperparameters on the validation split (else one row each)", &c->tune));
  PetscCall(option_string(PetscOptionsObject, "-bench_select",
                          "How -bench_tune chooses hyperparameters: kfold (default: k-fold cross-validation on the "
                          "noisy training data, for every method) or validation (a separate validation split, "
                          "scored as -bench_val_truth says)",
                          &c->select));
  PetscCall(option_int(PetscOptionsObject, "-bench_folds", "Folds of -bench_select kfold", &c->folds, 2, 100));
  PetscCall(option_bool(PetscOptionsObject, "-bench_val_truth",
                        "With -bench_select validation: score the validation split against the noise-free target "
                        "(default; an oracle no user has) or, with 0, the noisy values",
                        &c->val_truth));
  PetscCall(option_bool(PetscOptionsObject, "-bench_kernel_penalty",
                        "Also try specavg ridge with the KRR kernel's spectrum as penalty (spheres, zonal kernels)",
                        &c->specavg_kernel_penalty));
  PetscCall(option_string(PetscOptionsObject, "-bench_cutoff_kind",
                          "lmax, lambda_max or nbasis (default lmax on spheres, lambda_max on the torus)",
                          &c->cutoff_kind));
  PetscCall(list_option(PetscOptionsObject, "-bench_taus", "specavg ridge penalties tau", &c->taus));
  PetscCall(option_real(PetscOptionsObject, "-sobolev_s", "Sobolev exponent of the ridge penalty", &c->sobolev_s, 0.0,
                        16.0));
  PetscCall(list_option(PetscOptionsObject, "-bench_krr_lambdas", "KRR regularizations lambda", &c->lambdas));
  PetscCall(options_krr(PetscOptionsObject, &c->krr));
  PetscCall(options_basis(PetscOptionsObject, &c->basis));
  // Defaults that depend on the manifold are filled in by cmd_bench once it is known.
  PetscCall(option_string(PetscOptionsObject, "-bench_cutoffs",
                          "specavg cutoffs (values of -bench_cutoff_kind; default S^2: 6,10,16,20,24,30; S^{d-1}: "
                          "2,4,6; torus: lambda_max = pi^2 {1,2,3,4})",
                          &cut));
  PetscCall(option_string(PetscOptionsObject, "-bench_krr_widths",
                          "Kernel widths (default vmf 3,10,30; vonmises 0.25,0.5,1; heat 0.01,0.03,0.1; sobolev "
                          "d/2+1,d,2d)",
                          &widths));
  PetscOptionsEnd();
  c->groups = split(groups, ';');
  c->methods = split(methods, ',');
  for (const auto& m : c->methods)
    PetscCall(collective_check(
        comm, m == "specavg" || m == "specavg-spectral" || m == "krr" || m == "krr-ga" || m == "krr-aug",
        "unknown method '" + m +
            "' in -bench_methods: expected specavg, specavg-spectral, "
            "krr, krr-ga or krr-aug"));
  PetscCall(collective_check(comm, !c->groups.empty(), "-bench_groups is empty"));
  PetscCall(collective_check(comm, c->select == "kfold" || c->select == "validation",
                             "unknown -bench_select '" + c->select + "': expected kfold or validation"));
  PetscCall(collective_check(comm, c->ntest > 0 && c->nval > 0, "-bench_ntest and -bench_nval must be positive"));
  if (!cut.empty()) SPECAVG_CALL_CXX(comm, c->cutoffs = parse_numbers(cut, "-bench_cutoffs"));
  if (!widths.empty()) SPECAVG_CALL_CXX(comm, c->widths = parse_numbers(widths, "-bench_krr_widths"));
  PetscFunctionReturn(PETSC_SUCCESS);
}

}  // namespace

PetscErrorCode cmd_bench(MPI_Comm comm) {
  PetscFunctionBeginUser;
  BenchConfig cfg;
  PetscCall(read_options(comm, &cfg));
  PetscCall(options_done(comm, "bench"));
  if (help_requested()) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCall(collective_check(comm, manifold_default_dim(cfg.manifold) > 0 || cfg.dim > 0,
                             "-dim is required for -manifold " + cfg.manifold + " (coordinates per point)"));
  ManifoldPtr Mp;
  PetscCall(resolve_manifold(comm, cfg.manifold, cfg.dim, "", &Mp));
  const Manifold& M = *Mp;
  if (cfg.cutoff_kind.empty()) cfg.cutoff_kind = M.has_degree_cutoff() ? "lmax" : "lambda_max";
  PetscCall(collective_check(
      comm, cfg.cutoff_kind == "lmax" || cfg.cutoff_kind == "lambda_max" || cfg.cutoff_kind == "nbasis",
      "unknown -bench_cutoff_kind '" + cfg.cutoff_kind + "': expected lmax, lambda_max or nbasis"));
  if (cfg.cutoffs.empty()) cfg.cutoffs = M.cutoff_ladder();
  KernelSpec ks;
  SPECAVG_CALL_CXX(comm, ks = krr_kernel_spec(M, cfg.krr); Kernel check(M, ks));
  if (cfg.widths.empty()) switch (ks.kind) {
      case KernelKind::VonMisesFisher:
        cfg.widths = {3, 10, 30};
        break;
      case KernelKind::ProductVonMises:
        cfg.widths = {0.25, 0.5, 1};
        break;
      case KernelKind::Heat:
        cfg.widths = {0.01, 0.03, 0.1};
        break;
      case KernelKind::Sobolev:
        cfg.widths = {M.dim() / 2.0 + 1, double(M.dim()), 2.0 * M.dim()};
        break;
    }
  PetscCall(check_output_path(comm, {"-bench_output", cfg.output}, {}));
  int rank, size;
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  PetscCallMPI(MPI_Comm_size(comm, &size));
  std::string csv =
      "experiment,method,variant,manifold,dim,group,order,n,seed,D,D_inv,train_s,predict_s,test_rmse,"
      "rel_discrepancy,peak_mem_mib,status\n";
  const double t0 = MPI_Wtime();
  PetscCall(PetscPrintf(comm,
                        "[bench] %s on %s, %d rank(s): %zu group(s) x %zu size(s) x %zu seed(s) x %zu method(s)%s\n",
                        cfg.experiment.c_str(), M.describe().c_str(), size, cfg.groups.size(), cfg.ns.size(),
                        cfg.seeds.size(), cfg.methods.size(),
                        !cfg.tune                     ? ""
                        : cfg.select == "kfold"       ? (", tuned by " + std::to_string(cfg.folds) + "-fold cross-validation on the training data").c_str()
                        : cfg.val_truth               ? ", tuned on a validation split against the noise-free truth"
                                                      : ", tuned on a noisy validation split"));
  for (const std::string& spec : cfg.groups) {
    Context cx{comm, cfg, M, "", "", {}, nullptr, nullptr, nullptr, {}, nullptr};
    PetscCall(resolve_group(comm, M, spec, "", &cx.gens, &cx.group_label));
    std::optional<std::vector<Isometry>> G;
    SPECAVG_CALL_CXX(comm, G = enumerate_isometries(cx.gens, cfg.krr.max_group_order, M.translation_period()));
    cx.order = G ? std::to_string(G->size()) : "not enumerated";
    std::unique_ptr<TargetFunction> target;
    std::string tname;
    SPECAVG_CALL_CXX(comm, target = make_target(cfg.target, M, cx.gens, cfg.krr.max_group_order, &tname));
    std::map<std::string, std::pair<InvariantBasis, double>> cache;
    cx.basis_cache = &cache;
    bool any_specavg = false;
    for (const auto& m : cfg.methods) any_specavg = any_specavg || m.rfind("specavg", 0) == 0;
    if (any_specavg) PetscCall(prepare_bases(cx));
    PetscCall(PetscPrintf(comm, "[bench] group %s (|G| %s), target %s\n", cx.group_label.c_str(), cx.order.c_str(),
                          tname.c_str()));
    for (double sd : cfg.seeds) {
      const auto seed = (unsigned long long)std::llround(sd);
      LocalData test, val;
      PetscCall(synth_local(comm, M, *target, seed + 1000003ULL, cfg.ntest, cfg.noise, &test));
      PetscCall(synth_local(comm, M, *target, seed + 2000003ULL, cfg.nval, cfg.noise, &val));
      cx.test = &test;
      cx.val = &val;
      for (double nd : cfg.ns) {
        LocalData train;
        PetscCall(synth_local(comm, M, *target, seed, (long long)std::llround(nd), cfg.noise, &train));
        cx.train = &train;
        if (cfg.tune && cfg.select == "kfold") cx.train_folds = split_by_fold(train, int(cfg.folds));
        PetscCall(PetscPrintf(comm, "[bench] %s n = %lld, seed %llu (%.0f s so far)\n", cx.group_label.c_str(),
                              (long long)train.n_global, seed, MPI_Wtime() - t0));
        for (const std::string& m : cfg.methods) {
          std::vector<Row> rows;
          PetscCall(run_method(cx, m, (long long)seed, &rows));
          for (const Row& r : rows) csv += csv_line(cfg, cx, r);
        }
      }
    }
  }
  int ok = 1;
  if (rank == 0) {
    const std::string tmp = cfg.output + ".tmp";
    std::ofstream f(tmp);
    f << csv;
    f.close();
    ok = f.good() && std::rename(tmp.c_str(), cfg.output.c_str()) == 0;
  }
  PetscCallMPI(MPI_Bcast(&ok, 1, MPI_INT, 0, comm));
  PetscCall(collective_check(comm, ok, "cannot write -bench_output '" + cfg.output + "'"));
  PetscCall(PetscPrintf(comm, "[bench] wrote %s (%.1f s); plots: python3 drivers/plot_bench.py %s <outdir>\n",
                        cfg.output.c_str(), MPI_Wtime() - t0, cfg.output.c_str()));
  PetscFunctionReturn(PETSC_SUCCESS);
}

}  // namespace specavg
