#include "specavg/app/options.hpp"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <sstream>
#include <vector>

#include <unistd.h>

#include "specavg/comm/collective.hpp"
#include "specavg/comm/petsc_util.hpp"
#include "specavg/parallel/dataset.hpp"
#include "specavg/util/dense_linalg.hpp"

namespace specavg {
namespace {

struct Declared {
  std::string name, value, help;
};
std::vector<Declared>& declared() {
  static std::vector<Declared> d;
  return d;
}
HelpMode g_help = HelpMode::None;

void declare(const char* name, const std::string& value, const char* help) {
  for (const Declared& d : declared())
    if (d.name == name) return;
  declared().push_back({name, value, help});
}

std::string real_text(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", v);
  return buf;
}

// The string as a 64-bit integer: decimal digits, or a real with an integral value
// (PETSc accepts "1e6" for integer options). False if it is neither or out of range.
bool parse_int64(const std::string& s, long long* v) {
  if (s.empty()) return false;
  errno = 0;
  char* end = nullptr;
  const long long i = std::strtoll(s.c_str(), &end, 10);
  if (*end == '\0') {
    *v = i;
    return errno != ERANGE;
  }
  errno = 0;
  const double r = std::strtod(s.c_str(), &end);
  if (*end != '\0' || errno == ERANGE || !std::isfinite(r) || r != std::floor(r) || std::fabs(r) > 9.0e18) return false;
  *v = (long long)r;
  return true;
}

std::string range_text(double lo, double hi, bool lo_open) {
  const bool unbounded = std::isinf(hi);
  if (unbounded) return std::string(lo_open ? "> " : ">= ") + real_text(lo);
  return (lo_open ? "in (" : "in [") + real_text(lo) + ", " + real_text(hi) + "]";
}

std::size_t edit_distance(const std::string& a, const std::string& b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diag = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diag = up;
    }
  }
  return row[b.size()];
}

// The declared option closest to `name` (with its '-'), or "" when none is close.
std::string closest_declared(const std::string& name) {
  std::string best;
  std::size_t best_d = std::max<std::size_t>(2, name.size() / 3) + 1;
  for (const Declared& d : declared()) {
    const std::size_t e = edit_distance(name, d.name);
    if (e < best_d) best_d = e, best = d.name;
  }
  return best;
}

std::string first_sentence(const std::string& help) {
  const auto dot = help.find(". ");
  return dot == std::string::npos ? help : help.substr(0, dot);
}

}  // namespace

PetscErrorCode option_string(PetscOptionItems* PetscOptionsObject, const char* name, const char* help,
                             std::string* value, PetscBool* set) {
  PetscFunctionBeginUser;
  declare(name, value->empty() ? "unset" : *value, help);
  std::vector<char> buf(PETSC_MAX_PATH_LEN, '\0');
  value->copy(buf.data(), buf.size() - 1);
  PetscCall(PetscOptionsString(name, help, "", buf.data(), buf.data(), buf.size(), set));
  *value = buf.data();
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode option_int(PetscOptionItems* PetscOptionsObject, const char* name, const char* help, PetscInt* value,
                          long long lo, long long hi, PetscBool* set) {
  PetscFunctionBeginUser;
  hi = std::min<long long>(hi, PETSC_MAX_INT);
  std::string s = *value < lo ? "" : std::to_string((long long)*value);  // below the range: unset
  PetscBool given = PETSC_FALSE;
  PetscCall(option_string(PetscOptionsObject, name, help, &s, &given));
  if (set) *set = given;
  if (!given) PetscFunctionReturn(PETSC_SUCCESS);
  long long v = 0;
  const bool ok = parse_int64(s, &v) && v >= lo && v <= hi;
  PetscCheck(ok, PetscOptionsObject->comm, PETSC_ERR_USER_INPUT, "%s must be an integer between %lld and %lld, got '%s'",
             name, lo, hi, s.c_str());
  *value = PetscInt(v);
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode option_real(PetscOptionItems* PetscOptionsObject, const char* name, const char* help, double* value,
                           double lo, double hi, bool lo_open, PetscBool* set) {
  PetscFunctionBeginUser;
  std::string s = *value < lo ? "" : real_text(*value);  // below the range: unset
  PetscBool given = PETSC_FALSE;
  PetscCall(option_string(PetscOptionsObject, name, help, &s, &given));
  if (set) *set = given;
  if (!given) PetscFunctionReturn(PETSC_SUCCESS);
  char* end = nullptr;
  errno = 0;
  const double v = s.empty() ? NAN : std::strtod(s.c_str(), &end);
  const bool ok = !s.empty() && *end == '\0' && std::isfinite(v) && (lo_open ? v > lo : v >= lo) && v <= hi;
  PetscCheck(ok, PetscOptionsObject->comm, PETSC_ERR_USER_INPUT, "%s must be a finite number %s, got '%s'", name,
             range_text(lo, hi, lo_open).c_str(), s.c_str());
  *value = v;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode option_bool(PetscOptionItems* PetscOptionsObject, const char* name, const char* help, bool* value) {
  PetscFunctionBeginUser;
  declare(name, *value ? "true" : "false", help);
  PetscBool b = *value ? PETSC_TRUE : PETSC_FALSE;
  PetscCall(PetscOptionsBool(name, help, "", b, &b, nullptr));
  *value = b;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode options_data_input(PetscOptionItems* PetscOptionsObject, DataInputOptions* o) {
  PetscFunctionBeginUser;
  PetscCall(option_string(PetscOptionsObject, "-columns",
                          "HEALPix map columns to fit, names or 1-based numbers (e.g. I_STOKES or 1,2; default: the "
                          "first); several columns are several targets",
                          &o->columns));
  PetscCall(option_string(PetscOptionsObject, "-mask",
                          "HEALPix mask map of the data's NSIDE: weights in [0, 1], pixels with 0 are dropped",
                          &o->mask));
  PetscCall(option_bool(PetscOptionsObject, "-polarization_as_scalars",
                        "Fit HEALPix Q/U polarization columns as if they were scalar fields (refused otherwise)",
                        &o->polarization_as_scalars));
  PetscCall(option_string(PetscOptionsObject, "-var",
                          "netCDF variable to read (default: the only field on a latitude/longitude grid)", &o->var));
  PetscCall(option_string(PetscOptionsObject, "-time_range",
                          "netCDF time steps a:b (b exclusive, either side may be empty) that become the targets; "
                          "default: all",
                          &o->time_range));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode options_group(PetscOptionItems* PetscOptionsObject, std::string* spec, std::string* file) {
  PetscFunctionBeginUser;
  PetscCall(option_string(PetscOptionsObject, "-group",
                          "Symmetry group: Sym, Alt, Cyc, Dih, Signs, Hyperoct (coordinates of R^d); for d = 3 also "
                          "C<n>, D<n>, C<n>h, C<n>v, T, Td, Th, O, Oh, I, Ih, Ci, Cs, C1; or a comma list",
                          spec));
  PetscCall(option_string(PetscOptionsObject, "-group_file",
                          "HDF5 file with 'generators' (m x d x d) and, on the torus, optional 'shifts' (m x d); "
                          "merged with -group",
                          file));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode options_manifold(PetscOptionItems* PetscOptionsObject, std::string* name, int* dim) {
  PetscFunctionBeginUser;
  PetscCall(option_string(PetscOptionsObject, "-manifold",
                          "s2 (real spherical harmonics, default), sphere (S^{d-1} in R^d) or torus ([-1,1)^d)", name));
  PetscInt d = *dim;
  PetscCall(option_int(PetscOptionsObject, "-dim", "Coordinates per point d (default: the columns of the data's points)",
                       &d, 1, 1000));
  *dim = int(d);
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode options_cutoff(PetscOptionItems* PetscOptionsObject, Cutoff* c) {
  PetscFunctionBeginUser;
  PetscInt lmax = c->lmax, nbasis = PetscInt(c->nbasis);
  PetscBool set_l = PETSC_FALSE, set_lam = PETSC_FALSE, set_n = PETSC_FALSE;
  PetscCall(
      option_int(PetscOptionsObject, "-lmax", "Sphere degree cutoff L: all degrees 0..L", &lmax, 0, 8000, &set_l));
  PetscCall(option_real(PetscOptionsObject, "-lambda_max",
                        "Eigenvalue cutoff: all eigenspaces with lambda <= lambda_max", &c->lambda_max, 0.0, kInfinity,
                        false, &set_lam));
  PetscCall(option_int(PetscOptionsObject, "-nbasis",
                       "Smallest cutoff holding at least this many basis functions (whole eigenspaces; default "
                       "625 when no cutoff is given, = lmax 24 on S^2)",
                       &nbasis, 1, PETSC_MAX_INT, &set_n));
  PetscCheck(int(set_l) + int(set_lam) + int(set_n) <= 1, PetscOptionsObject->comm, PETSC_ERR_USER_INPUT,
             "give only one of -lmax, -lambda_max and -nbasis");
  c->lmax = int(lmax);
  c->nbasis = nbasis;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode options_basis(PetscOptionItems* PetscOptionsObject, BasisOptions* b) {
  PetscFunctionBeginUser;
  PetscCall(option_string(PetscOptionsObject, "-basis_method",
                          "Invariant-subspace solver: auto (s2: the exact Wigner route; elsewhere dense up to "
                          "-basis_dense_max, above it the monomial route for signed-permutation groups on spheres, "
                          "else SLEPc; the invariant-ring route where it applies and is cheaper), dense, slepc, monomial, "
                          "wigner (s2 only), ring (spheres under signed permutations: invariant harmonics from "
                          "orbit sums of monomials, never of size m; the torus under signed permutations shifted by "
                          "multiples of 1/2: orbit sums of cos/sin products over orbits of Fourier modes)",
                          &b->method));
  PetscCheck(b->method == "auto" || b->method == "dense" || b->method == "slepc" || b->method == "monomial" ||
                 b->method == "wigner" || b->method == "ring",
             PetscOptionsObject->comm, PETSC_ERR_USER_INPUT,
             "unknown -basis_method '%s': expected auto, dense, slepc, monomial, wigner or ring", b->method.c_str());
  PetscCall(option_int(PetscOptionsObject, "-basis_dense_max", "Largest eigenspace dimension solved densely by auto",
                       &b->dense_max, 0, PETSC_MAX_INT));
  PetscCall(option_real(PetscOptionsObject, "-basis_null_tol",
                        "Eigenvalues of C below tol * max(1, #generators) count as invariant", &b->null_tol, 0.0, 1.0,
                        true));
  PetscCall(option_real(PetscOptionsObject, "-basis_eps_null_tol",
                        "SLEPc relative convergence tolerance of the null space", &b->eps.eps_tol, 0.0, 1.0, true));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode options_select(PetscOptionItems* PetscOptionsObject, SelectOptions* so) {
  PetscFunctionBeginUser;
  std::string crit = select_criterion_name(so->criterion), grid;
  PetscCall(option_string(PetscOptionsObject, "-select",
                          "Choose tau and the cutoff from the data: gcv, kfold, loo or none (default); the candidate "
                          "cutoffs are every eigenspace up to the given cutoff",
                          &crit));
  SPECAVG_CALL_CXX(PetscOptionsObject->comm, so->criterion = parse_select_criterion(crit));
  PetscCall(option_string(PetscOptionsObject, "-tau_grid", "tau candidates lo:hi:count, log-spaced (default 1e-10:10:30)",
                          &grid));
  if (!grid.empty()) {
    double lo = 0, hi = 0;
    int count = 0;
    char tail = 0;
    PetscCheck(std::sscanf(grid.c_str(), "%lf:%lf:%d%c", &lo, &hi, &count, &tail) == 3 && count >= 1 && count <= 1000,
               PetscOptionsObject->comm, PETSC_ERR_USER_INPUT,
               "-tau_grid '%s': expected lo:hi:count with 0 < lo <= hi and 1 <= count <= 1000, e.g. 1e-10:10:30",
               grid.c_str());
    SPECAVG_CALL_CXX(PetscOptionsObject->comm, so->taus = log_grid(lo, hi, count));
  }
  PetscInt folds = so->folds, umax = so->uncertainty_max_dinv, unc = so->uncertainty;
  PetscCall(option_int(PetscOptionsObject, "-select_folds", "Folds of -select kfold (a row's fold hashes its global index)",
                       &folds, 2, 100));
  PetscCall(option_bool(PetscOptionsObject, "-select_pool",
                        "One (cutoff, tau) for all targets, minimizing the summed score (default: per target)",
                        &so->pooled));
  PetscCall(option_int(PetscOptionsObject, "-uncertainty",
                       "Store the error model (noise variance, coefficient covariance) for predict -std: 1, 0, or -1 = "
                       "for ridge and selected fits up to -uncertainty_max_dinv",
                       &unc, -1, 1));
  PetscCall(option_int(PetscOptionsObject, "-uncertainty_max_dinv",
                       "Largest D_inv for -select and the error model (they keep D_inv^2 sums on every rank)", &umax, 1,
                       100000));
  so->folds = int(folds);
  so->uncertainty = int(unc);
  so->uncertainty_max_dinv = int(umax);
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode options_train(PetscOptionItems* PetscOptionsObject, TrainOptions* opt) {
  PetscFunctionBeginUser;
  PetscCall(options_manifold(PetscOptionsObject, &opt->manifold, &opt->dim));
  PetscCall(options_group(PetscOptionsObject, &opt->group, &opt->group_file));
  PetscCall(options_cutoff(PetscOptionsObject, &opt->cutoff));
  PetscCall(options_basis(PetscOptionsObject, &opt->basis));
  std::string est = opt->estimator->name();
  PetscCall(option_string(PetscOptionsObject, "-estimator",
                          ("ridge (invariant least squares, default), spectral (spectral averaging), or a "
                           "kernel-ridge baseline: krr, krr-ga, krr-aug; one of " + estimator_names(" ")).c_str(),
                          &est));
  PetscCall(collective_check(PetscOptionsObject->comm, has_estimator(est),
                             "unknown -estimator '" + est + "': expected one of " + estimator_names()));
  opt->estimator = &find_estimator(est);
  PetscCall(option_real(PetscOptionsObject, "-tau", "Ridge penalty tau in tau * sum (1+lambda)^s a^2", &opt->tau, 0.0,
                        kInfinity));
  // (1 + lambda)^s must stay finite for lambda up to ~6.4e7 (S^2 at lmax 8000): < 1e126 at s = 16.
  PetscCall(option_real(PetscOptionsObject, "-sobolev_s",
                        "Sobolev exponent s of the ridge penalty (lambda: Laplace eigenvalue)", &opt->sobolev_s, 0.0,
                        16.0));
  PetscCall(option_string(PetscOptionsObject, "-penalty",
                          "Ridge penalty weights: sobolev ((1+lambda)^s, default) or kernel (mu_0/mu_lambda of the "
                          "-krr_kernel/-krr_width kernel: the group-averaged KRR truncated at the cutoff)",
                          &opt->penalty));
  PetscCheck(opt->penalty == "sobolev" || opt->penalty == "kernel", PetscOptionsObject->comm, PETSC_ERR_USER_INPUT,
             "unknown -penalty '%s': expected sobolev or kernel", opt->penalty.c_str());
  PetscCall(options_select(PetscOptionsObject, &opt->select));
  PetscCall(option_string(PetscOptionsObject, "-features",
                          "Features of ridge/spectral: pointwise (basis values at every point), sht (spherical-"
                          "harmonic transforms of a HEALPix map or lat/lon grid by rings, libsharp), or auto (sht "
                          "when the data are such a grid and the job allows it, default)",
                          &opt->features));
  PetscCheck(opt->features == "auto" || opt->features == "sht" || opt->features == "pointwise",
             PetscOptionsObject->comm, PETSC_ERR_USER_INPUT, "unknown -features '%s': expected pointwise, sht or auto",
             opt->features.c_str());
  PetscCall(option_int(PetscOptionsObject, "-block_rows",
                       "Rows read per block (0: automatic, up to 65536 within -max_block_mib; features go in 1 MiB tiles)", &opt->block_rows, 0,
                       PETSC_MAX_INT));
  PetscCall(option_string(PetscOptionsObject, "-gram_assembly",
                          "How ranks sum the D_inv x D_inv Gram matrix: replicated (each rank a whole partial Gram of "
                          "its rows, then a reduce-scatter), owned (each rank only its ScaLAPACK block-cyclic share of "
                          "the Gram, from every rank's features passed round a ring, factored in place; about "
                          "8 D_inv^2/P bytes per rank), or auto (owned from D_inv > 5792, a 256 MiB Gram, default)",
                          &opt->gram_assembly));
  PetscCheck(opt->gram_assembly == "auto" || opt->gram_assembly == "owned" || opt->gram_assembly == "replicated",
             PetscOptionsObject->comm, PETSC_ERR_USER_INPUT,
             "unknown -gram_assembly '%s': expected replicated, owned or auto", opt->gram_assembly.c_str());
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode options_krr(PetscOptionItems* PetscOptionsObject, KrrOptions* k) {
  PetscFunctionBeginUser;
  PetscCall(option_string(PetscOptionsObject, "-krr_kernel",
                          "Kernel of the krr methods: vmf (spheres, default there), vonmises (torus, default there), "
                          "heat, sobolev (spheres)",
                          &k->kernel));
  if (!k->kernel.empty()) SPECAVG_CALL_CXX(PetscOptionsObject->comm, (void)parse_kernel(k->kernel));
  PetscCall(option_real(PetscOptionsObject, "-krr_width",
                        "Kernel parameter: vmf kappa (default 10), vonmises eta (1), heat t (0.05), sobolev s (d)",
                        &k->width, 0.0, kInfinity, true));
  PetscCall(option_real(PetscOptionsObject, "-krr_lambda", "Regularization lambda of (K + lambda I) alpha = y",
                        &k->lambda, 0.0, kInfinity));
  PetscInt rows = PetscInt(k->max_rows), cap = PetscInt(k->max_group_order);
  PetscCall(option_int(PetscOptionsObject, "-krr_max_rows",
                       "Largest kernel matrix N x N attempted (N = n, or n|G| for krr-aug)", &rows, 1, PETSC_MAX_INT));
  PetscCall(option_int(PetscOptionsObject, "-max_group_order", "Largest group enumerated by krr-ga and krr-aug", &cap,
                       1, PETSC_MAX_INT));
  k->max_rows = rows;
  k->max_group_order = std::size_t(cap);
  PetscFunctionReturn(PETSC_SUCCESS);
}

void set_help_mode(HelpMode mode) {
  g_help = mode;
}
bool help_requested() {
  return g_help != HelpMode::None;
}
HelpMode help_mode() {
  return g_help;
}

bool petsc_option_family(const std::string& name) {
  // Exact names: PETSc runtime switches that take no prefix family.
  static const char* kExact[] = {"info",        "help",      "version",         "malloc",         "log_view",
                                 "fp_trap",     "nox",       "no_signal_handler", "skip_petscrc", "objects_dump",
                                 "history",     "display",   "use_gpu_aware_mpi", "check_pointer_intensity",
                                 "start_in_debugger", "stop_for_debugger", "on_error_abort", "memory_view"};
  // Prefixes: solvers specavg configures from the database (reduced system, KRR system,
  // SLEPc basis solver), unprefixed PETSc/SLEPc objects, and PETSc's runtime families.
  static const char* kPrefix[] = {"reduced_", "krr_ksp_", "krr_pc_",  "krr_mat_", "basis_eps_", "basis_st_",
                                  "basis_bv_", "basis_ds_", "basis_rg_", "ksp_",    "pc_",        "mat_",
                                  "vec_",     "eps_",      "st_",      "bv_",      "ds_",        "rg_",
                                  "sf_",      "log_",      "info_",    "malloc_",  "memory_",    "options_",
                                  "viewer_",  "on_error_", "error_output_", "debugger_", "petsc_", "draw_"};
  for (const char* e : kExact)
    if (name == e) return true;
  for (const char* p : kPrefix)
    if (name.rfind(p, 0) == 0) return true;
  return false;
}

PetscErrorCode options_done(MPI_Comm comm, const char* command) {
  PetscFunctionBeginUser;
  const std::string cmd = command && *command ? std::string("specavg ") + command : std::string("specavg");
  if (help_requested()) {
    PetscCall(PetscPrintf(comm, "%s options (default in <>; -help_petsc adds PETSc's and SLEPc's):\n", cmd.c_str()));
    for (const Declared& d : declared())
      PetscCall(PetscPrintf(comm, "  %-22s %-14s %s\n", d.name.c_str(), ("<" + d.value + ">").c_str(),
                            first_sentence(d.help).c_str()));
    PetscCall(PetscPrintf(comm,
                          "  -allow_unknown_options                Warn about unknown options instead of refusing them\n"
                          "PETSc/SLEPc solver options pass through: -reduced_ksp_type, -reduced_pc_type, "
                          "-krr_ksp_*, -basis_eps_*, -log_view, ...\n"));
    PetscFunctionReturn(PETSC_SUCCESS);
  }
  PetscBool lenient = PETSC_FALSE;
  PetscCall(PetscOptionsGetBool(nullptr, nullptr, "-allow_unknown_options", &lenient, nullptr));
  PetscInt n = 0;
  char **names = nullptr, **values = nullptr;
  PetscCall(PetscOptionsLeftGet(nullptr, &n, &names, &values));
  std::vector<std::string> unknown;
  for (PetscInt i = 0; i < n; ++i)
    if (!petsc_option_family(names[i])) unknown.push_back(std::string("-") + names[i]);
  PetscCall(PetscOptionsLeftRestore(nullptr, &n, &names, &values));
  if (unknown.empty()) PetscFunctionReturn(PETSC_SUCCESS);
  std::ostringstream os;
  os << "unknown option" << (unknown.size() > 1 ? "s " : " ");
  for (std::size_t i = 0; i < unknown.size(); ++i) {
    os << (i ? ", " : "") << unknown[i];
    const std::string near = closest_declared(unknown[i]);
    if (!near.empty()) os << " (did you mean " << near << "?)";
  }
  os << " for " << cmd << ": '" << cmd << " -help' lists the options";
  if (lenient) {
    PetscCall(PetscPrintf(comm, "%s: warning: %s (ignored: -allow_unknown_options)\n", cmd.c_str(), os.str().c_str()));
    for (const std::string& u : unknown) {  // mark as used: no second warning at the end
      PetscBool has;
      PetscCall(PetscOptionsHasName(nullptr, nullptr, u.c_str(), &has));
    }
    PetscFunctionReturn(PETSC_SUCCESS);
  }
  os << " (or pass -allow_unknown_options to only warn)";
  PetscCall(collective_check(comm, false, os.str()));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode options_resources(PetscOptionItems* PetscOptionsObject, ResourceOptions* r) {
  PetscFunctionBeginUser;
  PetscCall(option_real(PetscOptionsObject, "-max_block_mib",
                        "MiB per rank for a block of rows with its basis values and features (besides the invariant "
                        "basis and the D_inv x D_inv system); memory stays flat in the number of points",
                        &r->max_block_mib, 0.0, 1048576.0, true));
  PetscCall(option_int(PetscOptionsObject, "-blas_threads",
                       "BLAS threads per MPI rank (0: $OPENBLAS_NUM_THREADS or $OMP_NUM_THREADS if set, else 1; "
                       "ranks per node x threads should not exceed its cores)",
                       &r->blas_threads, 0, 4096));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode apply_resources(MPI_Comm comm, const ResourceOptions& r) {
  PetscFunctionBeginUser;
  if (r.blas_threads > 0) blas_set_threads(int(r.blas_threads));
  MPI_Comm node;
  PetscCallMPI(MPI_Comm_split_type(comm, MPI_COMM_TYPE_SHARED, 0, MPI_INFO_NULL, &node));
  int on_node = 1;
  PetscCallMPI(MPI_Comm_size(node, &on_node));
  PetscCallMPI(MPI_Comm_free(&node));
  const long cores = sysconf(_SC_NPROCESSORS_ONLN);
  const int threads = blas_threads();
  if (cores > 0 && (long)on_node * threads > cores)
    PetscCall(PetscPrintf(comm,
                          "[specavg] warning: %d rank(s) on a node x %d BLAS thread(s) exceed its %ld cores: lower "
                          "-blas_threads (or OPENBLAS_NUM_THREADS)\n",
                          on_node, threads, cores));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscInt stream_block_rows(const ResourceOptions& r, double bytes_per_row) {
  const double rows = r.max_block_mib * 1048576.0 / std::max(bytes_per_row, 1.0);
  return PetscInt(std::clamp(rows, 1.0, double(kGatherBlockRows)));
}

std::string options_string() {
  char* all = nullptr;
  if (PetscOptionsGetAll(nullptr, &all) || !all) return {};
  std::string s(all);
  PetscFree(all);
  return s;
}

}  // namespace specavg
