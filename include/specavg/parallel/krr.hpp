#pragma once
// Kernel-ridge baselines as distributed PETSc solves (docs/mathematics.md, baselines;
// estimate/krr_model.hpp for the model they produce). Collective on comm.
//
// The N × N kernel matrix (N = n, or n|G| for krr-aug) is a MATDENSE whose rows follow the
// training rows of each rank (krr-aug: the |G| images of each row, in the order (i, g)).
// Each rank computes its rows against the gathered centers (N × dim, also stored in the
// model), in column chunks through DGEMM. (K + λI) α = y is solved by a KSP with prefix
// "krr_": default preonly + Cholesky (ScaLAPACK on several ranks, PETSc's dense Cholesky
// on one), or e.g. -krr_ksp_type cg. Systems with N < 64·P are solved redundantly on every
// rank. The kernel matrix is kept, so several λ share it (KrrSystem + krr_solve).
//
// Feasibility is checked before anything large happens: krr-ga and krr-aug enumerate G
// only up to max_group_order, and N may not exceed max_rows (memory 8N² bytes in all, plus
// ScaLAPACK's copy). Refusals name |G| (or that it exceeds the cap) and the cost.
#include <mpi.h>
#include <petscmat.h>

#include <string>
#include <vector>

#include "specavg/parallel/dataset.hpp"
#include "specavg/parallel/reduced_solve.hpp"
#include "specavg/parallel/train.hpp"
#include "specavg/estimate/model.hpp"
#include "specavg/comm/petsc_util.hpp"

namespace specavg {

struct KrrOptions {
  const KernelRidgeEstimator* estimator = &as_kernel_ridge(krr_estimator());  // -estimator krr|krr-ga|krr-aug
  std::string kernel;                    // -krr_kernel ("" = default of the manifold: vmf / vonmises)
  double width = -1;                     // -krr_width (≤ 0: default of the kernel, see krr_default_width)
  double lambda = 1e-3;                  // -krr_lambda
  std::size_t max_group_order = 100000;  // -max_group_order
  long long max_rows = 30000;            // -krr_max_rows
  bool verbose = true;
};

// Defaults: vmf κ = 10, vonmises η = 1, heat t = 0.05, sobolev s = d (spheres S^{d−1}).
KernelSpec krr_kernel_spec(const Manifold& M, const KrrOptions& opt);

struct KrrReport {
  long long n = 0, nrows = 0;  // training points, kernel-matrix size N
  long long order = 0;         // |G| when enumerated
  double t_group = 0, t_kernel = 0, t_factor = 0, t_solve = 0, t_total = 0;
  double kernel_evals = 0;  // K(x, y) evaluations for the matrix
  SolveReport solve;
};

struct KrrSystem {
  ManifoldPtr M;
  const KernelRidgeEstimator* estimator = nullptr;
  KernelSpec kernel;
  std::string group_spec;
  std::vector<Isometry> generators, elements;  // elements: enumerated G (krr-ga, krr-aug)
  long long order = 0;
  PetscInt N = 0;
  bool redundant = false;  // the matrix is held whole on every rank (PETSC_COMM_SELF)
  PetscHandle<Mat, MatDestroy> K;
  std::vector<double> y;        // the matrix's local rows of the targets (nloc × ntargets)
  std::vector<double> centers;  // N × dim on every rank
  int ntargets = 0;
  long long n = 0;
};

// The reason the job cannot run (empty when it can), with |G| and the cost; deterministic,
// so every rank gets the same answer. Enumerates G into `elements` when needed.
std::string krr_refusal(const Manifold& M, const KernelRidgeEstimator& est, const std::vector<Isometry>& gens,
                        const std::string& group_spec, long long n, const KrrOptions& opt, int nranks,
                        std::vector<Isometry>* elements, long long* order);
// Enumerate G if the method needs it and check the size; refuses with the reason and
// cost. `n` is the global number of training points. Collective.
PetscErrorCode krr_check_feasible(MPI_Comm comm, const Manifold& M, const KernelRidgeEstimator& est,
                                  const std::vector<Isometry>& gens, const std::string& group_spec, long long n,
                                  const KrrOptions& opt, std::vector<Isometry>* elements, long long* order);

// Builds the kernel matrix (without λ) of the row-distributed training data. Collective.
PetscErrorCode krr_build(MPI_Comm comm, const Manifold& M, const std::vector<Isometry>& gens,
                         const std::string& group_spec, const LocalData& data, const KrrOptions& opt, KrrSystem* sys,
                         KrrReport* rep);

// Solves (K + λI) α = y; fills model (method, krr, group, manifold). K itself is not
// modified (λ goes onto ScaLAPACK's copy), so several λ can share it; keep = false frees
// K after the solve. Collective.
PetscErrorCode krr_solve(MPI_Comm comm, KrrSystem* sys, double lambda, bool keep, Model* model, KrrReport* rep);

// `specavg train -estimator krr|krr-ga|krr-aug`: read topt.data (unit weights only), check,
// build, solve with kopt.lambda. topt supplies the data, manifold and group. Collective.
PetscErrorCode train_krr(MPI_Comm comm, const TrainOptions& topt, const KrrOptions& kopt, Model* model, KrrReport* rep);

}  // namespace specavg
