
# Consider dependencies only in project.
set(CMAKE_DEPENDS_IN_PROJECT_ONLY OFF)

# The set of languages for which implicit dependencies are needed:
set(CMAKE_DEPENDS_LANGUAGES
  )

# The set of dependency files which are needed:
set(CMAKE_DEPENDS_DEPENDENCY_FILES
  "/work/wt/estimator/tests/mpi/mpi_test_main.cpp" "tests/CMakeFiles/specavg_mpi_tests.dir/mpi/mpi_test_main.cpp.o" "gcc" "tests/CMakeFiles/specavg_mpi_tests.dir/mpi/mpi_test_main.cpp.o.d"
  "/work/wt/estimator/tests/mpi/test_bench_mpi.cpp" "tests/CMakeFiles/specavg_mpi_tests.dir/mpi/test_bench_mpi.cpp.o" "gcc" "tests/CMakeFiles/specavg_mpi_tests.dir/mpi/test_bench_mpi.cpp.o.d"
  "/work/wt/estimator/tests/mpi/test_h5_ownership_mpi.cpp" "tests/CMakeFiles/specavg_mpi_tests.dir/mpi/test_h5_ownership_mpi.cpp.o" "gcc" "tests/CMakeFiles/specavg_mpi_tests.dir/mpi/test_h5_ownership_mpi.cpp.o.d"
  "/work/wt/estimator/tests/mpi/test_invariant_eps_mpi.cpp" "tests/CMakeFiles/specavg_mpi_tests.dir/mpi/test_invariant_eps_mpi.cpp.o" "gcc" "tests/CMakeFiles/specavg_mpi_tests.dir/mpi/test_invariant_eps_mpi.cpp.o.d"
  "/work/wt/estimator/tests/mpi/test_io_mpi.cpp" "tests/CMakeFiles/specavg_mpi_tests.dir/mpi/test_io_mpi.cpp.o" "gcc" "tests/CMakeFiles/specavg_mpi_tests.dir/mpi/test_io_mpi.cpp.o.d"
  "/work/wt/estimator/tests/mpi/test_krr_mpi.cpp" "tests/CMakeFiles/specavg_mpi_tests.dir/mpi/test_krr_mpi.cpp.o" "gcc" "tests/CMakeFiles/specavg_mpi_tests.dir/mpi/test_krr_mpi.cpp.o.d"
  "/work/wt/estimator/tests/mpi/test_legacy_models_mpi.cpp" "tests/CMakeFiles/specavg_mpi_tests.dir/mpi/test_legacy_models_mpi.cpp.o" "gcc" "tests/CMakeFiles/specavg_mpi_tests.dir/mpi/test_legacy_models_mpi.cpp.o.d"
  "/work/wt/estimator/tests/mpi/test_manifolds_mpi.cpp" "tests/CMakeFiles/specavg_mpi_tests.dir/mpi/test_manifolds_mpi.cpp.o" "gcc" "tests/CMakeFiles/specavg_mpi_tests.dir/mpi/test_manifolds_mpi.cpp.o.d"
  "/work/wt/estimator/tests/mpi/test_pipeline_mpi.cpp" "tests/CMakeFiles/specavg_mpi_tests.dir/mpi/test_pipeline_mpi.cpp.o" "gcc" "tests/CMakeFiles/specavg_mpi_tests.dir/mpi/test_pipeline_mpi.cpp.o.d"
  "/work/wt/estimator/tests/mpi/test_rows_mpi.cpp" "tests/CMakeFiles/specavg_mpi_tests.dir/mpi/test_rows_mpi.cpp.o" "gcc" "tests/CMakeFiles/specavg_mpi_tests.dir/mpi/test_rows_mpi.cpp.o.d"
  "/work/wt/estimator/tests/mpi/test_select_mpi.cpp" "tests/CMakeFiles/specavg_mpi_tests.dir/mpi/test_select_mpi.cpp.o" "gcc" "tests/CMakeFiles/specavg_mpi_tests.dir/mpi/test_select_mpi.cpp.o.d"
  "/work/wt/estimator/tests/mpi/test_train_mpi.cpp" "tests/CMakeFiles/specavg_mpi_tests.dir/mpi/test_train_mpi.cpp.o" "gcc" "tests/CMakeFiles/specavg_mpi_tests.dir/mpi/test_train_mpi.cpp.o.d"
  "/work/wt/estimator/tests/mpi/test_weights_mpi.cpp" "tests/CMakeFiles/specavg_mpi_tests.dir/mpi/test_weights_mpi.cpp.o" "gcc" "tests/CMakeFiles/specavg_mpi_tests.dir/mpi/test_weights_mpi.cpp.o.d"
  )

# Targets to which this target links.
set(CMAKE_TARGET_LINKED_INFO_FILES
  "/work/wt/estimator/build2/CMakeFiles/specavg_lib.dir/DependInfo.cmake"
  "/work/wt/estimator/build2/CMakeFiles/specavg_core.dir/DependInfo.cmake"
  )

# Fortran module output directory.
set(CMAKE_Fortran_TARGET_MODULE_DIR "")
