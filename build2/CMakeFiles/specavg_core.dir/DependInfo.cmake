
# Consider dependencies only in project.
set(CMAKE_DEPENDS_IN_PROJECT_ONLY OFF)

# The set of languages for which implicit dependencies are needed:
set(CMAKE_DEPENDS_LANGUAGES
  )

# The set of dependency files which are needed:
set(CMAKE_DEPENDS_DEPENDENCY_FILES
  "/work/wt/estimator/src/basis/collocation_action.cpp" "CMakeFiles/specavg_core.dir/src/basis/collocation_action.cpp.o" "gcc" "CMakeFiles/specavg_core.dir/src/basis/collocation_action.cpp.o.d"
  "/work/wt/estimator/src/basis/eigen_basis.cpp" "CMakeFiles/specavg_core.dir/src/basis/eigen_basis.cpp.o" "gcc" "CMakeFiles/specavg_core.dir/src/basis/eigen_basis.cpp.o.d"
  "/work/wt/estimator/src/basis/eigenspace_action.cpp" "CMakeFiles/specavg_core.dir/src/basis/eigenspace_action.cpp.o" "gcc" "CMakeFiles/specavg_core.dir/src/basis/eigenspace_action.cpp.o.d"
  "/work/wt/estimator/src/basis/gauss_quadrature.cpp" "CMakeFiles/specavg_core.dir/src/basis/gauss_quadrature.cpp.o" "gcc" "CMakeFiles/specavg_core.dir/src/basis/gauss_quadrature.cpp.o.d"
  "/work/wt/estimator/src/basis/hypersphere_harmonics.cpp" "CMakeFiles/specavg_core.dir/src/basis/hypersphere_harmonics.cpp.o" "gcc" "CMakeFiles/specavg_core.dir/src/basis/hypersphere_harmonics.cpp.o.d"
  "/work/wt/estimator/src/basis/isometry.cpp" "CMakeFiles/specavg_core.dir/src/basis/isometry.cpp.o" "gcc" "CMakeFiles/specavg_core.dir/src/basis/isometry.cpp.o.d"
  "/work/wt/estimator/src/basis/manifold.cpp" "CMakeFiles/specavg_core.dir/src/basis/manifold.cpp.o" "gcc" "CMakeFiles/specavg_core.dir/src/basis/manifold.cpp.o.d"
  "/work/wt/estimator/src/basis/manifold_registry.cpp" "CMakeFiles/specavg_core.dir/src/basis/manifold_registry.cpp.o" "gcc" "CMakeFiles/specavg_core.dir/src/basis/manifold_registry.cpp.o.d"
  "/work/wt/estimator/src/basis/s2_manifold.cpp" "CMakeFiles/specavg_core.dir/src/basis/s2_manifold.cpp.o" "gcc" "CMakeFiles/specavg_core.dir/src/basis/s2_manifold.cpp.o.d"
  "/work/wt/estimator/src/basis/sphere_harmonics.cpp" "CMakeFiles/specavg_core.dir/src/basis/sphere_harmonics.cpp.o" "gcc" "CMakeFiles/specavg_core.dir/src/basis/sphere_harmonics.cpp.o.d"
  "/work/wt/estimator/src/basis/sphere_manifold.cpp" "CMakeFiles/specavg_core.dir/src/basis/sphere_manifold.cpp.o" "gcc" "CMakeFiles/specavg_core.dir/src/basis/sphere_manifold.cpp.o.d"
  "/work/wt/estimator/src/basis/torus_fourier.cpp" "CMakeFiles/specavg_core.dir/src/basis/torus_fourier.cpp.o" "gcc" "CMakeFiles/specavg_core.dir/src/basis/torus_fourier.cpp.o.d"
  "/work/wt/estimator/src/basis/torus_manifold.cpp" "CMakeFiles/specavg_core.dir/src/basis/torus_manifold.cpp.o" "gcc" "CMakeFiles/specavg_core.dir/src/basis/torus_manifold.cpp.o.d"
  "/work/wt/estimator/src/estimate/estimator.cpp" "CMakeFiles/specavg_core.dir/src/estimate/estimator.cpp.o" "gcc" "CMakeFiles/specavg_core.dir/src/estimate/estimator.cpp.o.d"
  "/work/wt/estimator/src/estimate/invariant_estimators.cpp" "CMakeFiles/specavg_core.dir/src/estimate/invariant_estimators.cpp.o" "gcc" "CMakeFiles/specavg_core.dir/src/estimate/invariant_estimators.cpp.o.d"
  "/work/wt/estimator/src/estimate/invariant_features.cpp" "CMakeFiles/specavg_core.dir/src/estimate/invariant_features.cpp.o" "gcc" "CMakeFiles/specavg_core.dir/src/estimate/invariant_features.cpp.o.d"
  "/work/wt/estimator/src/estimate/kernel.cpp" "CMakeFiles/specavg_core.dir/src/estimate/kernel.cpp.o" "gcc" "CMakeFiles/specavg_core.dir/src/estimate/kernel.cpp.o.d"
  "/work/wt/estimator/src/estimate/krr_model.cpp" "CMakeFiles/specavg_core.dir/src/estimate/krr_model.cpp.o" "gcc" "CMakeFiles/specavg_core.dir/src/estimate/krr_model.cpp.o.d"
  "/work/wt/estimator/src/estimate/model.cpp" "CMakeFiles/specavg_core.dir/src/estimate/model.cpp.o" "gcc" "CMakeFiles/specavg_core.dir/src/estimate/model.cpp.o.d"
  "/work/wt/estimator/src/estimate/model_selection.cpp" "CMakeFiles/specavg_core.dir/src/estimate/model_selection.cpp.o" "gcc" "CMakeFiles/specavg_core.dir/src/estimate/model_selection.cpp.o.d"
  "/work/wt/estimator/src/estimate/ridge_path.cpp" "CMakeFiles/specavg_core.dir/src/estimate/ridge_path.cpp.o" "gcc" "CMakeFiles/specavg_core.dir/src/estimate/ridge_path.cpp.o.d"
  "/work/wt/estimator/src/estimate/synthetic_target.cpp" "CMakeFiles/specavg_core.dir/src/estimate/synthetic_target.cpp.o" "gcc" "CMakeFiles/specavg_core.dir/src/estimate/synthetic_target.cpp.o.d"
  "/work/wt/estimator/src/group/coordinate_groups.cpp" "CMakeFiles/specavg_core.dir/src/group/coordinate_groups.cpp.o" "gcc" "CMakeFiles/specavg_core.dir/src/group/coordinate_groups.cpp.o.d"
  "/work/wt/estimator/src/group/group_spec.cpp" "CMakeFiles/specavg_core.dir/src/group/group_spec.cpp.o" "gcc" "CMakeFiles/specavg_core.dir/src/group/group_spec.cpp.o.d"
  "/work/wt/estimator/src/group/invariant_basis.cpp" "CMakeFiles/specavg_core.dir/src/group/invariant_basis.cpp.o" "gcc" "CMakeFiles/specavg_core.dir/src/group/invariant_basis.cpp.o.d"
  "/work/wt/estimator/src/group/monomial_invariants.cpp" "CMakeFiles/specavg_core.dir/src/group/monomial_invariants.cpp.o" "gcc" "CMakeFiles/specavg_core.dir/src/group/monomial_invariants.cpp.o.d"
  "/work/wt/estimator/src/group/point_group.cpp" "CMakeFiles/specavg_core.dir/src/group/point_group.cpp.o" "gcc" "CMakeFiles/specavg_core.dir/src/group/point_group.cpp.o.d"
  "/work/wt/estimator/src/util/counter_rng.cpp" "CMakeFiles/specavg_core.dir/src/util/counter_rng.cpp.o" "gcc" "CMakeFiles/specavg_core.dir/src/util/counter_rng.cpp.o.d"
  "/work/wt/estimator/src/util/dense_linalg.cpp" "CMakeFiles/specavg_core.dir/src/util/dense_linalg.cpp.o" "gcc" "CMakeFiles/specavg_core.dir/src/util/dense_linalg.cpp.o.d"
  "/work/wt/estimator/src/util/failure.cpp" "CMakeFiles/specavg_core.dir/src/util/failure.cpp.o" "gcc" "CMakeFiles/specavg_core.dir/src/util/failure.cpp.o.d"
  "/work/wt/estimator/src/util/sha256.cpp" "CMakeFiles/specavg_core.dir/src/util/sha256.cpp.o" "gcc" "CMakeFiles/specavg_core.dir/src/util/sha256.cpp.o.d"
  )

# Targets to which this target links.
set(CMAKE_TARGET_LINKED_INFO_FILES
  )

# Fortran module output directory.
set(CMAKE_Fortran_TARGET_MODULE_DIR "")
