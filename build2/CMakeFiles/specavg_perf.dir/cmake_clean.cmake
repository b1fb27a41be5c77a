file(REMOVE_RECURSE
  "CMakeFiles/specavg_perf.dir/drivers/perf_kernels.cpp.o"
  "CMakeFiles/specavg_perf.dir/drivers/perf_kernels.cpp.o.d"
  "specavg_perf"
  "specavg_perf.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang CXX)
  include(CMakeFiles/specavg_perf.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
