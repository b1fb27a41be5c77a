# Empty compiler generated dependencies file for specavg_cli_tests.
# This may be replaced when dependencies are built.
