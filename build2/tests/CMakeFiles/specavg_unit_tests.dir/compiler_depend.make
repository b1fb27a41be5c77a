# Empty compiler generated dependencies file for specavg_unit_tests.
# This may be replaced when dependencies are built.
