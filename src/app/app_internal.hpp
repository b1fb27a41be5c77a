#pragma once
// Pieces shared between subcommands (not part of the public API).
#include <petscsys.h>

#include <string>

#include "specavg/parallel/predict.hpp"
#include "specavg/estimate/model.hpp"

namespace specavg {

struct EvalOptions {
  PetscInt id_points = 10000, id_words = 8, id_word_length = 6;
};

std::string timestamp_utc();
PetscErrorCode options_eval(PetscOptionItems* PetscOptionsObject, EvalOptions* o);
PetscErrorCode print_eval(MPI_Comm comm, const EvalReport& r);
PetscErrorCode predict_file(MPI_Comm comm, const Model& model, const std::string& points_path,
                            const std::string& output, double* seconds);

}  // namespace specavg
