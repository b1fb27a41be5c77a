include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

install(TARGETS specavg_core specavg_lib EXPORT specavgTargets
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
  RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(TARGETS specavg specavg_perf RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(DIRECTORY include/specavg DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})

set(SPECAVG_CMAKE_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/specavg)
install(EXPORT specavgTargets NAMESPACE specavg:: DESTINATION ${SPECAVG_CMAKE_DIR})
configure_package_config_file(cmake/specavgConfig.cmake.in
  ${CMAKE_CURRENT_BINARY_DIR}/specavgConfig.cmake INSTALL_DESTINATION ${SPECAVG_CMAKE_DIR})
write_basic_package_version_file(${CMAKE_CURRENT_BINARY_DIR}/specavgConfigVersion.cmake
  COMPATIBILITY SameMinorVersion)
install(FILES ${CMAKE_CURRENT_BINARY_DIR}/specavgConfig.cmake
  ${CMAKE_CURRENT_BINARY_DIR}/specavgConfigVersion.cmake
  cmake/SpecavgDependencies.cmake DESTINATION ${SPECAVG_CMAKE_DIR})
