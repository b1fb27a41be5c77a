# Empty dependencies file for specavg.
# This may be replaced when dependencies are built.
