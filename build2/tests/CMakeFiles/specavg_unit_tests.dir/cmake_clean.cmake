file(REMOVE_RECURSE
  "CMakeFiles/specavg_unit_tests.dir/unit/test_coordinate_groups.cpp.o"
  "CMakeFiles/specavg_unit_tests.dir/unit/test_coordinate_groups.cpp.o.d"
  "CMakeFiles/specavg_unit_tests.dir/unit/test_estimator_registry.cpp.o"
  "CMakeFiles/specavg_unit_tests.dir/unit/test_estimator_registry.cpp.o.d"
  "CMakeFiles/specavg_unit_tests.dir/unit/test_hypersphere_harmonics.cpp.o"
  "CMakeFiles/specavg_unit_tests.dir/unit/test_hypersphere_harmonics.cpp.o.d"
  "CMakeFiles/specavg_unit_tests.dir/unit/test_invariant_basis.cpp.o"
  "CMakeFiles/specavg_unit_tests.dir/unit/test_invariant_basis.cpp.o.d"
  "CMakeFiles/specavg_unit_tests.dir/unit/test_kernels.cpp.o"
  "CMakeFiles/specavg_unit_tests.dir/unit/test_kernels.cpp.o.d"
  "CMakeFiles/specavg_unit_tests.dir/unit/test_manifold_interface.cpp.o"
  "CMakeFiles/specavg_unit_tests.dir/unit/test_manifold_interface.cpp.o.d"
  "CMakeFiles/specavg_unit_tests.dir/unit/test_manifold_invariants.cpp.o"
  "CMakeFiles/specavg_unit_tests.dir/unit/test_manifold_invariants.cpp.o.d"
  "CMakeFiles/specavg_unit_tests.dir/unit/test_model_selection.cpp.o"
  "CMakeFiles/specavg_unit_tests.dir/unit/test_model_selection.cpp.o.d"
  "CMakeFiles/specavg_unit_tests.dir/unit/test_point_group.cpp.o"
  "CMakeFiles/specavg_unit_tests.dir/unit/test_point_group.cpp.o.d"
  "CMakeFiles/specavg_unit_tests.dir/unit/test_point_group_names.cpp.o"
  "CMakeFiles/specavg_unit_tests.dir/unit/test_point_group_names.cpp.o.d"
  "CMakeFiles/specavg_unit_tests.dir/unit/test_ridge_path.cpp.o"
  "CMakeFiles/specavg_unit_tests.dir/unit/test_ridge_path.cpp.o.d"
  "CMakeFiles/specavg_unit_tests.dir/unit/test_sha256.cpp.o"
  "CMakeFiles/specavg_unit_tests.dir/unit/test_sha256.cpp.o.d"
  "CMakeFiles/specavg_unit_tests.dir/unit/test_sphere_harmonics.cpp.o"
  "CMakeFiles/specavg_unit_tests.dir/unit/test_sphere_harmonics.cpp.o.d"
  "CMakeFiles/specavg_unit_tests.dir/unit/test_torus_fourier.cpp.o"
  "CMakeFiles/specavg_unit_tests.dir/unit/test_torus_fourier.cpp.o.d"
  "specavg_unit_tests"
  "specavg_unit_tests.pdb"
  "specavg_unit_tests[1]_tests.cmake"
)

# Per-language clean rules from dependency scanning.
foreach(lang CXX)
  include(CMakeFiles/specavg_unit_tests.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
