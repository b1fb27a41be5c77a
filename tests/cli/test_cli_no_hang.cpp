// No failure may hang a parallel run (issue 10, point 1). A failure is injected on one rank
// only (SPECAVG_INJECT_FAILURE=<site>:<rank>, see util/failure.hpp), or one rank runs under
// a memory limit; every rank must then exit non-zero within 30 s, the message must be
// printed, and no output file (final or temporary) may be left.
#include <gtest/gtest.h>

#include <cstdio>
#include <string>

#include "cli_run.hpp"
#include "specavg/comm/collective.hpp"

namespace {

using specavg::file_exists;
using namespace specavg_cli;

const std::string kData = "nohang_data.h5";

class NoHang : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    std::remove(kData.c_str());
    const Job j = run_ranks(2, "synth -n 400 -group Oh -output " + kData);
    ASSERT_EQ(j.code, 0) << j.output;
  }
};

void expect_no_output(const std::string& path) {
  EXPECT_FALSE(file_exists(path)) << path;
  EXPECT_FALSE(file_exists(path + ".tmp")) << path << ".tmp";
}

// The job ended in time, with a non-zero status on every rank and `message` printed.
void expect_failed_in_time(const Job& j, const std::string& message) {
  EXPECT_NE(j.code, 0) << j.output;
  EXPECT_NE(j.code, 124) << "timed out (hang):\n" << j.output;
  EXPECT_LT(j.seconds, 30.0) << j.output;
  EXPECT_TRUE(contains(j.output, message)) << "expected '" << message << "' in:\n" << j.output;
  for (int code : j.rank_exits) EXPECT_NE(code, 0) << j.output;
}

// An agreed failure: every rank exited by itself with status 1, one message.
void expect_agreed(const Job& j, int np) {
  ASSERT_EQ(j.rank_exits.size(), std::size_t(np)) << j.output;
  for (int code : j.rank_exits) EXPECT_EQ(code, 1);
  EXPECT_FALSE(contains(j.output, "MPI_ABORT")) << j.output;
}

const std::string kTrain = "train -data " + kData + " -group Oh -lmax 10 -model nohang_model.h5";

TEST_F(NoHang, AllocationFailureOnOneRankAbortsWithAnOutOfMemoryMessage) {
  std::remove("nohang_model.h5");
  const Job j = run_ranks(2, kTrain, "SPECAVG_INJECT_FAILURE=alloc:1");
  expect_failed_in_time(j, "error on rank 1: out of memory: cannot allocate an injected test allocation");
  EXPECT_TRUE(contains(j.output, "-reduced_ksp_type cg")) << j.output;  // what reduces memory
  EXPECT_FALSE(contains(j.output, "terminate called")) << j.output;    // never a backtrace
  EXPECT_FALSE(contains(j.output, "PETSC ERROR")) << j.output;
  expect_no_output("nohang_model.h5");
}

TEST_F(NoHang, AllocationFailureInSynthOnTheLastRank) {
  std::remove("nohang_synth.h5");
  const Job j = run_ranks(3, "synth -n 300 -group Ih -output nohang_synth.h5", "SPECAVG_INJECT_FAILURE=alloc:2");
  expect_failed_in_time(j, "error on rank 2: out of memory");
  expect_no_output("nohang_synth.h5");
}

TEST_F(NoHang, BasisFailureOnOneRankIsAgreed) {
  std::remove("nohang_model.h5");
  const Job j = run_ranks(2, kTrain, "SPECAVG_INJECT_FAILURE=basis:1");
  expect_failed_in_time(j, "injected failure at site 'basis'");
  expect_agreed(j, 2);
  expect_no_output("nohang_model.h5");
}

TEST_F(NoHang, ParallelWriterFailureOnOneRankRemovesTheTemporary) {
  std::remove("nohang_synth.h5");
  const Job j = run_ranks(3, "synth -n 300 -group Ih -output nohang_synth.h5", "SPECAVG_INJECT_FAILURE=writer:1");
  expect_failed_in_time(j, "error on rank 1: injected failure at site 'writer'");
  expect_no_output("nohang_synth.h5");
}

TEST_F(NoHang, ModelWriterFailureIsAgreed) {
  std::remove("nohang_model.h5");
  const Job j = run_ranks(2, kTrain, "SPECAVG_INJECT_FAILURE=writer:0");
  expect_failed_in_time(j, "writing model 'nohang_model.h5' failed: injected failure at site 'writer'");
  expect_agreed(j, 2);
  expect_no_output("nohang_model.h5");
}

TEST_F(NoHang, InternalErrorShowsThePetscTraceback) {
  std::remove("nohang_model.h5");
  const Job j = run_ranks(2, kTrain, "SPECAVG_INJECT_FAILURE=internal:1");
  expect_failed_in_time(j, "error on rank 1: injected failure at site 'internal'");
  EXPECT_TRUE(contains(j.output, "PETSC ERROR")) << j.output;
  expect_no_output("nohang_model.h5");
}

// The reproduction: one rank of two runs out of memory (ulimit -v) while
// enumerating Sym(9) for the bumps target; the other goes on to a collective call.
TEST_F(NoHang, OneRankUnderAMemoryLimit) {
  std::remove("nohang_oom.h5");
  const std::string args =
      "synth -manifold sphere -dim 9 -group Sym -target bumps -max_group_order 400000 -n 20 -output nohang_oom.h5";
  const Job j = run_mpi("-n 1 " + rank_program(args) + " : -n 1 " + rank_program(args, "ulimit -v 500000;"));
  expect_failed_in_time(j, "out of memory");
  EXPECT_FALSE(contains(j.output, "terminate called")) << j.output;
  expect_no_output("nohang_oom.h5");
}

}  // namespace
