file(REMOVE_RECURSE
  "CMakeFiles/specavg_cli_checks.dir/cli/check_commands.cpp.o"
  "CMakeFiles/specavg_cli_checks.dir/cli/check_commands.cpp.o.d"
  "CMakeFiles/specavg_cli_checks.dir/mpi/mpi_test_main.cpp.o"
  "CMakeFiles/specavg_cli_checks.dir/mpi/mpi_test_main.cpp.o.d"
  "specavg_cli_checks"
  "specavg_cli_checks.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang CXX)
  include(CMakeFiles/specavg_cli_checks.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
