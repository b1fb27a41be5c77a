#pragma once
// Option helpers shared by the subcommands (used inside PetscOptionsBegin/End blocks,
// where PetscOptionsObject is in scope).
#include <petscsys.h>

#include <string>

#include "specavg/parallel/krr.hpp"
#include "specavg/parallel/train.hpp"

namespace specavg {

PetscErrorCode option_string(PetscOptionItems* PetscOptionsObject, const char* name, const char* help,
                             std::string* value);
// -group and -group_file.
PetscErrorCode options_group(PetscOptionItems* PetscOptionsObject, std::string* spec, std::string* file);
// -manifold and -dim.
PetscErrorCode options_manifold(PetscOptionItems* PetscOptionsObject, std::string* name, int* dim);
// -lmax, -lambda_max, -nbasis (at most one).
PetscErrorCode options_cutoff(PetscOptionItems* PetscOptionsObject, Cutoff* c);
// -basis_method, -basis_dense_max, -basis_null_tol, -basis_eps_null_tol.
PetscErrorCode options_basis(PetscOptionItems* PetscOptionsObject, BasisOptions* b);
// Manifold, group, cutoff, basis, -estimator, -tau, -sobolev_s, -block_rows.
PetscErrorCode options_train(PetscOptionItems* PetscOptionsObject, TrainOptions* opt);
// -krr_kernel, -krr_width, -krr_lambda, -krr_max_rows, -max_group_order (kernel baselines).
PetscErrorCode options_krr(PetscOptionItems* PetscOptionsObject, KrrOptions* k);
// True when -help was given: commands then print their options and stop.
bool help_requested();
// Every option set on the command line/options files, as one string (provenance).
std::string options_string();

}  // namespace specavg
