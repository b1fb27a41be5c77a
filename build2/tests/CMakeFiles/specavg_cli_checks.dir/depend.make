# Empty dependencies file for specavg_cli_checks.
# This may be replaced when dependencies are built.
