#----------------------------------------------------------------
# Generated CMake target import file for configuration "Release".
#----------------------------------------------------------------

# Commands may need to know the format version.
set(CMAKE_IMPORT_FILE_VERSION 1)

# Import target "specavg::core" for configuration "Release"
set_property(TARGET specavg::core APPEND PROPERTY IMPORTED_CONFIGURATIONS RELEASE)
set_target_properties(specavg::core PROPERTIES
  IMPORTED_LINK_INTERFACE_LANGUAGES_RELEASE "CXX"
  IMPORTED_LOCATION_RELEASE "${_IMPORT_PREFIX}/lib/libspecavg_core.a"
  )

list(APPEND _cmake_import_check_targets specavg::core )
list(APPEND _cmake_import_check_files_for_specavg::core "${_IMPORT_PREFIX}/lib/libspecavg_core.a" )

# Import target "specavg::specavg" for configuration "Release"
set_property(TARGET specavg::specavg APPEND PROPERTY IMPORTED_CONFIGURATIONS RELEASE)
set_target_properties(specavg::specavg PROPERTIES
  IMPORTED_LINK_INTERFACE_LANGUAGES_RELEASE "CXX"
  IMPORTED_LOCATION_RELEASE "${_IMPORT_PREFIX}/lib/libspecavg.a"
  )

list(APPEND _cmake_import_check_targets specavg::specavg )
list(APPEND _cmake_import_check_files_for_specavg::specavg "${_IMPORT_PREFIX}/lib/libspecavg.a" )

# Commands beyond this point should not need to know the version.
set(CMAKE_IMPORT_FILE_VERSION)
