#include "app_internal.hpp"
#include "specavg/app/commands.hpp"
#include "specavg/app/options.hpp"
#include "specavg/comm/collective.hpp"
#include "specavg/parallel/predict.hpp"
#include "specavg/io/model_file.hpp"
#include "specavg/comm/petsc_util.hpp"
#include "specavg/io/row_source.hpp"

namespace specavg {

PetscErrorCode options_eval(PetscOptionItems* PetscOptionsObject, EvalOptions* o) {
  PetscFunctionBeginUser;
  PetscCall(option_int(PetscOptionsObject, "-id_points", "Test points used for the invariance discrepancy",
                       &o->id_points, 1, PETSC_MAX_INT));
  PetscCall(option_int(PetscOptionsObject, "-id_words", "Random words in the generators tested besides each generator",
                       &o->id_words, 0, 1000000));
  PetscCall(option_int(PetscOptionsObject, "-id_word_length", "Length of the random words", &o->id_word_length, 1,
                       1000000));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode print_eval(MPI_Comm comm, const EvalReport& r) {
  PetscFunctionBeginUser;
  PetscCall(PetscPrintf(comm, "[specavg] test points                  %lld\n", r.n));
  if (r.weighted)
    PetscCall(PetscPrintf(comm, "[specavg] RMSE weighted by the data's weights (sum of weights %.6g)\n", r.weight_sum));
  const char* kind = r.weighted ? "weighted RMSE" : "RMSE";
  PetscCall(PetscPrintf(comm, "[specavg] test %s (vs values)        %.6e\n", kind, r.rmse_values));
  if (r.rmse_truth >= 0)
    PetscCall(PetscPrintf(comm, "[specavg] test %s (vs noise-free truth) %.6e\n", kind, r.rmse_truth));
  PetscCall(PetscPrintf(
      comm, "[specavg] invariance discrepancy       %.3e relative (%.3e absolute; %d words x %lld points)\n", r.id_rel,
      r.id_abs, r.id_words, r.id_points));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode cmd_eval(MPI_Comm comm) {
  PetscFunctionBeginUser;
  std::string model_path, data_path;
  EvalOptions eo;
  DataInputOptions din;
  ResourceOptions res;
  PetscOptionsBegin(comm, nullptr, "specavg eval: test RMSE and invariance discrepancy of a model", "specavg");
  PetscCall(option_string(PetscOptionsObject, "-model", "Model file written by specavg train", &model_path));
  PetscCall(option_string(PetscOptionsObject, "-data",
                          "Test data: HDF5 (points (n x dim), values (n or n x k)), a HEALPix FITS map or a CF "
                          "netCDF field",
                          &data_path));
  PetscCall(options_data_input(PetscOptionsObject, &din));
  PetscCall(options_eval(PetscOptionsObject, &eo));
  PetscCall(options_resources(PetscOptionsObject, &res));
  PetscOptionsEnd();
  PetscCall(options_done(comm, "eval"));
  if (help_requested()) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCall(collective_check(comm, !data_path.empty(), "no test data given: pass -data <test.h5>"));
  PetscCall(apply_resources(comm, res));
  Model model;
  PetscCall(read_model(comm, model_path, &model));
  std::unique_ptr<RowSource> src;
  PetscCall(open_row_source(comm, data_path, {"-data", ValuesNeed::Required, &model.manifold()}, &src));
  // A block: the rows (point, values, truth, weight), predictions, and the mapped points
  // and their predictions of the discrepancy.
  const int dim = model.manifold().dim(), k = model.ntargets;
  const PetscInt nb = stream_block_rows(res, 8.0 * (2 * dim + 4 * k + 1));
  EvalReport rep;
  PetscCall(evaluate_model_stream(comm, model, *src, nb, eo.id_points, int(eo.id_words), int(eo.id_word_length), &rep));
  PetscCall(print_eval(comm, rep));
  PetscFunctionReturn(PETSC_SUCCESS);
}

}  // namespace specavg
