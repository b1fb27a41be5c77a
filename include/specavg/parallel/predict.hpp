#pragma once
// Prediction and evaluation on row-distributed points.
#include <mpi.h>
#include <petscsys.h>

#include <vector>

#include "specavg/io/row_source.hpp"
#include "specavg/parallel/dataset.hpp"
#include "specavg/estimate/model.hpp"

namespace specavg {

// Predictions for this rank's points (count × dim row-major → count × ntargets,
// row-major), in blocks. Local.
void predict_points(const Model& model, const double* x, PetscInt count, std::vector<double>* out);

// Predictive standard deviations of the noise-free fitted field (count × ntargets,
// row-major) for this rank's points, in blocks; the model must carry an error model
// (model.uncertainty, specavg models only). Local.
void predict_std_points(const Model& model, const double* x, PetscInt count, std::vector<double>* out);

struct EvalReport {
  long long n = 0;
  bool weighted = false;              // the data had weights: both RMSEs are weighted
  double weight_sum = 0.0;            // Σ w_i (n without weights)
  double rmse_values = 0.0;           // against the (noisy) `values`, all targets
  double rmse_truth = -1.0;           // against `truth` when the file has it, else −1
  double max_abs_f = 0.0;             // max |f| over the evaluated points
  double id_abs = 0.0, id_rel = 0.0;  // invariance discrepancy, absolute and / max|f|
  int id_words = 0;                   // words tested (generators + random words)
  long long id_points = 0;
  double t_predict = 0.0;  // seconds to predict all rows (max over ranks), ID excluded
};

// Collective. RMSE over all rows, weighted by the data's weights when it has them
// (sqrt(Σ_i w_i Σ_j (f_ij − y_ij)² / (k Σ_i w_i)), as training weights the rows); invariance discrepancy max |f(w x) −
// f(x)| over at most `id_points` rows (spread over ranks proportionally), every generator, and `nwords` random words of
// length `wordlen` in the generators (fixed seed, identical on all ranks).
PetscErrorCode evaluate_model(MPI_Comm comm, const Model& model, const LocalData& data, PetscInt id_points, int nwords,
                              int wordlen, EvalReport* rep);

// Collective. The same, streaming this rank's rows from `src` in blocks of block_rows (the
// discrepancy on the first rows of each rank's share), so memory does not grow with n;
// closes src.
PetscErrorCode evaluate_model_stream(MPI_Comm comm, const Model& model, RowSource& src, PetscInt block_rows,
                                     PetscInt id_points, int nwords, int wordlen, EvalReport* rep);

}  // namespace specavg
