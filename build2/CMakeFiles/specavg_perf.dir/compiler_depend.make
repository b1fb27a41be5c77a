# Empty compiler generated dependencies file for specavg_perf.
# This may be replaced when dependencies are built.
