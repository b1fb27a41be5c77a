# Empty dependencies file for specavg_core.
# This may be replaced when dependencies are built.
