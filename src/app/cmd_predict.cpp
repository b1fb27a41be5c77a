#include "app_internal.hpp"
#include "specavg/app/commands.hpp"
#include "specavg/app/options.hpp"
#include "specavg/comm/collective.hpp"
#include "specavg/parallel/dataset.hpp"
#include "specavg/parallel/predict.hpp"
#include "specavg/io/h5_parallel.hpp"
#include "specavg/io/model_file.hpp"
#include "specavg/comm/petsc_util.hpp"

namespace specavg {

// Predict on the points of `points_path` and write `values` (n × k) to `output`.
PetscErrorCode predict_file(MPI_Comm comm, const Model& model, const std::string& points_path,
                            const std::string& output, double* seconds) {
  PetscFunctionBeginUser;
  const double t0 = MPI_Wtime();
  LocalData pts;
  PetscCall(read_local_data(comm, points_path, "-points", ValuesNeed::None, model.manifold(), &pts));
  std::vector<double> f;
  predict_points(model, pts.points.data(), pts.count, &f);
  H5Writer w;
  PetscCall(w.create(comm, output));
  PetscCall(w.create_dataset("values", {hsize_t(pts.n_global), hsize_t(model.ntargets)}));
  PetscCall(w.write_rows("values", pts.begin, pts.count, f.data()));
  PetscCall(w.commit());
  *seconds = MPI_Wtime() - t0;
  PetscCall(PetscPrintf(comm, "[specavg] predicted %lld points × %d target(s) -> %s: %.2f s\n", (long long)pts.n_global,
                        model.ntargets, output.c_str(), *seconds));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode cmd_predict(MPI_Comm comm) {
  PetscFunctionBeginUser;
  std::string model_path, points, output;
  PetscOptionsBegin(comm, nullptr, "specavg predict: evaluate a model at distributed points", "specavg");
  PetscCall(option_string(PetscOptionsObject, "-model", "Model file written by specavg train", &model_path));
  PetscCall(option_string(PetscOptionsObject, "-points",
                          "HDF5 file with dataset points (n x dim), on the model's manifold", &points));
  PetscCall(option_string(PetscOptionsObject, "-output", "Output HDF5 file: dataset values (n x k)", &output));
  PetscOptionsEnd();
  if (help_requested()) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCall(collective_check(comm, !points.empty(), "no points given: pass -points <points.h5>"));
  PetscCall(collective_check(comm, !output.empty(), "no output file given: pass -output <pred.h5>"));
  PetscCall(check_output_writable(comm, output, "-output"));
  Model model;
  PetscCall(read_model(comm, model_path, &model));
  double t;
  PetscCall(predict_file(comm, model, points, output, &t));
  PetscFunctionReturn(PETSC_SUCCESS);
}

}  // namespace specavg
