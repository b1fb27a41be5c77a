file(REMOVE_RECURSE
  "CMakeFiles/specavg_cli_tests.dir/cli/test_cli_dataio.cpp.o"
  "CMakeFiles/specavg_cli_tests.dir/cli/test_cli_dataio.cpp.o.d"
  "CMakeFiles/specavg_cli_tests.dir/cli/test_cli_errors.cpp.o"
  "CMakeFiles/specavg_cli_tests.dir/cli/test_cli_errors.cpp.o.d"
  "specavg_cli_tests"
  "specavg_cli_tests.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang CXX)
  include(CMakeFiles/specavg_cli_tests.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
