file(REMOVE_RECURSE
  "CMakeFiles/specavg_mpi_tests.dir/mpi/mpi_test_main.cpp.o"
  "CMakeFiles/specavg_mpi_tests.dir/mpi/mpi_test_main.cpp.o.d"
  "CMakeFiles/specavg_mpi_tests.dir/mpi/test_bench_mpi.cpp.o"
  "CMakeFiles/specavg_mpi_tests.dir/mpi/test_bench_mpi.cpp.o.d"
  "CMakeFiles/specavg_mpi_tests.dir/mpi/test_h5_ownership_mpi.cpp.o"
  "CMakeFiles/specavg_mpi_tests.dir/mpi/test_h5_ownership_mpi.cpp.o.d"
  "CMakeFiles/specavg_mpi_tests.dir/mpi/test_invariant_eps_mpi.cpp.o"
  "CMakeFiles/specavg_mpi_tests.dir/mpi/test_invariant_eps_mpi.cpp.o.d"
  "CMakeFiles/specavg_mpi_tests.dir/mpi/test_io_mpi.cpp.o"
  "CMakeFiles/specavg_mpi_tests.dir/mpi/test_io_mpi.cpp.o.d"
  "CMakeFiles/specavg_mpi_tests.dir/mpi/test_krr_mpi.cpp.o"
  "CMakeFiles/specavg_mpi_tests.dir/mpi/test_krr_mpi.cpp.o.d"
  "CMakeFiles/specavg_mpi_tests.dir/mpi/test_legacy_models_mpi.cpp.o"
  "CMakeFiles/specavg_mpi_tests.dir/mpi/test_legacy_models_mpi.cpp.o.d"
  "CMakeFiles/specavg_mpi_tests.dir/mpi/test_manifolds_mpi.cpp.o"
  "CMakeFiles/specavg_mpi_tests.dir/mpi/test_manifolds_mpi.cpp.o.d"
  "CMakeFiles/specavg_mpi_tests.dir/mpi/test_pipeline_mpi.cpp.o"
  "CMakeFiles/specavg_mpi_tests.dir/mpi/test_pipeline_mpi.cpp.o.d"
  "CMakeFiles/specavg_mpi_tests.dir/mpi/test_rows_mpi.cpp.o"
  "CMakeFiles/specavg_mpi_tests.dir/mpi/test_rows_mpi.cpp.o.d"
  "CMakeFiles/specavg_mpi_tests.dir/mpi/test_select_mpi.cpp.o"
  "CMakeFiles/specavg_mpi_tests.dir/mpi/test_select_mpi.cpp.o.d"
  "CMakeFiles/specavg_mpi_tests.dir/mpi/test_train_mpi.cpp.o"
  "CMakeFiles/specavg_mpi_tests.dir/mpi/test_train_mpi.cpp.o.d"
  "CMakeFiles/specavg_mpi_tests.dir/mpi/test_weights_mpi.cpp.o"
  "CMakeFiles/specavg_mpi_tests.dir/mpi/test_weights_mpi.cpp.o.d"
  "specavg_mpi_tests"
  "specavg_mpi_tests.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang CXX)
  include(CMakeFiles/specavg_mpi_tests.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
