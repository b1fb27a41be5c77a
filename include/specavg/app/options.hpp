#pragma once
// Option helpers shared by the subcommands (used inside PetscOptionsBegin/End blocks,
// where PetscOptionsObject is in scope).
#include <petscsys.h>

#include <limits>
#include <string>

#include "specavg/parallel/krr.hpp"
#include "specavg/parallel/train.hpp"

namespace specavg {

constexpr double kInfinity = std::numeric_limits<double>::infinity();

// Every specavg option is read through these helpers (inside PetscOptionsBegin/End). They
// declare the option (name, default, help) for -help, and refuse, on every rank alike, a
// value that does not parse or lies outside its range: integers are parsed and checked in
// 64 bits before narrowing to PetscInt (no wrap-around), reals must be finite.
PetscErrorCode option_string(PetscOptionItems* PetscOptionsObject, const char* name, const char* help,
                             std::string* value, PetscBool* set = nullptr);
PetscErrorCode option_int(PetscOptionItems* PetscOptionsObject, const char* name, const char* help, PetscInt* value,
                          long long lo, long long hi, PetscBool* set = nullptr);
// Reals in [lo, hi] ((lo, hi] with lo_open); hi may be +infinity (then: any finite value >= lo).
PetscErrorCode option_real(PetscOptionItems* PetscOptionsObject, const char* name, const char* help, double* value,
                           double lo, double hi, bool lo_open = false, PetscBool* set = nullptr);
PetscErrorCode option_bool(PetscOptionItems* PetscOptionsObject, const char* name, const char* help, bool* value);

// -group and -group_file.
PetscErrorCode options_group(PetscOptionItems* PetscOptionsObject, std::string* spec, std::string* file);
// -manifold and -dim.
PetscErrorCode options_manifold(PetscOptionItems* PetscOptionsObject, std::string* name, int* dim);
// -lmax, -lambda_max, -nbasis (at most one).
PetscErrorCode options_cutoff(PetscOptionItems* PetscOptionsObject, Cutoff* c);
// -basis_method, -basis_dense_max, -basis_null_tol, -basis_eps_null_tol.
PetscErrorCode options_basis(PetscOptionItems* PetscOptionsObject, BasisOptions* b);
// -select, -tau_grid, -select_folds, -select_pool, -uncertainty, -uncertainty_max_dinv.
PetscErrorCode options_select(PetscOptionItems* PetscOptionsObject, SelectOptions* so);
// Manifold, group, cutoff, basis, -estimator, -tau, -sobolev_s, -block_rows.
PetscErrorCode options_train(PetscOptionItems* PetscOptionsObject, TrainOptions* opt);
// -columns, -mask, -polarization_as_scalars: how HEALPix sky maps are read; -var,
// -time_range: which field of a CF netCDF input is read and which time steps become
// targets. The row sources read them from the database themselves (nothing above io/
// names a format); the commands declare them here (for -help and the unknown-option
// check) and use the mask path in their input checks.
struct DataInputOptions {
  std::string columns, mask;
  bool polarization_as_scalars = false;
  std::string var, time_range;
};
PetscErrorCode options_data_input(PetscOptionItems* PetscOptionsObject, DataInputOptions* o);
// -krr_kernel, -krr_width, -krr_lambda, -krr_max_rows, -max_group_order (kernel baselines).
PetscErrorCode options_krr(PetscOptionItems* PetscOptionsObject, KrrOptions* k);

// Resources per rank, for every command that streams rows: -max_block_mib (a block of rows
// with its basis values and features stays within it; the basis and the D_inv² system
// are extra) and -blas_threads (BLAS threads per rank: default $OPENBLAS_NUM_THREADS or
// $OMP_NUM_THREADS when set, else 1, so ranks × threads never exceed the cores by default).
struct ResourceOptions {
  double max_block_mib = 256;
  PetscInt blas_threads = 0;  // 0: the default above
};
PetscErrorCode options_resources(PetscOptionItems* PetscOptionsObject, ResourceOptions* r);
// Collective. Sets the BLAS threads of -blas_threads and warns (rank 0) when the ranks on a
// node times the threads exceed its cores.
PetscErrorCode apply_resources(MPI_Comm comm, const ResourceOptions& r);
// Rows per streamed block for rows of `bytes_per_row` within -max_block_mib (at most 65536).
PetscInt stream_block_rows(const ResourceOptions& r, double bytes_per_row);

// Help: -help, -h and --help print specavg's options (HelpMode::Specavg); -help_petsc
// also PETSc's and SLEPc's (HelpMode::Petsc). The driver sets the mode from argv.
enum class HelpMode { None, Specavg, Petsc };
void set_help_mode(HelpMode mode);
bool help_requested();
HelpMode help_mode();

// Call after a command's options block, before any work. Collective.
//  * With -help: print the declared options (name, default, first sentence of the help).
//  * Otherwise: every option in the database must have been read by the command, or
//    belong to a PETSc/SLEPc family that solvers read later (petsc_option_family below).
//    An unknown option is an agreed error naming it and the closest declared option;
//    -allow_unknown_options turns the error into a warning.
// `command` names the subcommand for messages ("train", or "" for the default job).
PetscErrorCode options_done(MPI_Comm comm, const char* command);

// Whether an option name (without the leading '-') belongs to a PETSc/SLEPc family that
// specavg passes on: the solvers it configures by prefix (-reduced_*, -krr_ksp_*,
// -krr_pc_*, -basis_eps_*, ...), unprefixed object options (-ksp_*, -pc_*, -mat_*,
// -eps_*, ...) and PETSc's runtime options (-log_view, -info, -malloc_*, -options_*, ...).
bool petsc_option_family(const std::string& name);

// Every option set on the command line/options files, as one string (provenance).
std::string options_string();

}  // namespace specavg
