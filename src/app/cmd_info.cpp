#include <algorithm>
#include <cmath>
#include <sstream>

#include "app_internal.hpp"
#include "specavg/app/commands.hpp"
#include "specavg/app/options.hpp"
#include "specavg/comm/collective.hpp"
#include "specavg/group/orbit_types.hpp"
#include "specavg/group/torus_orbits.hpp"
#include "specavg/group/wigner_invariants.hpp"
#include "specavg/parallel/distributed_basis.hpp"
#include "specavg/parallel/resource_estimate.hpp"
#include "specavg/parallel/train.hpp"
#include "specavg/estimate/kernel.hpp"
#include "specavg/group/coordinate_groups.hpp"
#include "specavg/io/model_file.hpp"
#include "specavg/comm/petsc_util.hpp"
#include "specavg/util/dense_linalg.hpp"

namespace specavg {
namespace {

// "x -> (x2, -x1, x3) + (0.5, 0, 0)" for signed permutations, matrix rows otherwise.
std::string describe_isometry(const Isometry& g) {
  const int d = g.dim;
  std::ostringstream os;
  std::vector<int> src(d, -1), sign(d, 0);
  bool perm = true;
  for (int i = 0; i < d && perm; ++i)
    for (int j = 0; j < d; ++j) {
      const double v = g.P[std::size_t(i) * d + j];
      if (v == 0.0) continue;
      if ((v != 1.0 && v != -1.0) || src[i] >= 0) perm = false;
      src[i] = j, sign[i] = v > 0 ? 1 : -1;
    }
  if (perm) {
    os << "x -> (";
    for (int i = 0; i < d; ++i) os << (i ? ", " : "") << (sign[i] < 0 ? "-" : "") << "x" << src[i] + 1;
    os << ")";
  } else if (d <= 4) {
    os << "[";
    for (int i = 0; i < d; ++i)
      for (int j = 0; j < d; ++j) {
        char buf[32];
        std::snprintf(buf, sizeof buf, "% .6f", g.P[std::size_t(i) * d + j]);
        os << buf << (j + 1 < d ? " " : (i + 1 < d ? "; " : "]"));
      }
  } else {
    os << d << "x" << d << " orthogonal matrix";
  }
  bool shift = false;
  for (double v : g.t) shift = shift || v != 0.0;
  if (shift) {
    os << " + (";
    for (int i = 0; i < d; ++i) os << (i ? ", " : "") << g.t[i];
    os << ")";
  }
  return os.str();
}

PetscErrorCode print_group(MPI_Comm comm, const Manifold& M, const std::string& label,
                           const std::vector<Isometry>& gens, bool order, PetscInt cap) {
  PetscFunctionBeginUser;
  if (gens.empty() && label.empty()) {  // plain KRR trained without -group
    PetscCall(PetscPrintf(comm, "group        none (the model was trained without a group)\n"));
    PetscFunctionReturn(PETSC_SUCCESS);
  }
  PetscCall(PetscPrintf(comm, "group        %s, %zu generator(s)\n", label.c_str(), gens.size()));
  for (std::size_t j = 0; j < gens.size(); ++j)
    PetscCall(PetscPrintf(comm, "  g%-2zu %s\n", j, describe_isometry(gens[j]).c_str()));
  const auto closed = closed_form_order(label, M.dim());
  if (closed) PetscCall(PetscPrintf(comm, "order |G|    %.17g (closed form; never enumerated)\n", *closed));
  if (order) {
    const auto el = enumerate_isometries(gens, std::size_t(cap), M.translation_period());
    if (el)
      PetscCall(PetscPrintf(comm, "order |G|    %zu (closure of the generators)\n", el->size()));
    else
      PetscCall(PetscPrintf(comm, "order |G|    > %lld (closure stopped at -max_group_order)\n", (long long)cap));
  } else if (!closed) {
    PetscCall(PetscPrintf(comm, "order |G|    not computed (pass -order to enumerate, capped by -max_group_order)\n"));
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode print_basis(MPI_Comm comm, const InvariantBasis& b) {
  PetscFunctionBeginUser;
  double res = 0;
  std::ostringstream counts;
  for (std::size_t s = 0; s < b.spaces.size(); ++s) {
    counts << (s ? " " : "") << b.spaces[s].k;
    res = std::max(res, b.spaces[s].residual);
  }
  PetscCall(PetscPrintf(comm,
                        "cutoff       %s: %zu eigenspaces, D = %zu basis functions, D_inv = %d invariant features\n",
                        b.cutoff.c_str(), b.spaces.size(), b.dtotal(), b.dinv()));
  if (b.spaces.size() > 64) {
    PetscCall(PetscPrintf(comm, "invariants per eigenspace (lambda ascending): %s\n", counts.str().c_str()));
  } else {
    PetscCall(PetscPrintf(comm, "  %-7s %-12s %8s %7s  %-9s %-8s %s\n", b.manifold->label_name().c_str(),
                          "lambda", "m", "k", "residual", "method", "seconds"));
    for (const SpaceInvariants& s : b.spaces)
      PetscCall(PetscPrintf(comm, "  %-7d %-12.6g %8d %7d  %-9.2e %-8s %.3f\n", s.label, s.lambda, s.m, s.k, s.residual,
                            s.method.c_str(), s.seconds));
  }
  std::size_t slow = 0;
  double total = 0;
  for (std::size_t s = 0; s < b.spaces.size(); ++s) {
    total += b.spaces[s].seconds;
    if (b.spaces[s].seconds > b.spaces[slow].seconds) slow = s;
  }
  if (!b.spaces.empty() && total > 0)
    PetscCall(PetscPrintf(comm, "cost         %.3f s summed over eigenspaces (%s), slowest %s %d: %.3f s\n", total,
                          b.spaces[slow].method.c_str(), b.manifold->label_name().c_str(), b.spaces[slow].label,
                          b.spaces[slow].seconds));
  if (b.ring) {
    const OrbitTypes& T = *b.ring;
    std::size_t terms = 0;
    for (const SpaceInvariants& s : b.spaces) terms += s.ring_terms.size();
    PetscCall(PetscPrintf(comm,
                          "ring         invariant-ring route: %d orbit types of monomials (%s) of degree <= %d, %zu "
                          "terms; features from orbit sums, %zu values per point instead of %zu\n",
                          T.size(), orbit_kind_name(T.kind()), T.kmax(), terms, std::size_t(T.size()), b.dtotal()));
    PetscCall(PetscPrintf(comm, "max invariance residual max_j |h(g_j x) - h(x)| = %.2e\n", res));
  } else if (b.torus_ring) {
    const TorusOrbits& O = *b.torus_ring;
    double modes = 0;
    for (int o = 0; o < O.size(); ++o) modes += O.orbit(o).size;
    PetscCall(PetscPrintf(comm,
                          "ring         invariant-ring route on the torus: %d consistent orbits of Fourier modes (%s) "
                          "covering %.6g modes; features from orbit sums of cos/sin products, never the %zu-mode "
                          "shells\n",
                          O.size(), (std::string(torus_orbit_kind_name(O.kind())) + (O.even_only() ? ", sum of k even" : "")).c_str(),
                          modes, b.dtotal()));
    PetscCall(PetscPrintf(comm, "max invariance residual max_j |h(g_j x) - h(x)| = %.2e\n", res));
  } else {
    std::size_t nsparse = 0;
    double stored = 0, bytes = 0, full = 0;  // entries held, their bytes, and those of dense Q
    for (const SpaceInvariants& s : b.spaces) {
      nsparse += s.sparse ? 1 : 0;
      stored += double(s.stored_entries());
      bytes += double(s.stored_entries()) * (s.sparse ? 12.0 : 8.0);  // a row index with each value
      full += double(s.m) * double(s.k);
    }
    PetscCall(PetscPrintf(comm, "Q storage    %s: %.6g entries (%s; dense Q would take %s)\n",
                          nsparse == 0 ? "dense" : nsparse == b.spaces.size() ? "block sparse (2 entries per column)"
                                                                               : "block sparse in part",
                          stored, format_bytes(bytes).c_str(),
                          format_bytes(8.0 * full).c_str()));
    PetscCall(PetscPrintf(comm, "max invariance residual max_j |D(g_j)^T Q - Q| = %.2e\n", res));
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

}  // namespace

PetscErrorCode describe_parallelism(MPI_Comm comm, std::string* text) {
  PetscFunctionBeginUser;
  int size, t = blas_threads(), lo, hi;
  PetscCallMPI(MPI_Comm_size(comm, &size));
  PetscCallMPI(MPI_Allreduce(&t, &lo, 1, MPI_INT, MPI_MIN, comm));
  PetscCallMPI(MPI_Allreduce(&t, &hi, 1, MPI_INT, MPI_MAX, comm));
  *text = std::to_string(size) + " rank(s) x " + (lo == hi ? std::to_string(lo) : std::to_string(lo) + "-" + std::to_string(hi)) +
          " BLAS thread(s) each";
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode cmd_info(MPI_Comm comm) {
  PetscFunctionBeginUser;
  std::string model_path, spec, file, manifold = "s2";
  int dim = -1;
  bool order = false;
  PetscInt cap = 100000, n_est = 10000;
  double max_gib = 0, max_basis_seconds = 60;
  Cutoff cutoff;
  BasisOptions bo;
  PetscOptionsBegin(comm, nullptr, "specavg info: describe a model, or a group and its invariant subspaces", "specavg");
  PetscCall(option_string(PetscOptionsObject, "-model", "Model file to describe", &model_path));
  PetscCall(options_manifold(PetscOptionsObject, &manifold, &dim));
  PetscCall(options_group(PetscOptionsObject, &spec, &file));
  PetscCall(options_cutoff(PetscOptionsObject, &cutoff));
  PetscCall(options_basis(PetscOptionsObject, &bo));
  PetscCall(option_bool(PetscOptionsObject, "-order", "Compute the group order by closure of the generators", &order));
  PetscCall(option_int(PetscOptionsObject, "-max_group_order", "Cap on the closure used by -order", &cap, 1,
                       PETSC_MAX_INT));
  PetscCall(option_int(PetscOptionsObject, "-n", "Training points assumed by the resource estimates", &n_est, 1,
                       PETSC_MAX_INT));
  PetscCall(option_real(PetscOptionsObject, "-max_memory_gib",
                        "Memory per rank in GiB for the estimates (default: MemAvailable)", &max_gib, 0.0, kInfinity));
  PetscCall(option_real(PetscOptionsObject, "-max_basis_seconds",
                        "Describe the invariant subspaces only if the estimated basis time is below this",
                        &max_basis_seconds, 0.0, kInfinity));
  PetscOptionsEnd();
  PetscCall(options_done(comm, "info"));
  if (help_requested()) PetscFunctionReturn(PETSC_SUCCESS);
  std::string par;
  PetscCall(describe_parallelism(comm, &par));
  PetscCall(PetscPrintf(comm, "parallelism  %s\n", par.c_str()));
  PetscCall(collective_check(comm, !model_path.empty() || !spec.empty() || !file.empty(),
                             "nothing to describe: pass -model <model.h5>, or -group <spec> [-manifold M -dim d] "
                             "[-lmax L | -lambda_max X | -nbasis N]"));
  if (model_path.empty()) {
    PetscCall(collective_check(comm, manifold_default_dim(manifold) > 0 || dim > 0,
                               "-dim is required for -manifold " + manifold + " (coordinates per point)"));
    ManifoldPtr Mp;
    PetscCall(resolve_manifold(comm, manifold, dim, "", &Mp));
    const Manifold& M = *Mp;
    if (!cutoff.set()) {
      if (M.default_lmax() >= 0)
        cutoff.lmax = M.default_lmax();
      else
        cutoff.nbasis = kDefaultNbasis;
    }
    std::vector<Isometry> gens;
    std::string label;
    PetscCall(resolve_group(comm, M, spec, file, &gens, &label));
    PetscCall(PetscPrintf(comm, "manifold     %s\n", M.describe().c_str()));
    PetscCall(print_group(comm, M, label, gens, order, cap));
    std::vector<Eigenspace> spaces;
    SPECAVG_CALL_CXX(comm, spaces = eigenspaces_within(M, cutoff));
    ResourceEstimate e;
    EstimateInput in;
    PetscCall(estimate_job(comm, M, spaces, gens, label, bo, (long long)n_est, true, nullptr, &e, &in));
    in.owned = -1;  // train's default -gram_assembly auto
    e = estimate_training(in);
    double avail;
    std::string source;
    PetscCall(memory_available_per_rank(comm, max_gib, &avail, &source));
    PetscCall(PetscPrintf(comm,
                          "estimate     training on %lld points (-n), %d rank(s): peak %s per rank (%s available: %s); "
                          "invariant basis ~%s at %.2g GFLOP/s per rank\n             %s\n",
                          (long long)n_est, in.nranks, format_bytes(e.peak_bytes).c_str(), format_bytes(avail).c_str(),
                          source.c_str(), format_seconds(e.basis_seconds).c_str(), in.flop_rate * 1e-9,
                          e.what.c_str()));
    bool ring = false;
    SPECAVG_CALL_CXX(comm, ring = uses_ring_route(M, bo, gens, spaces));
    if (ring && M.supports_mode_orbit_route()) {
      std::string kind;
      SPECAVG_CALL_CXX(comm, kind = torus_orbit_kind_name(TorusOrbits(M.dim(), gens).kind()));
      PetscCall(PetscPrintf(comm,
                            "route        invariant ring (%s): orbit sums of cos/sin products over orbits of Fourier "
                            "modes, kind %s, never of size m\n",
                            bo.method == "ring" ? "-basis_method ring" : "chosen by auto as the cheapest", kind.c_str()));
    } else if (ring) {
      PetscCall(PetscPrintf(comm, "route        invariant ring (%s): orbit sums of monomials, kind %s, never of size m\n",
                            bo.method == "ring" ? "-basis_method ring" : "chosen by auto as the cheapest",
                            orbit_kind_name(detect_orbit_kind(M.dim(), gens))));
    }
    if (uses_wigner_route(M, bo, gens) && !spaces.empty()) {
      const int top = spaces.back().label, mid = top / 2;
      std::string route;
      double f_top = 0, f_mid = 0, a_top = 0;
      SPECAVG_CALL_CXX(comm, const WignerInvariants plan(mat3_generators(gens), top, bo.null_tol);
                       route = plan.route(); f_top = plan.degree_flops(top); f_mid = plan.degree_flops(mid);
                       a_top = plan.advance_flops(top));
      PetscCall(PetscPrintf(comm,
                            "route        exact Wigner rotations: %s\n             estimated cost per degree: %.3g flops "
                            "at l = %d, %.3g at l = %d, + %.3g to advance the Wigner rows to l = %d\n",
                            route.c_str(), f_top, top, f_mid, mid, a_top, top));
    }
    if (e.peak_bytes > avail)
      PetscCall(PetscPrintf(comm, "             does not fit: it would with %s\n",
                            training_remedies(in, avail, cutoff.lmax >= 0).c_str()));
    if (e.basis_bytes > avail || e.basis_seconds > max_basis_seconds) {
      PetscCall(PetscPrintf(comm,
                            "basis        not computed: estimated %s and %s per rank (limits: -max_basis_seconds %g, "
                            "%s available)\n",
                            format_seconds(e.basis_seconds).c_str(), format_bytes(e.basis_bytes).c_str(),
                            max_basis_seconds, format_bytes(avail).c_str()));
      PetscFunctionReturn(PETSC_SUCCESS);
    }
    InvariantBasis b;
    const double t = MPI_Wtime();
    PetscCall(build_invariant_basis_distributed(comm, M, cutoff, gens, bo, &b));
    PetscCall(print_basis(comm, b));
    PetscCall(PetscPrintf(comm, "basis time   %.3f s on the communicator\n", MPI_Wtime() - t));
    PetscFunctionReturn(PETSC_SUCCESS);
  }
  Model m;
  PetscCall(read_model(comm, model_path, &m));
  PetscCall(PetscPrintf(comm, "model        %s\n", model_path.c_str()));
  PetscCall(PetscPrintf(comm, "manifold     %s\n", m.manifold().describe().c_str()));
  PetscCall(print_group(comm, m.manifold(), m.group_spec, m.generators, order, cap));
  if (m.estimator->uses_invariant_basis()) {
    PetscCall(print_basis(comm, m.basis));
    PetscCall(PetscPrintf(comm, "estimator    %s, tau %g, penalty %s, %d target(s)\n", m.estimator->name(),
                          m.tau, m.penalty.c_str(), m.ntargets));
    if (m.has_selection) {
      const SelectionResult& sel = m.selection;
      PetscCall(PetscPrintf(comm, "selection    %s%s over %zu cutoff(s) x %zu tau value(s), %s; best score per cutoff:\n%s",
                            select_criterion_name(sel.criterion),
                            sel.folds ? (" (" + std::to_string(sel.folds) + " folds)").c_str() : "",
                            sel.cutoffs.size(), sel.taus.size(), sel.pooled ? "pooled over targets" : "per target",
                            describe_selection(sel).c_str()));
      for (int t = 0; t < std::min(m.ntargets, 4); ++t)
        PetscCall(PetscPrintf(comm, "  target %d: %s, p = %d, tau = %.3e\n", t,
                              sel.cutoffs[sel.chosen_cutoff[t]].label.c_str(), sel.cutoffs[sel.chosen_cutoff[t]].p,
                              sel.taus[sel.chosen_tau[t]]));
    }
    if (!m.uncertainty.empty())
      PetscCall(PetscPrintf(comm, "uncertainty  noise sd %.4g (target 0), %zu coefficient covariance block(s): predict -std\n",
                            std::sqrt(m.uncertainty.noise_variance[0]), m.uncertainty.unit_covariance.size()));
  } else {
    const Kernel k(m.manifold(), m.krr.kernel);
    PetscCall(PetscPrintf(comm, "estimator    %s (%s), kernel %s, lambda %g\n", m.estimator->name(),
                          m.estimator->summary(), k.describe().c_str(), m.krr.lambda));
    PetscCall(PetscPrintf(
        comm, "expansion    %lld centers x %d target(s)%s\n", m.krr.ncenters(m.manifold().dim()), m.ntargets,
        m.krr.elements.empty()
            ? ""
            : (", averaged over the " + std::to_string(m.krr.elements.size()) + " group elements").c_str()));
  }
  PetscCall(PetscPrintf(comm, "provenance   specavg %s, created %s on %d rank(s), n_train %lld, weight sum %g\n",
                        m.prov.version.c_str(), m.prov.created.c_str(), m.prov.nranks, m.prov.n_train,
                        m.prov.weight_sum));
  PetscCall(PetscPrintf(comm, "options     %s\n", m.prov.options.c_str()));
  std::ostringstream t;
  for (const auto& [name, sec] : m.prov.timings) t << " " << name << " " << sec << " s;";
  PetscCall(PetscPrintf(comm, "timings     %s\n", t.str().c_str()));
  PetscFunctionReturn(PETSC_SUCCESS);
}

}  // namespace specavg
