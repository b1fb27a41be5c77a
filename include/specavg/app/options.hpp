#pragma once
// Option helpers shared by the subcommands (used inside PetscOptionsBegin/End blocks,
// where PetscOptionsObject is in scope).
#include <petscsys.h>

#include <string>

#include "specavg/dist/train.hpp"

namespace specavg {

PetscErrorCode option_string(PetscOptionItems* PetscOptionsObject, const char* name, const char* help,
                             std::string* value);
// -group and -group_file.
PetscErrorCode options_group(PetscOptionItems* PetscOptionsObject, std::string* spec, std::string* file);
// -lmax, -estimator, -tau, -sobolev_s, -block_rows (plus the group options).
PetscErrorCode options_train(PetscOptionItems* PetscOptionsObject, TrainOptions* opt);
// True when -help was given: commands then print their options and stop.
bool help_requested();
// Every option set on the command line/options files, as one string (provenance).
std::string options_string();

}  // namespace specavg
