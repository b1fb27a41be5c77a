# Locates the Debian 12 stack: Open MPI, PETSc/SLEPc 3.18 (pkg-config), parallel HDF5
# (openmpi flavour) and OpenBLAS. Also used by the installed specavgConfig.cmake.
find_package(MPI REQUIRED COMPONENTS C CXX)

find_package(PkgConfig REQUIRED)
set(SPECAVG_PETSC_DIR "/usr/lib/petscdir/petsc3.18/x86_64-linux-gnu-real" CACHE PATH "PETSc installation")
set(SPECAVG_SLEPC_DIR "/usr/lib/slepcdir/slepc3.18/x86_64-linux-gnu-real" CACHE PATH "SLEPc installation")
set(ENV{PKG_CONFIG_PATH} "${SPECAVG_PETSC_DIR}/lib/pkgconfig:${SPECAVG_SLEPC_DIR}/lib/pkgconfig:$ENV{PKG_CONFIG_PATH}")
pkg_check_modules(PETSc REQUIRED IMPORTED_TARGET GLOBAL PETSc>=3.18)
pkg_check_modules(SLEPc REQUIRED IMPORTED_TARGET GLOBAL SLEPc>=3.18)

# Parallel HDF5: PETSc's HDF5 headers need the same (openmpi) flavour.
pkg_check_modules(HDF5MPI IMPORTED_TARGET GLOBAL hdf5-openmpi)
if(HDF5MPI_FOUND)
  if(NOT TARGET specavg_hdf5)
    add_library(specavg_hdf5 INTERFACE IMPORTED GLOBAL)
    target_link_libraries(specavg_hdf5 INTERFACE PkgConfig::HDF5MPI)
  endif()
else()
  set(HDF5_PREFER_PARALLEL TRUE)
  find_package(HDF5 REQUIRED COMPONENTS C)
  if(NOT HDF5_IS_PARALLEL)
    message(FATAL_ERROR "specavg needs a parallel (MPI) HDF5: on Debian install libhdf5-openmpi-dev")
  endif()
  if(NOT TARGET specavg_hdf5)
    add_library(specavg_hdf5 INTERFACE IMPORTED GLOBAL)
    target_include_directories(specavg_hdf5 INTERFACE ${HDF5_C_INCLUDE_DIRS})
    target_link_libraries(specavg_hdf5 INTERFACE ${HDF5_C_LIBRARIES})
  endif()
endif()

# Optimized BLAS/LAPACK: OpenBLAS, never Debian's reference BLAS.
set(BLA_VENDOR OpenBLAS)
find_package(BLAS REQUIRED)
find_package(LAPACK REQUIRED)

# HEALPix sky maps: cfitsio reads and writes the FITS tables, HEALPix C++
# (libhealpix-cxx-dev) gives the pixel centres. Only its include directory and library
# are used: its pkg-config file also adds -fopenmp, which specavg does not need.
pkg_check_modules(CFITSIO REQUIRED cfitsio)
pkg_check_modules(HEALPIXCXX REQUIRED healpix_cxx)
if(NOT TARGET specavg_healpix)
  add_library(specavg_healpix INTERFACE IMPORTED GLOBAL)
  target_include_directories(specavg_healpix INTERFACE ${HEALPIXCXX_INCLUDE_DIRS} ${CFITSIO_INCLUDE_DIRS})
  target_link_libraries(specavg_healpix INTERFACE ${HEALPIXCXX_LINK_LIBRARIES} ${CFITSIO_LINK_LIBRARIES})
endif()

# Spherical-harmonic transforms of gridded S² data (libsharp-dev): generic ring
# geometries, synthesis and adjoint synthesis (parallel/sht_rings.hpp). It is built with
# OpenMP; specavg sets its thread count through libgomp (linked explicitly for that).
pkg_check_modules(LIBSHARP REQUIRED libsharp)
if(NOT TARGET specavg_sharp)
  add_library(specavg_sharp INTERFACE IMPORTED GLOBAL)
  target_include_directories(specavg_sharp INTERFACE ${LIBSHARP_INCLUDE_DIRS})
  target_link_libraries(specavg_sharp INTERFACE ${LIBSHARP_LINK_LIBRARIES} gomp)
endif()

# ScaLAPACK (libscalapack-openmpi-dev, also PETSc's): the owned-row route factors its
# block-cyclic Gram in place with pdpotrf/pdpotrs through BLACS (parallel/scalapack.hpp).
pkg_check_modules(SCALAPACK REQUIRED scalapack-openmpi)
if(NOT TARGET specavg_scalapack)
  add_library(specavg_scalapack INTERFACE IMPORTED GLOBAL)
  target_link_libraries(specavg_scalapack INTERFACE ${SCALAPACK_LINK_LIBRARIES})
endif()

# CF netCDF input/output: Debian's MPI netCDF (libnetcdf-mpi-dev), built on the same
# Open MPI HDF5. Its pkg-config file omits the include directory, and /usr/include/netcdf.h
# belongs to the serial library (linked to the serial HDF5), so the MPI headers are added
# explicitly and first. The serial libnetcdf must never be linked.
pkg_check_modules(NETCDFMPI REQUIRED IMPORTED_TARGET GLOBAL netcdf-mpi)
set(SPECAVG_NETCDF_MPI_INCLUDE "/usr/lib/x86_64-linux-gnu/netcdf/mpi/include" CACHE PATH
  "Directory of the MPI netCDF's netcdf.h and netcdf_par.h")
if(NOT EXISTS "${SPECAVG_NETCDF_MPI_INCLUDE}/netcdf_par.h")
  message(FATAL_ERROR "netcdf_par.h not found in ${SPECAVG_NETCDF_MPI_INCLUDE}: on Debian install libnetcdf-mpi-dev "
                      "or set SPECAVG_NETCDF_MPI_INCLUDE")
endif()
if(NOT TARGET specavg_netcdf)
  add_library(specavg_netcdf INTERFACE IMPORTED GLOBAL)
  target_include_directories(specavg_netcdf BEFORE INTERFACE "${SPECAVG_NETCDF_MPI_INCLUDE}")
  target_link_libraries(specavg_netcdf INTERFACE PkgConfig::NETCDFMPI)
endif()
