
# Consider dependencies only in project.
set(CMAKE_DEPENDS_IN_PROJECT_ONLY OFF)

# The set of languages for which implicit dependencies are needed:
set(CMAKE_DEPENDS_LANGUAGES
  )

# The set of dependency files which are needed:
set(CMAKE_DEPENDS_DEPENDENCY_FILES
  "/work/wt/estimator/tests/unit/test_coordinate_groups.cpp" "tests/CMakeFiles/specavg_unit_tests.dir/unit/test_coordinate_groups.cpp.o" "gcc" "tests/CMakeFiles/specavg_unit_tests.dir/unit/test_coordinate_groups.cpp.o.d"
  "/work/wt/estimator/tests/unit/test_estimator_registry.cpp" "tests/CMakeFiles/specavg_unit_tests.dir/unit/test_estimator_registry.cpp.o" "gcc" "tests/CMakeFiles/specavg_unit_tests.dir/unit/test_estimator_registry.cpp.o.d"
  "/work/wt/estimator/tests/unit/test_hypersphere_harmonics.cpp" "tests/CMakeFiles/specavg_unit_tests.dir/unit/test_hypersphere_harmonics.cpp.o" "gcc" "tests/CMakeFiles/specavg_unit_tests.dir/unit/test_hypersphere_harmonics.cpp.o.d"
  "/work/wt/estimator/tests/unit/test_invariant_basis.cpp" "tests/CMakeFiles/specavg_unit_tests.dir/unit/test_invariant_basis.cpp.o" "gcc" "tests/CMakeFiles/specavg_unit_tests.dir/unit/test_invariant_basis.cpp.o.d"
  "/work/wt/estimator/tests/unit/test_kernels.cpp" "tests/CMakeFiles/specavg_unit_tests.dir/unit/test_kernels.cpp.o" "gcc" "tests/CMakeFiles/specavg_unit_tests.dir/unit/test_kernels.cpp.o.d"
  "/work/wt/estimator/tests/unit/test_manifold_interface.cpp" "tests/CMakeFiles/specavg_unit_tests.dir/unit/test_manifold_interface.cpp.o" "gcc" "tests/CMakeFiles/specavg_unit_tests.dir/unit/test_manifold_interface.cpp.o.d"
  "/work/wt/estimator/tests/unit/test_manifold_invariants.cpp" "tests/CMakeFiles/specavg_unit_tests.dir/unit/test_manifold_invariants.cpp.o" "gcc" "tests/CMakeFiles/specavg_unit_tests.dir/unit/test_manifold_invariants.cpp.o.d"
  "/work/wt/estimator/tests/unit/test_model_selection.cpp" "tests/CMakeFiles/specavg_unit_tests.dir/unit/test_model_selection.cpp.o" "gcc" "tests/CMakeFiles/specavg_unit_tests.dir/unit/test_model_selection.cpp.o.d"
  "/work/wt/estimator/tests/unit/test_point_group.cpp" "tests/CMakeFiles/specavg_unit_tests.dir/unit/test_point_group.cpp.o" "gcc" "tests/CMakeFiles/specavg_unit_tests.dir/unit/test_point_group.cpp.o.d"
  "/work/wt/estimator/tests/unit/test_point_group_names.cpp" "tests/CMakeFiles/specavg_unit_tests.dir/unit/test_point_group_names.cpp.o" "gcc" "tests/CMakeFiles/specavg_unit_tests.dir/unit/test_point_group_names.cpp.o.d"
  "/work/wt/estimator/tests/unit/test_ridge_path.cpp" "tests/CMakeFiles/specavg_unit_tests.dir/unit/test_ridge_path.cpp.o" "gcc" "tests/CMakeFiles/specavg_unit_tests.dir/unit/test_ridge_path.cpp.o.d"
  "/work/wt/estimator/tests/unit/test_sha256.cpp" "tests/CMakeFiles/specavg_unit_tests.dir/unit/test_sha256.cpp.o" "gcc" "tests/CMakeFiles/specavg_unit_tests.dir/unit/test_sha256.cpp.o.d"
  "/work/wt/estimator/tests/unit/test_sphere_harmonics.cpp" "tests/CMakeFiles/specavg_unit_tests.dir/unit/test_sphere_harmonics.cpp.o" "gcc" "tests/CMakeFiles/specavg_unit_tests.dir/unit/test_sphere_harmonics.cpp.o.d"
  "/work/wt/estimator/tests/unit/test_torus_fourier.cpp" "tests/CMakeFiles/specavg_unit_tests.dir/unit/test_torus_fourier.cpp.o" "gcc" "tests/CMakeFiles/specavg_unit_tests.dir/unit/test_torus_fourier.cpp.o.d"
  )

# Targets to which this target links.
set(CMAKE_TARGET_LINKED_INFO_FILES
  "/work/wt/estimator/build2/CMakeFiles/specavg_core.dir/DependInfo.cmake"
  )

# Fortran module output directory.
set(CMAKE_Fortran_TARGET_MODULE_DIR "")
