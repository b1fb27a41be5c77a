# Empty dependencies file for specavg_lib.
# This may be replaced when dependencies are built.
