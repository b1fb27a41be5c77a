#pragma once
// Pieces shared between subcommands (not part of the public API).
#include <petscsys.h>

#include <string>

#include "specavg/estimate/model.hpp"
#include "specavg/io/row_sink.hpp"
#include "specavg/parallel/predict.hpp"

namespace specavg {

struct EvalOptions {
  PetscInt id_points = 10000, id_words = 8, id_word_length = 6;
};

std::string timestamp_utc();
// "2 rank(s) x 1 BLAS thread(s) each" (the range over ranks if they differ). Collective.
PetscErrorCode describe_parallelism(MPI_Comm comm, std::string* text);
PetscErrorCode options_eval(PetscOptionItems* PetscOptionsObject, EvalOptions* o);
PetscErrorCode print_eval(MPI_Comm comm, const EvalReport& r);
// Attributes of a prediction file: the model (path and SHA-256 of its file), group,
// cutoff, manifold and basis conventions.
PetscErrorCode prediction_attributes(MPI_Comm comm, const Model& model, const std::string& model_path,
                                     Attributes* attrs);
// Predict on the points of `points_path`, block by block, and write `values` (n × k) with
// `attrs` to `output`; with_std adds `std` (n × k), the predictive standard deviation.
// `grid` (predict -grid latlon:NLAT:NLON): the points are that grid's cells, not a file.
// block_rows: rows per block (0: kGatherBlockRows). features (-features): pointwise, sht
// (synthesis on the grid's rings, parallel/sht_predict.hpp; refused on scattered points)
// or auto (sht when the points are a grid and the model allows it, and no std is asked).
PetscErrorCode predict_file(MPI_Comm comm, const Model& model, const std::string& points_path,
                            const std::string& output, const Attributes& attrs, double* seconds,
                            bool with_std = false, const std::string& grid = "", PetscInt block_rows = 0,
                            const std::string& features = "auto");

}  // namespace specavg
