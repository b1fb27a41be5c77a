#include "app_internal.hpp"
#include "specavg/app/commands.hpp"
#include "specavg/app/options.hpp"
#include "specavg/comm/collective.hpp"
#include "specavg/comm/petsc_util.hpp"
#include "specavg/io/file_format.hpp"
#include "specavg/io/model_file.hpp"
#include "specavg/io/output_path.hpp"
#include "specavg/io/row_sink.hpp"
#include "specavg/io/row_source.hpp"
#include "specavg/parallel/predict.hpp"
#include "specavg/parallel/sht_predict.hpp"
#include "specavg/util/sha256.hpp"

namespace specavg {

PetscErrorCode prediction_attributes(MPI_Comm comm, const Model& model, const std::string& model_path,
                                     Attributes* a) {
  PetscFunctionBeginUser;
  int rank;
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  std::string hash, msg;
  if (rank == 0) try {
      hash = sha256_file_hex(model_path);
    } catch (const std::exception& e) {
      msg = e.what();
    }
  PetscCall(collective_check(comm, rank != 0 || msg.empty(), msg));
  int len = int(hash.size());
  PetscCallMPI(MPI_Bcast(&len, 1, MPI_INT, 0, comm));
  hash.resize(std::size_t(len));
  PetscCallMPI(MPI_Bcast(hash.data(), len, MPI_CHAR, 0, comm));
  *a = Attributes{};
  a->set("content", "specavg predictions: dataset values (n x k), row i predicts row i of the points");
  a->set("specavg_version", SPECAVG_VERSION);
  a->set("created", timestamp_utc());
  a->set("model", model_path);
  a->set("model_sha256", hash);
  a->set("group", model.group_spec);
  a->set("cutoff", model.basis.cutoff);
  a->set("estimator", model.estimator->name());
  a->set("tau", model.tau);
  a->set("ntargets", double(model.ntargets));
  add_basis_conventions(model.manifold(), a);
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode predict_file(MPI_Comm comm, const Model& model, const std::string& points_path,
                            const std::string& output, const Attributes& attrs, double* seconds, bool with_std,
                            const std::string& grid, PetscInt block_rows, const std::string& features) {
  PetscFunctionBeginUser;
  const double t0 = MPI_Wtime();
  std::unique_ptr<RowSource> src;
  const RowRequest req{"-points", ValuesNeed::None, &model.manifold()};
  if (grid.empty())
    PetscCall(open_row_source(comm, points_path, req, &src));
  else
    PetscCall(open_grid_row_source(comm, grid, req, &src));
  const int k = model.ntargets;
  const PetscInt nb = block_rows > 0 ? block_rows : kGatherBlockRows;
  std::unique_ptr<ShtPredictor> sht;
  if (features != "pointwise") {
    std::string why = !src->ring_layout() ? "the points are scattered, not a grid of rings"
                      : with_std          ? "-std needs the pointwise features"
                                          : ShtPredictor::unsuitable(model);
    if (why.empty()) PetscCall(ShtPredictor::create(comm, model, *src, nb, &sht, &why));
    PetscCall(collective_check(comm, why.empty() || features != "sht",
                               "-features sht cannot be used: " + why + "; use -features pointwise"));
  }
  std::unique_ptr<RowSink> sink;
  std::vector<SinkArray> columns = {{"values", k}};
  if (with_std) columns.push_back({"std", k});
  PetscCall(create_row_sink(comm, output, "-output", src->rows_total(), columns, &sink));
  // An agreed failure inside makes all ranks drop the output together; any other one ends
  // in MPI_Abort (the sink's destructor removes the temporary without a collective call).
  auto stream = [&]() -> PetscErrorCode {
    PetscFunctionBeginUser;
    RowBlock b;
    std::vector<double> f;
    for (bool done = false;;) {
      PetscCall(src->next_block(nb, &b, &done));
      if (done) break;
      if (sht)
        PetscCall(sht->predict_block(b, &f));
      else
        predict_points(model, b.points.data(), b.count, &f);
      PetscCall(sink->write_rows("values", b.offset, b.count, f.data()));
      if (with_std) {
        predict_std_points(model, b.points.data(), b.count, &f);
        PetscCall(sink->write_rows("std", b.offset, b.count, f.data()));
      }
    }
    PetscCall(src->close());
    PetscCall(sink->set_attributes(attrs));
    PetscFunctionReturn(PETSC_SUCCESS);
  };
  const PetscErrorCode ierr = stream();
  if (is_agreed_error(ierr)) (void)sink->abandon();  // else this rank alone failed: the driver aborts
  PetscCall(ierr);
  PetscCall(sink->commit());
  *seconds = MPI_Wtime() - t0;
  PetscCall(PetscPrintf(comm, "[specavg] predicted %lld points × %d target(s) -> %s%s: %.2f s\n",
                        (long long)src->rows_total(), k, output.c_str(),
                        sht ? " (synthesis on the grid's rings)" : "", *seconds));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode cmd_predict(MPI_Comm comm) {
  PetscFunctionBeginUser;
  std::string model_path, points, output, like, grid, features = "auto";
  bool with_std = false, residual = false;
  DataInputOptions din;
  ResourceOptions res;
  PetscOptionsBegin(comm, nullptr, "specavg predict: evaluate a model at distributed points", "specavg");
  PetscCall(option_string(PetscOptionsObject, "-model", "Model file written by specavg train", &model_path));
  PetscCall(option_string(PetscOptionsObject, "-points",
                          "Points on the model's manifold: HDF5 file with dataset points (n x dim), a HEALPix "
                          "map (its pixel centres) or a CF netCDF field (its cells)",
                          &points));
  PetscCall(option_string(PetscOptionsObject, "-like",
                          "Map or netCDF field whose pixels/grid the prediction is written on (-output map.fits or "
                          "fit.nc); its pixels or kept cells are the points when -points is not given",
                          &like));
  PetscCall(option_string(PetscOptionsObject, "-grid",
                          "Predict on a new regular grid instead of -points: latlon:NLAT:NLON (cell centres), written "
                          "as CF netCDF (-output fit.nc); with -like, its variable's name, units and time are kept",
                          &grid));
  PetscCall(options_data_input(PetscOptionsObject, &din));
  PetscCall(option_bool(PetscOptionsObject, "-output_residual",
                        "netCDF output on the -like grid: also write <var>_residual = data minus fit", &residual));
  PetscCall(option_string(PetscOptionsObject, "-output",
                          "Output HDF5 file: dataset values (n x k), attributes naming the model (path, SHA-256), "
                          "group, cutoff and basis conventions; or a HEALPix map (.fits) on the pixels of -like, or CF "
                          "netCDF-4 (.nc) on the grid of -like",
                          &output));
  PetscCall(option_bool(PetscOptionsObject, "-std",
                        "Also write dataset std (n x k): the predictive standard deviation of the fitted invariant "
                        "field from the model's error model (Gaussian noise; truncation bias excluded)",
                        &with_std));
  PetscCall(option_string(PetscOptionsObject, "-features",
                          "pointwise (basis values at every point), sht (synthesis on the rings of a HEALPix map or "
                          "lat/lon grid, libsharp) or auto (sht for such grids when the model allows it, default)",
                          &features));
  PetscCall(options_resources(PetscOptionsObject, &res));
  PetscOptionsEnd();
  PetscCall(options_done(comm, "predict"));
  PetscCall(collective_check(comm, features == "auto" || features == "sht" || features == "pointwise",
                             "unknown -features '" + features + "': expected pointwise, sht or auto"));
  if (help_requested()) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCall(collective_check(comm, grid.empty() || points.empty(),
                             "-grid and -points both give the points: pass only one of them"));
  PetscCall(collective_check(comm, !residual || grid.empty(),
                             "-output_residual needs the data on the output grid: drop -grid to write on the -like "
                             "grid"));
  if (points.empty() && grid.empty()) points = like;
  PetscCall(collective_check(comm, !points.empty() || !grid.empty(),
                             "no points given: pass -points <points.h5> (or -like <field.nc>, -grid latlon:NLAT:NLON)"));
  PetscCall(collective_check(comm, !output.empty(), "no output file given: pass -output <pred.h5>"));
  PetscCall(collective_check(comm, grid.empty() || is_netcdf_path(output),
                             "-grid " + grid + " writes CF netCDF: pass -output <fit.nc>"));
  PetscCall(collective_check(comm, !residual || is_netcdf_path(output),
                             "-output_residual needs a netCDF output on the -like grid: pass -output <fit.nc>"));
  PetscCall(check_output_path(comm, {"-output", output}, {{"-model", model_path}, {"-points", points}, {"-like", like}, {"-mask", din.mask}}));
  PetscCall(apply_resources(comm, res));
  Model model;
  PetscCall(read_model(comm, model_path, &model));
  PetscCall(collective_check(comm, !with_std || (model.estimator->uses_invariant_basis() && !model.uncertainty.empty()),
                             "-std: model '" + model_path +
                                 "' has no error model; retrain with -uncertainty 1 (or -select) to store it"));
  Attributes attrs;
  PetscCall(prediction_attributes(comm, model, model_path, &attrs));
  if (with_std)
    attrs.set("std", "predictive standard deviation of the noise-free invariant field: sqrt(noise_variance * psi^T C psi); "
                     "truncation bias is not included");
  double t;
  // A block: the points and the predictions (and their standard deviations).
  const PetscInt nb =
      stream_block_rows(res, 8.0 * (model.manifold().dim() + model.ntargets * (with_std ? 2.0 : 1.0)));
  PetscCall(predict_file(comm, model, points, output, attrs, &t, with_std, grid, nb, features));
  PetscFunctionReturn(PETSC_SUCCESS);
}

}  // namespace specavg
