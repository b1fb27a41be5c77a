# Empty dependencies file for specavg_cli_hardening_tests.
# This may be replaced when dependencies are built.
