
# Consider dependencies only in project.
set(CMAKE_DEPENDS_IN_PROJECT_ONLY OFF)

# The set of languages for which implicit dependencies are needed:
set(CMAKE_DEPENDS_LANGUAGES
  )

# The set of dependency files which are needed:
set(CMAKE_DEPENDS_DEPENDENCY_FILES
  "/work/wt/estimator/src/app/cmd_bench.cpp" "CMakeFiles/specavg_lib.dir/src/app/cmd_bench.cpp.o" "gcc" "CMakeFiles/specavg_lib.dir/src/app/cmd_bench.cpp.o.d"
  "/work/wt/estimator/src/app/cmd_default.cpp" "CMakeFiles/specavg_lib.dir/src/app/cmd_default.cpp.o" "gcc" "CMakeFiles/specavg_lib.dir/src/app/cmd_default.cpp.o.d"
  "/work/wt/estimator/src/app/cmd_eval.cpp" "CMakeFiles/specavg_lib.dir/src/app/cmd_eval.cpp.o" "gcc" "CMakeFiles/specavg_lib.dir/src/app/cmd_eval.cpp.o.d"
  "/work/wt/estimator/src/app/cmd_info.cpp" "CMakeFiles/specavg_lib.dir/src/app/cmd_info.cpp.o" "gcc" "CMakeFiles/specavg_lib.dir/src/app/cmd_info.cpp.o.d"
  "/work/wt/estimator/src/app/cmd_predict.cpp" "CMakeFiles/specavg_lib.dir/src/app/cmd_predict.cpp.o" "gcc" "CMakeFiles/specavg_lib.dir/src/app/cmd_predict.cpp.o.d"
  "/work/wt/estimator/src/app/cmd_synth.cpp" "CMakeFiles/specavg_lib.dir/src/app/cmd_synth.cpp.o" "gcc" "CMakeFiles/specavg_lib.dir/src/app/cmd_synth.cpp.o.d"
  "/work/wt/estimator/src/app/cmd_train.cpp" "CMakeFiles/specavg_lib.dir/src/app/cmd_train.cpp.o" "gcc" "CMakeFiles/specavg_lib.dir/src/app/cmd_train.cpp.o.d"
  "/work/wt/estimator/src/app/options.cpp" "CMakeFiles/specavg_lib.dir/src/app/options.cpp.o" "gcc" "CMakeFiles/specavg_lib.dir/src/app/options.cpp.o.d"
  "/work/wt/estimator/src/comm/collective.cpp" "CMakeFiles/specavg_lib.dir/src/comm/collective.cpp.o" "gcc" "CMakeFiles/specavg_lib.dir/src/comm/collective.cpp.o.d"
  "/work/wt/estimator/src/comm/errors.cpp" "CMakeFiles/specavg_lib.dir/src/comm/errors.cpp.o" "gcc" "CMakeFiles/specavg_lib.dir/src/comm/errors.cpp.o.d"
  "/work/wt/estimator/src/io/file_format.cpp" "CMakeFiles/specavg_lib.dir/src/io/file_format.cpp.o" "gcc" "CMakeFiles/specavg_lib.dir/src/io/file_format.cpp.o.d"
  "/work/wt/estimator/src/io/h5_parallel.cpp" "CMakeFiles/specavg_lib.dir/src/io/h5_parallel.cpp.o" "gcc" "CMakeFiles/specavg_lib.dir/src/io/h5_parallel.cpp.o.d"
  "/work/wt/estimator/src/io/h5_row_source.cpp" "CMakeFiles/specavg_lib.dir/src/io/h5_row_source.cpp.o" "gcc" "CMakeFiles/specavg_lib.dir/src/io/h5_row_source.cpp.o.d"
  "/work/wt/estimator/src/io/model_file.cpp" "CMakeFiles/specavg_lib.dir/src/io/model_file.cpp.o" "gcc" "CMakeFiles/specavg_lib.dir/src/io/model_file.cpp.o.d"
  "/work/wt/estimator/src/io/output_path.cpp" "CMakeFiles/specavg_lib.dir/src/io/output_path.cpp.o" "gcc" "CMakeFiles/specavg_lib.dir/src/io/output_path.cpp.o.d"
  "/work/wt/estimator/src/io/row_sink.cpp" "CMakeFiles/specavg_lib.dir/src/io/row_sink.cpp.o" "gcc" "CMakeFiles/specavg_lib.dir/src/io/row_sink.cpp.o.d"
  "/work/wt/estimator/src/io/row_source.cpp" "CMakeFiles/specavg_lib.dir/src/io/row_source.cpp.o" "gcc" "CMakeFiles/specavg_lib.dir/src/io/row_source.cpp.o.d"
  "/work/wt/estimator/src/parallel/bench_support.cpp" "CMakeFiles/specavg_lib.dir/src/parallel/bench_support.cpp.o" "gcc" "CMakeFiles/specavg_lib.dir/src/parallel/bench_support.cpp.o.d"
  "/work/wt/estimator/src/parallel/cross_validation.cpp" "CMakeFiles/specavg_lib.dir/src/parallel/cross_validation.cpp.o" "gcc" "CMakeFiles/specavg_lib.dir/src/parallel/cross_validation.cpp.o.d"
  "/work/wt/estimator/src/parallel/dataset.cpp" "CMakeFiles/specavg_lib.dir/src/parallel/dataset.cpp.o" "gcc" "CMakeFiles/specavg_lib.dir/src/parallel/dataset.cpp.o.d"
  "/work/wt/estimator/src/parallel/distributed_basis.cpp" "CMakeFiles/specavg_lib.dir/src/parallel/distributed_basis.cpp.o" "gcc" "CMakeFiles/specavg_lib.dir/src/parallel/distributed_basis.cpp.o.d"
  "/work/wt/estimator/src/parallel/estimator_training.cpp" "CMakeFiles/specavg_lib.dir/src/parallel/estimator_training.cpp.o" "gcc" "CMakeFiles/specavg_lib.dir/src/parallel/estimator_training.cpp.o.d"
  "/work/wt/estimator/src/parallel/features.cpp" "CMakeFiles/specavg_lib.dir/src/parallel/features.cpp.o" "gcc" "CMakeFiles/specavg_lib.dir/src/parallel/features.cpp.o.d"
  "/work/wt/estimator/src/parallel/invariant_eps.cpp" "CMakeFiles/specavg_lib.dir/src/parallel/invariant_eps.cpp.o" "gcc" "CMakeFiles/specavg_lib.dir/src/parallel/invariant_eps.cpp.o.d"
  "/work/wt/estimator/src/parallel/krr.cpp" "CMakeFiles/specavg_lib.dir/src/parallel/krr.cpp.o" "gcc" "CMakeFiles/specavg_lib.dir/src/parallel/krr.cpp.o.d"
  "/work/wt/estimator/src/parallel/predict.cpp" "CMakeFiles/specavg_lib.dir/src/parallel/predict.cpp.o" "gcc" "CMakeFiles/specavg_lib.dir/src/parallel/predict.cpp.o.d"
  "/work/wt/estimator/src/parallel/reduced_solve.cpp" "CMakeFiles/specavg_lib.dir/src/parallel/reduced_solve.cpp.o" "gcc" "CMakeFiles/specavg_lib.dir/src/parallel/reduced_solve.cpp.o.d"
  "/work/wt/estimator/src/parallel/resource_estimate.cpp" "CMakeFiles/specavg_lib.dir/src/parallel/resource_estimate.cpp.o" "gcc" "CMakeFiles/specavg_lib.dir/src/parallel/resource_estimate.cpp.o.d"
  "/work/wt/estimator/src/parallel/selection_stage.cpp" "CMakeFiles/specavg_lib.dir/src/parallel/selection_stage.cpp.o" "gcc" "CMakeFiles/specavg_lib.dir/src/parallel/selection_stage.cpp.o.d"
  "/work/wt/estimator/src/parallel/synth.cpp" "CMakeFiles/specavg_lib.dir/src/parallel/synth.cpp.o" "gcc" "CMakeFiles/specavg_lib.dir/src/parallel/synth.cpp.o.d"
  "/work/wt/estimator/src/parallel/train.cpp" "CMakeFiles/specavg_lib.dir/src/parallel/train.cpp.o" "gcc" "CMakeFiles/specavg_lib.dir/src/parallel/train.cpp.o.d"
  "/work/wt/estimator/src/parallel/train_select.cpp" "CMakeFiles/specavg_lib.dir/src/parallel/train_select.cpp.o" "gcc" "CMakeFiles/specavg_lib.dir/src/parallel/train_select.cpp.o.d"
  )

# Targets to which this target links.
set(CMAKE_TARGET_LINKED_INFO_FILES
  "/work/wt/estimator/build2/CMakeFiles/specavg_core.dir/DependInfo.cmake"
  )

# Fortran module output directory.
set(CMAKE_Fortran_TARGET_MODULE_DIR "")
