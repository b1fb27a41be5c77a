file(REMOVE_RECURSE
  "CMakeFiles/specavg_cli_hardening_tests.dir/cli/test_cli_no_hang.cpp.o"
  "CMakeFiles/specavg_cli_hardening_tests.dir/cli/test_cli_no_hang.cpp.o.d"
  "CMakeFiles/specavg_cli_hardening_tests.dir/cli/test_cli_options.cpp.o"
  "CMakeFiles/specavg_cli_hardening_tests.dir/cli/test_cli_options.cpp.o.d"
  "specavg_cli_hardening_tests"
  "specavg_cli_hardening_tests.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang CXX)
  include(CMakeFiles/specavg_cli_hardening_tests.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
