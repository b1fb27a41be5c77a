#pragma once
// Up-front estimates of a training job's peak memory per rank and basis time, so that a
// job that cannot fit is refused in seconds, before anything large is allocated.
//
// Memory model (bytes per rank; the arrays the code actually allocates):
//  * basis: the Q matrices of every eigenspace (Σ m_λ k_λ, held on every rank, and once
//    more inside the feature evaluator during accumulation), plus the work of the
//    largest eigenspace this route solves: dense collocation (2r+1)·N·m + 3m² with
//    N = 4m (m ≤ 256) or 2m; SLEPc (2r+1)·2m² + 3m·k; monomial 3m²; torus blocks ≤ |G|.
//  * ridge Gram: every rank accumulates the full D_inv² partial sums. Redundant solve
//    (D_inv < 64·P): reduced in place and factored, 2·D_inv² (1·D_inv² for an iterative
//    -reduced_ksp_type). Distributed (ScaLAPACK): partial sums, MPI_Reduce_scatter's
//    temporary and the own rows D_inv²(2 + 1/P), then the rows, ScaLAPACK's copy and
//    factor 3·D_inv²/P.
//  * feature blocks: b × (basis values + D_inv) with b = default_block_rows.
//  * data rows: one streamed block (b rows of points, values, weights, truth), twice.
//  * KRR: the N × N kernel matrix, by rows (N²/P, plus ScaLAPACK's copy and factor) or
//    redundant (N² and the factor), and the N × dim centers on every rank.
// Before the basis is built, k_λ ≈ m_λ/|G| (|G| in closed form, or by closure up to a
// cap); after it, the exact counts are used.
// Basis time: the load-balancing cost model of the distributed basis (flops per
// eigenspace, longest-processing-time assignment to ranks) divided by a DGEMM rate
// measured on this machine (calibrate_flop_rate).
#include <mpi.h>
#include <petscsys.h>

#include <string>
#include <vector>

#include "specavg/basis/manifold.hpp"
#include "specavg/basis/isometry.hpp"
#include "specavg/parallel/distributed_basis.hpp"

namespace specavg {

struct ResourceEstimate {
  double basis_bytes = 0, gram_bytes = 0, feature_bytes = 0, data_bytes = 0, kernel_bytes = 0;
  double peak_bytes = 0;     // the largest sum of arrays alive at once
  double basis_seconds = 0;  // wall time of the basis stage on the given ranks
  double dinv = 0;           // invariant features (estimated or exact)
  bool dinv_exact = false;
  double dtotal = 0;  // basis functions within the cutoff
  std::string what;   // one line: the terms of the peak
};

struct EstimateInput {
  ManifoldPtr M;
  std::vector<Eigenspace> spaces;  // within the cutoff
  std::vector<int> exact_k;        // per space when known (after the basis), else empty
  std::vector<Isometry> gens;
  double group_order = 0;  // |G| when known (0: unknown)
  BasisOptions basis;
  long long n = 0;  // training rows
  int ntargets = 1;
  int nranks = 1;
  bool ridge = true;       // spectral needs no Gram
  bool iterative = false;  // -reduced_ksp_type other than preonly
  // The grid path (docs/sky-maps.md) computes the features by transforms: no pointwise
  // feature blocks and no Gram matrix; every rank holds its rings' rows (moved once) and
  // coefficient vectors of (L+1)² values.
  bool grid = false;
  // Gram assembly (parallel/owned_gram.hpp): 1 owned rows, 0 replicated, −1 owned from
  // kOwnedGramFromBytes of Gram on (-gram_assembly auto).
  int owned = 0;
  double max_block_mib = 256;  // -max_block_mib: the owned route's ring blocks fit in it
  double flop_rate = 2e9;      // per rank, flops/s
};

// |G| from the group spec's closed form, else by closure up to `cap` elements (0 if larger).
double group_order_hint(const std::string& spec, const std::vector<Isometry>& gens, const Manifold& M,
                        std::size_t cap = 20000);

// -gram_assembly auto assembles the Gram by owned rows once a whole D_inv × D_inv Gram
// takes more than this (D_inv > 5792).
constexpr double kOwnedGramFromBytes = 256.0 * 1048576.0;

ResourceEstimate estimate_training(const EstimateInput& in);
ResourceEstimate estimate_krr(long long N, int dim, int ntargets, long long n, int nranks);

// Flops per second of one rank in a DGEMM of order 256 (a few milliseconds). Collective:
// the minimum over ranks.
PetscErrorCode calibrate_flop_rate(MPI_Comm comm, double* rate);

// Memory each rank may use: max_memory_gib (> 0) or MemAvailable of /proc/meminfo over
// the ranks on the node (minimum over nodes). `source` describes where it came from.
// Collective.
PetscErrorCode memory_available_per_rank(MPI_Comm comm, double max_memory_gib, double* bytes, std::string* source);

// "1.23 GiB"
std::string format_bytes(double bytes);
std::string format_seconds(double s);

// Refuses (agreed, before any large allocation) when the estimate exceeds the memory
// available; the message states the estimate and what would make the job fit:
// `remedies` (computed by the caller with the same model). Collective.
PetscErrorCode check_memory_fits(MPI_Comm comm, const ResourceEstimate& e, double available, const std::string& source,
                                 const std::string& remedies);

// The remedies of a training job that does not fit: the largest -nbasis (and -lmax when
// the cutoff was given that way) that fits, -reduced_ksp_type cg if that fits, and the
// rank count (at the same memory per rank, i.e. on more nodes) that fits, if any.
std::string training_remedies(const EstimateInput& in, double available, bool cutoff_is_lmax);

}  // namespace specavg
