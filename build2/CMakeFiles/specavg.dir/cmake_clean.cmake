file(REMOVE_RECURSE
  "CMakeFiles/specavg.dir/drivers/specavg_main.cpp.o"
  "CMakeFiles/specavg.dir/drivers/specavg_main.cpp.o.d"
  "specavg"
  "specavg.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang CXX)
  include(CMakeFiles/specavg.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
