# CMake generated Testfile for 
# Source directory: /work/wt/estimator
# Build directory: /work/wt/estimator/build2
# 
# This file includes the relevant testing commands required for 
# testing this directory and lists subdirectories to be tested as well.
subdirs("tests")
