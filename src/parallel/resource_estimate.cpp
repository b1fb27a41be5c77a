#include "specavg/parallel/resource_estimate.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <memory>
#include <sstream>

#include "specavg/comm/collective.hpp"
#include "specavg/comm/petsc_util.hpp"
#include "specavg/group/coordinate_groups.hpp"
#include "specavg/group/monomial_invariants.hpp"
#include "specavg/group/ring_invariants.hpp"
#include "specavg/group/wigner_invariants.hpp"
#include "specavg/parallel/distributed_basis.hpp"
#include "specavg/parallel/dataset.hpp"
#include "specavg/util/dense_linalg.hpp"

namespace specavg {
namespace {

constexpr double kB = 8.0;                // bytes per double
constexpr PetscInt kDistributeFrom = 64;  // as in reduced_solve.cpp: redundant below 64 rows per rank

// Work arrays (doubles) of the route that solves an eigenspace of multiplicity m.
// plan: the Wigner route's plan when it computes the basis (else null).
double space_work(const EstimateInput& in, double m, double k, const WignerInvariants* plan) {
  const double r = double(in.gens.size());
  if (r == 0) return 0.0;  // Q = I, counted with the Q matrices
  const std::string& meth = in.basis.method;
  const bool sparse = in.M->sparse_actions();
  if (plan && plan->block_sparse()) return (r + 4.0) * m;  // pair blocks and the columns, O(m)
  if (plan) {
    // The reduced matrix C (s²), the rows of D for each general generator and of the frame
    // (about m·s each), and the Wigner rows (cur, prev, exponent: 2.5 doubles per entry).
    const int l = int((m - 1) / 2);
    const double s = plan->kept_functions(l), rows = 2.0 * s + 2.0;
    return s * s + (r + 1) * rows * m + (r + 1) * 2.5 * rows * m;
  }
  if (in.M->supports_monomial_route() && meth != "dense" && meth != "slepc" && all_signed_permutations(in.gens) &&
      (meth == "monomial" || m > double(in.basis.dense_max)))
    return 3.0 * m * m;  // monomial route: a 3m × m collocation matrix
  if (sparse) {          // block diagonal over orbits of modes: blocks of at most |G|
    const double b = in.group_order > 0 ? std::min(m, in.group_order) : m;
    return 4.0 * b * b;
  }
  const bool slepc = meth == "slepc" || (meth != "dense" && m > double(in.basis.dense_max));
  if (slepc) return (2 * r + 1) * 2 * m * m + 3 * m * k;
  const double N = m <= 256 ? 4 * m : 2 * m;
  return (2 * r + 1) * N * m + 3 * m * m;
}

// Peak of the ridge reduce/solve stages (doubles per rank) for D features on P ranks.
double gram_peak(double D, int P, bool iterative, bool owned) {
  const bool redundant = P == 1 || D < double(kDistributeFrom) * P;
  if (redundant) return (iterative ? 1.0 : 2.0) * D * D + (owned && P > 1 ? D * D / P : 0.0);
  // Owned: the block-cyclic share the assembly summed into, factored in place by
  // ScaLAPACK (the route is taken with the default solver only).
  if (owned) return D * D / P;
  // Partial sums, MPI_Reduce_scatter's full-size temporary and the own rows; then the
  // rows, ScaLAPACK's copy and its factor.
  return std::max(D * D * (2.0 + 1.0 / P), (iterative ? 1.0 : 3.0) * D * D / P);
}

}  // namespace

std::string format_bytes(double b) {
  char buf[64];
  const char* unit[] = {"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
  int u = 0;
  while (b >= 1024 && u < 6) b /= 1024, ++u;
  std::snprintf(buf, sizeof buf, "%.3g %s", b, unit[u]);
  return buf;
}

std::string format_seconds(double s) {
  char buf[64];
  if (s < 120)
    std::snprintf(buf, sizeof buf, "%.2g s", s);
  else if (s < 7200)
    std::snprintf(buf, sizeof buf, "%.3g min", s / 60);
  else
    std::snprintf(buf, sizeof buf, "%.3g h", s / 3600);
  return buf;
}

double group_order_hint(const std::string& spec, const std::vector<Isometry>& gens, const Manifold& M,
                        std::size_t cap) {
  if (gens.empty()) return 1.0;
  try {
    if (const auto cf = closed_form_order(spec, M.dim())) return *cf;
  } catch (const std::exception&) {
  }
  try {
    if (const auto el = enumerate_isometries(gens, cap, M.translation_period())) return double(el->size());
  } catch (const std::exception&) {
  }
  return 0.0;
}

ResourceEstimate estimate_training(const EstimateInput& in) {
  ResourceEstimate e;
  const double G = in.group_order > 0 ? in.group_order : 20000.0;  // unknown: at least the closure cap
  double q = 0, work = 0, dinv = 0, dtotal = 0, values = 0;
  // The ring route stores no Q and evaluates orbit sums (a few per invariant feature).
  const bool ring = uses_ring_route(*in.M, in.basis, in.gens, in.spaces);
  std::unique_ptr<WignerInvariants> plan;
  if (uses_wigner_route(*in.M, in.basis, in.gens) && !in.spaces.empty())
    plan = std::make_unique<WignerInvariants>(mat3_generators(in.gens), in.spaces.back().label, in.basis.null_tol);
  const bool sparse_q = plan && plan->block_sparse();
  for (std::size_t s = 0; s < in.spaces.size(); ++s) {
    const double m = double(in.spaces[s].m);
    double k = !in.exact_k.empty() ? double(in.exact_k[s]) : in.gens.empty() ? m : std::min(m, m / G);
    if (sparse_q && in.exact_k.empty()) k = std::min(m, double(plan->kept_functions(int(in.spaces[s].m - 1) / 2)));
    dtotal += m;
    dinv += k;
    if (ring) continue;
    q += sparse_q ? 3.0 * k : m * k;  // block sparse: two values and two int rows per column
    if (k > 0) values = dtotal;       // features evaluate every function up to the last invariant one
    work = std::max(work, space_work(in, m, k, plan.get()));
  }
  e.dinv_exact = !in.exact_k.empty();
  e.dinv = e.dinv_exact ? dinv : std::ceil(dinv);
  if (ring) values = 4.0 * (e.dinv + 1.0);
  e.dtotal = dtotal;
  const double D = e.dinv;
  const int P = std::max(in.nranks, 1);
  e.basis_bytes = kB * (q + work);
  // Features in cache tiles (InvariantFeatures::tile_rows: 1 MiB, 64 to 8192 rows).
  const double per_row = values + D + 1;
  const double tile = std::clamp(std::floor(double(1u << 20) / 8.0 / per_row), 64.0, 8192.0);
  e.feature_bytes = kB * (tile * per_row + q);  // the evaluator's copy of Q
  // Rows are streamed: one I/O block of this rank's rows at a time (and a copy).
  const double row = double(in.M->dim() + 2 * in.ntargets + 1);  // as training's blocks (train.cpp)
  const double io_rows = std::min({std::ceil(double(in.n) / P), double(kGatherBlockRows), std::floor(786432.0 / row)});
  e.data_bytes = 2 * kB * io_rows * row;
  const bool owned = in.ridge && !in.grid && (in.owned > 0 || (in.owned < 0 && kB * D * D > kOwnedGramFromBytes));
  e.gram_bytes = in.ridge ? kB * gram_peak(D, P, in.iterative, owned) : kB * D * in.ntargets * 2;
  if (in.grid) {
    // Coefficient vectors (a batch of targets of at most 256 MiB, and the CG product's
    // copies); the rank's rows: packed, received (cell, weight, point, values) and the
    // grid's values and weights. CG vectors instead of a Gram matrix.
    const double batch = std::max(1.0, std::min(double(in.ntargets), double(256u << 20) / (kB * dtotal)));
    e.feature_bytes = kB * (dtotal * (batch + 2.0));
    const double own = std::ceil(double(in.n) / P), row = 5.0 + in.ntargets;
    e.data_bytes = kB * own * (2.0 * row + 1.0 + in.ntargets);
    e.gram_bytes = kB * D * (in.ridge ? 6.0 : 2.0 * in.ntargets);
  }
  const double q_bytes = kB * q;
  // Stages: basis (Q + work); accumulate (Q, evaluator, blocks, data, partial sums D²);
  // reduce/solve (Q, data, Gram peak).
  // Owned: this rank's D²/P share and the ring's two feature blocks (≤ 8192 rows, sized to
  // fit in -max_block_mib).
  const double owned_ring =
      owned ? std::min(2 * kB * D * std::min(std::ceil(double(in.n) / P), 8192.0), in.max_block_mib * 1048576.0) : 0.0;
  const double accumulate = q_bytes + e.feature_bytes + e.data_bytes +
                            (in.ridge && !in.grid ? kB * D * D / (owned ? P : 1) : 0.0) + owned_ring;
  const double solve = q_bytes + e.data_bytes + e.gram_bytes;
  e.peak_bytes = std::max({e.basis_bytes + e.data_bytes, accumulate, solve});
  std::ostringstream os;
  os << "D = " << (long long)dtotal << " basis functions, D_inv " << (e.dinv_exact ? "= " : "~ ") << (long long)D
     << " invariant features; Gram matrix " << format_bytes(e.gram_bytes) << ", basis " << format_bytes(e.basis_bytes)
     << ", feature blocks " << format_bytes(e.feature_bytes) << ", data rows " << format_bytes(e.data_bytes);
  e.what = os.str();

  // Basis time: LPT assignment of the per-eigenspace costs to the ranks.
  // The ring route runs whole on every rank.
  std::vector<double> cost = ring ? std::vector<double>{ring_route_cost(*in.M, in.spaces, in.gens)}
                                  : basis_costs(*in.M, in.basis, in.gens, in.spaces);
  std::sort(cost.rbegin(), cost.rend());
  std::vector<double> load(std::size_t(P), 0.0);
  for (double c : cost) *std::min_element(load.begin(), load.end()) += c;
  e.basis_seconds = *std::max_element(load.begin(), load.end()) / std::max(in.flop_rate, 1e6);
  return e;
}

ResourceEstimate estimate_krr(long long N, int dim, int ntargets, long long n, int nranks) {
  ResourceEstimate e;
  const int P = std::max(nranks, 1);
  const double NN = double(N);
  const bool redundant = P == 1 || NN < double(kDistributeFrom) * P;
  e.kernel_bytes = kB * (redundant ? 2.0 * NN * NN : 3.0 * NN * NN / P);
  e.data_bytes = kB * (NN * dim + std::ceil(double(n) / P) * (dim + ntargets + 1) + NN * ntargets);
  e.peak_bytes = e.kernel_bytes + e.data_bytes;
  e.what = "kernel matrix " + std::to_string(N) + " x " + std::to_string(N) + " " + format_bytes(e.kernel_bytes) +
           (redundant ? " (redundant on each rank, with its factor)" : " (rows, ScaLAPACK's copy and factor)") +
           ", centers and data " + format_bytes(e.data_bytes);
  return e;
}

PetscErrorCode calibrate_flop_rate(MPI_Comm comm, double* rate) {
  PetscFunctionBeginUser;
  const int n = 256;
  std::vector<double> a(std::size_t(n) * n, 0.5), b(a), c(a.size(), 0.0);
  dgemm(false, false, n, n, n, 1.0, a.data(), n, b.data(), n, 0.0, c.data(), n);  // warm-up
  const double t = MPI_Wtime();
  for (int i = 0; i < 3; ++i) dgemm(false, false, n, n, n, 1.0, a.data(), n, b.data(), n, 1.0, c.data(), n);
  const double local = 3 * 2.0 * n * n * n / std::max(MPI_Wtime() - t, 1e-6);
  PetscCallMPI(MPI_Allreduce(&local, rate, 1, MPI_DOUBLE, MPI_MIN, comm));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode memory_available_per_rank(MPI_Comm comm, double max_memory_gib, double* bytes, std::string* source) {
  PetscFunctionBeginUser;
  if (max_memory_gib > 0) {
    *bytes = max_memory_gib * 1024.0 * 1024.0 * 1024.0;
    *source = "-max_memory_gib " + format_bytes(*bytes) + " per rank";
    PetscFunctionReturn(PETSC_SUCCESS);
  }
  MPI_Comm node;
  int on_node;
  PetscCallMPI(MPI_Comm_split_type(comm, MPI_COMM_TYPE_SHARED, 0, MPI_INFO_NULL, &node));
  PetscCallMPI(MPI_Comm_size(node, &on_node));
  PetscCallMPI(MPI_Comm_free(&node));
  double avail = -1;  // kB in /proc/meminfo
  std::ifstream f("/proc/meminfo");
  std::string key;
  double value;
  std::string unit;
  while (f >> key >> value >> unit)
    if (key == "MemAvailable:") {
      avail = value * 1024.0;
      break;
    }
  double mine = avail > 0 ? avail / on_node : 1e300, least;  // no /proc/meminfo: no limit known
  PetscCallMPI(MPI_Allreduce(&mine, &least, 1, MPI_DOUBLE, MPI_MIN, comm));
  *bytes = least;
  *source = least < 1e300 ? "MemAvailable " + format_bytes(least * on_node) + " / " + std::to_string(on_node) +
                                " rank(s) on the node"
                          : "no /proc/meminfo: unknown";
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode check_memory_fits(MPI_Comm comm, const ResourceEstimate& e, double available, const std::string& source,
                                 const std::string& remedies) {
  PetscFunctionBeginUser;
  const bool fits = e.peak_bytes <= available;
  std::string msg;
  if (!fits)
    msg = "the job would need about " + format_bytes(e.peak_bytes) +
          " per rank (estimated before allocating: " + e.what + "), more than the " + format_bytes(available) +
          " available per rank (" + source + "). It would fit with " + remedies +
          "; or set -max_memory_gib if more memory is really there";
  PetscCall(collective_check(comm, fits, msg));
  PetscFunctionReturn(PETSC_SUCCESS);
}

std::string training_remedies(const EstimateInput& in, double available, bool cutoff_is_lmax) {
  std::vector<std::string> out;
  // A lower cutoff: the longest prefix of eigenspaces that fits.
  EstimateInput lower = in;
  std::size_t best = 0;
  for (std::size_t lo = 1, hi = in.spaces.size(); lo <= hi;) {
    const std::size_t mid = (lo + hi) / 2;
    lower.spaces.assign(in.spaces.begin(), in.spaces.begin() + long(mid));
    lower.exact_k.clear();
    if (!in.exact_k.empty()) lower.exact_k.assign(in.exact_k.begin(), in.exact_k.begin() + long(mid));
    if (estimate_training(lower).peak_bytes <= available)
      best = mid, lo = mid + 1;
    else
      hi = mid - 1;
  }
  if (best > 0 && best < in.spaces.size()) {
    long long nb = 0;
    for (std::size_t s = 0; s < best; ++s) nb += (long long)in.spaces[s].m;
    std::string c = "a lower cutoff (-nbasis " + std::to_string(nb);
    if (cutoff_is_lmax) c += " or -lmax " + std::to_string(in.spaces[best - 1].label);
    out.push_back(c + " at most)");
  } else if (best == 0) {
    out.push_back("no cutoff on this machine (even the constant function does not fit)");
  }
  if (in.ridge && !in.iterative) {
    EstimateInput cg = in;
    cg.iterative = true;
    if (estimate_training(cg).peak_bytes <= available)
      out.push_back("-reduced_ksp_type cg (no factorization copy of the reduced matrix)");
  }
  for (int P = std::max(in.nranks, 1) * 2; P <= 65536; P *= 2) {
    EstimateInput more = in;
    more.nranks = P;
    if (estimate_training(more).peak_bytes <= available) {
      out.push_back(std::to_string(P) + " ranks with this memory each (more nodes)");
      break;
    }
  }
  if (in.ridge && in.owned == 0) {
    EstimateInput own = in;
    own.owned = 1;
    for (int P = std::max(in.nranks, 1); P <= 65536; P *= 2) {
      own.nranks = P;
      if (estimate_training(own).peak_bytes <= available) {
        out.push_back("-gram_assembly owned on " + std::to_string(P) +
                      " ranks (each rank holds only its rows of the Gram matrix)");
        break;
      }
    }
  }
  if (out.size() == 1 && in.ridge && in.owned == 0)
    out.back() += " (more ranks do not help: each rank accumulates the full D_inv^2 partial Gram matrix)";
  std::string s;
  for (std::size_t i = 0; i < out.size(); ++i) s += (i ? (i + 1 == out.size() ? ", or " : ", ") : "") + out[i];
  return s;
}

}  // namespace specavg
