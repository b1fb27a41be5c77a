// GoogleTest main for MPI tests: PETSc/SLEPc initialized around the suite, output from
// rank 0 only, and the exit code agreed on by all ranks.
#include <gtest/gtest.h>
#include <slepcsys.h>

#include "specavg/io/h5_parallel.hpp"
#include "specavg/util/dense_linalg.hpp"

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  if (SlepcInitialize(&argc, &argv, nullptr, nullptr)) return 1;
  specavg::blas_set_threads(1);
  specavg::h5_silence_errors();
  int rank;
  MPI_Comm_rank(PETSC_COMM_WORLD, &rank);
  if (rank != 0) {
    auto& listeners = ::testing::UnitTest::GetInstance()->listeners();
    delete listeners.Release(listeners.default_result_printer());
  }
  int failed = RUN_ALL_TESTS() != 0, any = 0;
  MPI_Allreduce(&failed, &any, 1, MPI_INT, MPI_MAX, PETSC_COMM_WORLD);
  SlepcFinalize();
  return any;
}
