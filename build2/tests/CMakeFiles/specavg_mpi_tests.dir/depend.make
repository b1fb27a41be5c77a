# Empty dependencies file for specavg_mpi_tests.
# This may be replaced when dependencies are built.
