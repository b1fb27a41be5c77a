#include "specavg/parallel/distributed_basis.hpp"

#include <algorithm>
#include <cstdio>
#include <memory>
#include <numeric>
#include <stdexcept>

#include "specavg/comm/collective.hpp"
#include "specavg/group/coordinate_groups.hpp"
#include "specavg/group/monomial_invariants.hpp"
#include "specavg/group/ring_invariants.hpp"
#include "specavg/group/wigner_invariants.hpp"
#include "specavg/io/model_file.hpp"
#include "specavg/comm/petsc_util.hpp"
#include "specavg/util/failure.hpp"

namespace specavg {
namespace {

// Whether the whole eigenspace would go to SLEPc (torus blocks are usually smaller).
bool use_slepc(const BasisOptions& opt, std::size_t m, std::size_t r) {
  if (r == 0) return false;
  if (opt.method == "slepc") return true;
  if (opt.method == "dense") return false;
  return m > std::size_t(opt.dense_max);
}

// One eigenspace on this rank; failures are returned as a message (agreed on later).
std::string compute_space(const Manifold& M, const Eigenspace& e, const std::vector<Isometry>& gens,
                          const BasisOptions& opt, SpaceInvariants* out) {
  const double t0 = MPI_Wtime();
  try {
    std::string eps_error;
    const NullSpaceSolver large = [&](const EigenspaceAction& a, int* k) {
      std::vector<double> V;
      NullSpaceEpsOptions eo = opt.eps;
      eo.null_tol = opt.null_tol;
      NullSpaceEpsReport rep;
      if (null_space_eps(PETSC_COMM_SELF, a, eo, &V, k, &rep))
        throw std::runtime_error("SLEPc failed for a block of dimension " + std::to_string(a.m()) +
                                 " (see the message above): raise -basis_dense_max or use -basis_method dense");
      return V;
    };
    const std::size_t dense_max = opt.method == "dense"   ? std::size_t(-1)
                                  : opt.method == "slepc" ? 0
                                                          : std::size_t(std::max<PetscInt>(opt.dense_max, 0));
    const MonomialRoute mono = opt.method == "monomial" ? MonomialRoute::Always
                               : opt.method == "auto"   ? MonomialRoute::AboveDenseMax
                                                        : MonomialRoute::Never;
    inject_failure("basis");
    *out = invariant_space(M, e, gens, dense_max, opt.null_tol, large, mono);
  } catch (const std::exception& ex) {  // incl. bad_alloc: the caller agrees on it collectively
    return std::string("invariant subspace of eigenspace ") + std::to_string(e.label) +
           " (lambda = " + std::to_string(e.lambda) + ", m = " + std::to_string(e.m) + "): " + exception_message(ex);
  }
  out->seconds = MPI_Wtime() - t0;
  if (opt.verbose && e.m >= 200) {
    std::printf("[specavg]   eigenspace %-4d lambda %-10.4g m %-6zu -> k %-5d %-6s %.2f s\n", e.label, e.lambda, e.m,
                out->k, out->method.c_str(), out->seconds);
    std::fflush(stdout);
  }
  return {};
}

}  // namespace

bool uses_wigner_route(const Manifold& M, const BasisOptions& opt, const std::vector<Isometry>& gens) {
  return M.supports_wigner_route() && !gens.empty() && (opt.method == "auto" || opt.method == "wigner");
}

bool uses_block_sparse_route(const Manifold& M, const BasisOptions& opt, const std::vector<Isometry>& gens) {
  return uses_wigner_route(M, opt, gens) && WignerInvariants(mat3_generators(gens), 0, opt.null_tol).block_sparse();
}

bool uses_ring_route(const Manifold& M, const BasisOptions& opt, const std::vector<Isometry>& gens,
                     const std::vector<Eigenspace>& spaces) {
  // -basis_method ring where it does not apply is refused by build_invariant_basis_distributed.
  if (!ring_route_applies(M, gens)) return false;
  if (opt.method == "ring") return true;
  if (opt.method != "auto" || uses_wigner_route(M, opt, gens)) return false;
  double other = 0.0;
  for (const Eigenspace& e : spaces) other += basis_space_cost(M, opt, gens, e.m, gens.size());
  return ring_route_cost(M, spaces, gens) < other;
}

double basis_space_cost(const Manifold& M, const BasisOptions& opt, const std::vector<Isometry>& gens, std::size_t m,
                        std::size_t r) {
  const double mm = double(m), rr = double(std::max<std::size_t>(r, 1));
  if (r == 0) return mm;
  if (uses_wigner_route(M, opt, gens)) {
    // The plan alone (no Wigner rows): O(l) to make. Advancing the rows is paid once per
    // rank up to its top degree; it is counted here with the degree it reaches.
    const int l = int((m - 1) / 2);
    const WignerInvariants plan(mat3_generators(gens), l, opt.null_tol);
    return plan.degree_flops(l) + plan.advance_flops(l);
  }
  if (M.supports_monomial_route() && opt.method != "dense" && opt.method != "slepc" && all_signed_permutations(gens) &&
      (opt.method == "monomial" || m > std::size_t(opt.dense_max)))
    return 500.0 * mm * mm;  // monomial route: CGLS on a 3m × m collocation matrix
  const double colloc = M.sparse_actions() ? 0.0 : 3.3 * mm * mm * mm;  // QR of Φ(X)
  if (use_slepc(opt, m, r)) return colloc + 400.0 * mm * mm * rr;
  return colloc + (M.sparse_actions() ? 0.0 : 8.0 * rr * mm * mm * mm) + 9.0 * mm * mm * mm;
}

std::vector<double> basis_costs(const Manifold& M, const BasisOptions& opt, const std::vector<Isometry>& gens,
                                const std::vector<Eigenspace>& spaces) {
  std::vector<double> cost;
  if (uses_wigner_route(M, opt, gens) && !spaces.empty()) {
    int top = 0;
    for (const Eigenspace& e : spaces) top = std::max(top, e.label);
    const WignerInvariants plan(mat3_generators(gens), top, opt.null_tol);
    for (const Eigenspace& e : spaces) cost.push_back(plan.degree_flops(e.label) + plan.advance_flops(e.label));
    return cost;
  }
  for (const Eigenspace& e : spaces) cost.push_back(basis_space_cost(M, opt, gens, e.m, gens.size()));
  return cost;
}

PetscErrorCode resolve_group(MPI_Comm comm, const Manifold& M, const std::string& spec, const std::string& group_file,
                             std::vector<Isometry>* gens, std::string* label) {
  PetscFunctionBeginUser;
  PetscCall(collective_check(
      comm, !spec.empty() || !group_file.empty(),
      "no symmetry group given: pass -group <spec> (e.g. -group Sym or -group Ih) or -group_file <generators.h5>"));
  gens->clear();
  label->clear();
  if (!spec.empty()) {
    SPECAVG_CALL_CXX(comm, *gens = generators_for_spec(spec, M.dim()));
    *label = spec;
  }
  if (!group_file.empty()) {
    std::vector<Isometry> extra;
    PetscCall(read_generator_file(comm, group_file, M, &extra));
    gens->insert(gens->end(), extra.begin(), extra.end());
    *label += (label->empty() ? "" : ",") + std::string("file:") + group_file;
  }
  SPECAVG_CALL_CXX(comm, inject_failure("internal");  // test hook: an unexpected exception of the core
                   M.validate_isometries(*gens, spec.empty() ? "-group_file" : "-group '" + spec + "'"));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode build_invariant_basis_distributed(MPI_Comm comm, const Manifold& M, const Cutoff& cutoff,
                                                 const std::vector<Isometry>& gens, const BasisOptions& opt,
                                                 InvariantBasis* basis) {
  PetscFunctionBeginUser;
  PetscCall(collective_check(
      comm,
      opt.method == "auto" || opt.method == "dense" || opt.method == "slepc" || opt.method == "monomial" ||
          opt.method == "wigner" || opt.method == "ring",
      "unknown -basis_method '" + opt.method + "': expected auto, dense, slepc, monomial, wigner or ring"));
  PetscCall(collective_check(comm, opt.method != "ring" || ring_route_applies(M, gens),
                             "-basis_method ring needs a sphere manifold (s2 or sphere) and a group whose generators "
                             "are all signed permutations (Sym, Alt, Hyperoct, Signs or such a -group_file), or the "
                             "torus with signed permutations shifted by multiples of 1/2, not " +
                                 M.describe() + " with these generators: use auto, dense or slepc"));
  PetscCall(collective_check(comm, opt.method != "wigner" || M.supports_wigner_route(),
                             "-basis_method wigner needs exact rotations of spherical harmonics (-manifold s2), not " +
                                 M.name() + ": use auto, dense, slepc or monomial"));
  PetscCall(collective_check(comm, opt.null_tol > 0 && opt.null_tol < 1, "-basis_null_tol must be in (0, 1)"));
  std::vector<Eigenspace> spaces;
  SPECAVG_CALL_CXX(comm, spaces = eigenspaces_within(M, cutoff));
  bool ring = false;
  SPECAVG_CALL_CXX(comm, ring = uses_ring_route(M, opt, gens, spaces));
  if (ring) {
    // Small and deterministic: every rank computes the same orbit types and coefficients.
    basis->manifold = M.shared_from_this();
    basis->cutoff = cutoff.describe();
    std::string err;
    try {
      inject_failure("basis");
      if (M.supports_mode_orbit_route())
        basis->spaces = invariant_spaces_torus(M, spaces, gens, &basis->torus_ring);
      else
        basis->spaces = invariant_spaces_ring(M, spaces, gens, &basis->ring);
    } catch (const std::exception& ex) {
      err = "invariant-ring route: " + exception_message(ex);
    }
    PetscCall(collective_check(comm, err.empty(), err));
    if (opt.verbose)
      for (const SpaceInvariants& d : basis->spaces)
        if (d.m >= 200)
          PetscCall(PetscPrintf(comm, "[specavg]   eigenspace %-4d lambda %-10.4g m %-6d -> k %-5d ring   %.2f s\n",
                                d.label, d.lambda, int(d.m), d.k, d.seconds));
    PetscFunctionReturn(PETSC_SUCCESS);
  }
  int rank, size;
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  PetscCallMPI(MPI_Comm_size(comm, &size));
  const std::size_t ns = spaces.size(), r = gens.size();
  std::vector<std::size_t> order(ns);
  std::vector<int> owner(ns);
  std::iota(order.begin(), order.end(), 0);
  std::vector<double> cost(ns);
  const bool wigner = uses_wigner_route(M, opt, gens);
  std::unique_ptr<WignerInvariants> plan;
  if (wigner) {
    int top = 0;
    for (const Eigenspace& e : spaces) top = std::max(top, e.label);
    // Rows are allocated lazily: ranks that own no degree with general generators pay nothing.
    SPECAVG_CALL_CXX(comm, plan = std::make_unique<WignerInvariants>(mat3_generators(gens), top, opt.null_tol));
    for (std::size_t s = 0; s < ns; ++s) cost[s] = plan->degree_flops(spaces[s].label);
  } else {
    for (std::size_t s = 0; s < ns; ++s) cost[s] = basis_space_cost(M, opt, gens, spaces[s].m, r);
  }
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return cost[a] > cost[b]; });
  std::vector<double> load(size, 0.0);
  for (std::size_t s : order) {
    const int who = int(std::min_element(load.begin(), load.end()) - load.begin());
    owner[s] = who;
    load[who] += cost[s];
  }
  basis->manifold = M.shared_from_this();
  basis->cutoff = cutoff.describe();
  basis->spaces.assign(ns, SpaceInvariants{});
  std::string err;
  if (wigner) {
    // Ascending degrees on each rank: the Wigner rows of the general generators advance once.
    for (std::size_t s = 0; s < ns && err.empty(); ++s) {
      if (owner[s] != rank) continue;
      const double t0 = MPI_Wtime();
      try {
        inject_failure("basis");
        basis->spaces[s] = plan->solve(spaces[s].label);
      } catch (const std::exception& ex) {
        err = "invariant subspace of degree " + std::to_string(spaces[s].label) +
              " (Wigner route): " + exception_message(ex);
      }
      basis->spaces[s].seconds = MPI_Wtime() - t0;
    }
  } else {
    for (std::size_t s : order)
      if (owner[s] == rank && err.empty()) err = compute_space(M, spaces[s], gens, opt, &basis->spaces[s]);
  }
  PetscCall(collective_check(comm, err.empty(), err));
  for (std::size_t s = 0; s < ns; ++s) {
    SpaceInvariants& d = basis->spaces[s];
    static const char* kMethods[] = {"trivial", "dense", "slepc", "monomial", "wigner"};
    int hdr[3] = {d.k, 0, int(d.sparse)};
    for (int i = 0; i < 5; ++i)
      if (d.method == kMethods[i]) hdr[1] = i;
    double vals[2] = {d.residual, d.seconds};
    PetscCallMPI(MPI_Bcast(hdr, 3, MPI_INT, owner[s], comm));
    PetscCallMPI(MPI_Bcast(vals, 2, MPI_DOUBLE, owner[s], comm));
    d.label = spaces[s].label;
    d.lambda = spaces[s].lambda;
    d.m = int(spaces[s].m);
    d.k = hdr[0];
    d.method = kMethods[hdr[1]];
    d.residual = vals[0];
    d.seconds = vals[1];
    d.sparse = hdr[2] != 0;
    if (d.sparse) {  // two rows and values per column
      d.sparse_rows.resize(2 * std::size_t(d.k));
      d.sparse_vals.resize(2 * std::size_t(d.k));
      PetscCallMPI(MPI_Bcast(d.sparse_rows.data(), 2 * d.k, MPI_INT, owner[s], comm));
      PetscCallMPI(MPI_Bcast(d.sparse_vals.data(), 2 * d.k, MPI_DOUBLE, owner[s], comm));
    } else {
      d.Q.resize(std::size_t(d.k) * d.m);
      PetscCallMPI(MPI_Bcast(d.Q.data(), int(d.Q.size()), MPI_DOUBLE, owner[s], comm));
    }
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

}  // namespace specavg
