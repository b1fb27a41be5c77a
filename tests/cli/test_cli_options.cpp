// Options that tell the truth (issue 10, point 5) and BLAS threads per rank (point 6):
// out-of-range integers are refused before narrowing, non-finite reals are refused,
// unknown options fail before any work, every help flag prints help and runs nothing,
// and the thread count reported per rank follows the environment.
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <string>

#include "cli_run.hpp"
#include "specavg/comm/collective.hpp"

namespace {

using specavg::file_exists;
using namespace specavg_cli;

const std::string kData = "opts_data.h5", kModel = "opts_model.h5", kSynth = "opts_synth.h5";

class Options : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    std::remove(kData.c_str());
    const Job j = run_ranks(2, "synth -n 300 -group Ih -output " + kData);
    ASSERT_EQ(j.code, 0) << j.output;
  }
};

// Refused on every rank (agreed: status 1 each), naming `message`, before any work, and
// leaving no `out`.
void expect_refused(const std::string& args, const std::string& out, const std::vector<std::string>& message) {
  std::remove(out.c_str());
  const Job j = run_ranks(2, args);
  EXPECT_NE(j.code, 0) << args << "\n" << j.output;
  ASSERT_EQ(j.rank_exits.size(), 2u) << j.output;
  for (int c : j.rank_exits) EXPECT_EQ(c, 1) << j.output;
  for (const std::string& m : message) EXPECT_TRUE(contains(j.output, m)) << "expected '" << m << "' in:\n" << j.output;
  EXPECT_FALSE(contains(j.output, "[specavg]")) << "work started:\n" << j.output;
  EXPECT_FALSE(file_exists(out)) << out;
  EXPECT_FALSE(file_exists(out + ".tmp")) << out;
}

const std::string kTrain = "train -data " + kData + " -group Ih -model " + kModel;
const std::string kSynthCmd = "synth -n 50 -group Ih -output " + kSynth;

TEST_F(Options, IntegersAreRangeCheckedBeforeNarrowing) {
  // 4294967306 = 2^32 + 10 and 4294967297 = 2^32 + 1 used to wrap to 10 and 1.
  expect_refused(kTrain + " -lmax 4294967306", kModel, {"-lmax must be an integer between 0 and 8000", "4294967306"});
  expect_refused(kSynthCmd + " -seed 4294967297", kSynth, {"-seed must be an integer between 0 and 2147483647"});
  expect_refused(kSynthCmd + " -seed -1", kSynth, {"-seed must be an integer between 0"});
  expect_refused(kSynthCmd + " -n 12abc", kSynth, {"-n must be an integer", "12abc"});
  expect_refused(kTrain + " -lmax 2.5", kModel, {"-lmax must be an integer"});
}

TEST_F(Options, NonFiniteOrOutOfRangeRealsAreRefused) {
  expect_refused(kTrain + " -tau inf", kModel, {"-tau must be a finite number >= 0", "'inf'"});
  expect_refused(kTrain + " -tau -1e-3", kModel, {"-tau must be a finite number >= 0"});
  expect_refused(kSynthCmd + " -noise inf", kSynth, {"-noise must be a finite number >= 0"});
  expect_refused(kTrain + " -sobolev_s nan", kModel, {"-sobolev_s must be a finite number"});
  expect_refused(kTrain + " -method krr -krr_width 0", kModel, {"-krr_width must be a finite number > 0"});
  expect_refused(kTrain + " -method krr -krr_lambda nan", kModel, {"-krr_lambda must be a finite number"});
  expect_refused(kTrain + " -lambda_max inf", kModel, {"-lambda_max must be a finite number"});
  expect_refused(kTrain + " -basis_null_tol 0", kModel, {"-basis_null_tol must be a finite number in (0, 1]"});
}

TEST_F(Options, UnknownOptionFailsBeforeWorkAndSuggestsTheClosest) {
  expect_refused(kTrain + " -lmx 10", kModel, {"unknown option -lmx", "did you mean -lmax?", "specavg train -help"});
  expect_refused(kSynthCmd + " -nosie 0.1", kSynth, {"unknown option -nosie", "did you mean -noise?"});
  // The default job declares the union of synth, train and eval options, but not predict's.
  expect_refused("-workdir opts_job -n 100 -points x.h5", "opts_job/model.h5", {"unknown option -points"});
}

TEST_F(Options, UnknownOptionIsOnlyAWarningWhenAllowed) {
  std::remove(kModel.c_str());
  const Job j = run_ranks(2, kTrain + " -lmax 6 -lmx 10 -allow_unknown_options");
  EXPECT_EQ(j.code, 0) << j.output;
  EXPECT_TRUE(contains(j.output, "warning: unknown option -lmx")) << j.output;
  EXPECT_TRUE(file_exists(kModel));
  std::remove(kModel.c_str());
}

TEST_F(Options, PetscSolverOptionsPassThrough) {
  std::remove(kModel.c_str());
  const Job j = run_ranks(2, kTrain + " -lmax 6 -reduced_ksp_type cg -reduced_ksp_rtol 1e-12 -log_view :/dev/null");
  EXPECT_EQ(j.code, 0) << j.output;
  EXPECT_TRUE(file_exists(kModel));
  std::remove(kModel.c_str());
}

int count_lines(const std::string& s) {
  int n = 0;
  for (char c : s) n += c == '\n';
  return n;
}

TEST_F(Options, EveryHelpFlagPrintsHelpAndRunsNothing) {
  for (const std::string flag : {"--help", "-h", "-help"}) {
    const Job j = run_ranks(2, "-workdir opts_helpjob " + flag);
    EXPECT_EQ(j.code, 0) << flag << "\n" << j.output;
    EXPECT_TRUE(contains(j.output, "usage: mpiexec -n P specavg")) << j.output;
    EXPECT_TRUE(contains(j.output, "-n_test")) << j.output;
    EXPECT_FALSE(contains(j.output, "[specavg]")) << j.output;
    EXPECT_FALSE(file_exists("opts_helpjob")) << flag << " ran the default job";
    std::filesystem::remove_all("opts_helpjob");
  }
  std::remove(kModel.c_str());
  const Job t = run_ranks(2, kTrain + " -help");
  EXPECT_EQ(t.code, 0) << t.output;
  EXPECT_FALSE(file_exists(kModel));
  EXPECT_TRUE(contains(t.output, "-tau                   <1e-06>")) << t.output;  // name, default, description
  EXPECT_TRUE(contains(t.output, "Ridge penalty tau")) << t.output;
  EXPECT_LT(count_lines(t.output), 80) << t.output;  // specavg's options, not PETSc's hundreds of lines
  const Job p = run_ranks(2, kTrain + " -help_petsc");
  EXPECT_EQ(p.code, 0) << p.output;
  EXPECT_FALSE(file_exists(kModel));
  EXPECT_TRUE(contains(p.output, "-reduced_ksp_type")) << p.output;  // PETSc's own listing
  EXPECT_GT(count_lines(p.output), count_lines(t.output) + 50);
}

// "parallelism  2 rank(s) x T BLAS thread(s) each" -> T (-1 if absent).
int blas_threads_reported(const std::string& out) {
  const std::string key = "rank(s) x ";
  const auto at = out.find(key);
  return at == std::string::npos ? -1 : std::atoi(out.c_str() + at + key.size());
}

TEST_F(Options, OneBlasThreadPerRankUnlessTheEnvironmentSaysOtherwise) {
  // Without binding (Open MPI binds each rank to one core for up to 2 ranks, and OpenBLAS
  // then caps itself at 1), OpenBLAS would start one thread per core.
  const std::string info = "-n 2 --bind-to none " + rank_program("info -group Ih -lmax 4");
  const std::string clean = "-u OPENBLAS_NUM_THREADS -u OMP_NUM_THREADS -u GOTO_NUM_THREADS";
  Job j = run_mpi(info, clean);
  EXPECT_EQ(j.code, 0) << j.output;
  EXPECT_EQ(blas_threads_reported(j.output), 1) << j.output;
  j = run_mpi(info, clean + " OMP_NUM_THREADS=2");
  EXPECT_EQ(blas_threads_reported(j.output), 2) << j.output;
  j = run_mpi(info, clean + " OPENBLAS_NUM_THREADS=2");
  EXPECT_EQ(blas_threads_reported(j.output), 2) << j.output;
  std::remove(kModel.c_str());
  j = run_mpi("-n 2 --bind-to none " + rank_program(kTrain + " -lmax 6"), clean);
  EXPECT_EQ(j.code, 0) << j.output;
  EXPECT_EQ(blas_threads_reported(j.output), 1) << j.output;  // the train report says it too
  std::remove(kModel.c_str());
}

// Every option file in inputs/ is accepted by the unknown-option check (the default-job
// files carry synth, train and eval options): each runs, at a reduced size.
TEST_F(Options, TheShippedOptionFilesRun) {
  struct Case {
    std::string command, overrides, output;
  };
  const std::string bench_small = " -bench_n 100 -bench_seeds 1 -bench_ntest 50 -bench_nval 50 -bench_krr_lambdas 0.5";
  const std::map<std::string, Case> cases = {
      {"default_job.opts", {"", "-n 300 -n_test 100 -lmax 6 -id_points 50 -workdir opts_files_a", "opts_files_a/pred.h5"}},
      {"sphere_sym10.opts",
       {"", "-n 300 -n_test 100 -lmax 2 -id_points 50 -workdir opts_files_b", "opts_files_b/pred.h5"}},
      {"torus_signs_paper.opts",
       {"", "-n 300 -n_test 100 -lambda_max 9.8696044011 -id_points 50 -workdir opts_files_c", "opts_files_c/pred.h5"}},
      {"train_ih_spectral.opts", {"train", "-data " + kData + " -lmax 6 -model opts_files_d.h5", "opts_files_d.h5"}},
      {"train_ridge_cg.opts", {"train", "-data " + kData + " -lmax 6 -model opts_files_e.h5", "opts_files_e.h5"}},
      {"bench_s2.opts",
       {"bench", "-bench_groups D3 -bench_cutoffs 4 -bench_krr_widths 10 -bench_taus 1e-3 -bench_output opts_files_f.csv" +
                     bench_small,
        "opts_files_f.csv"}},
      {"bench_sphere_sym10.opts",
       {"bench", "-bench_cutoffs 2 -bench_krr_widths 10 -bench_taus 1e-3 -bench_output opts_files_g.csv" + bench_small,
        "opts_files_g.csv"}},
      {"paper_torus_signs.opts",
       {"bench", "-bench_cutoffs 9.8696044011 -bench_output opts_files_h.csv" + bench_small, "opts_files_h.csv"}},
      {"wmap_parity.opts", {"train", "-data " + kData + " -lmax 6 -model opts_files_i.h5", "opts_files_i.h5"}},
      {"climate_tas.opts",
       {"train", "-data /usr/share/ncarg/data/nug/tas_rectilinear_grid_2D.nc -lmax 6 -model opts_files_j.h5",
        "opts_files_j.h5"}},
  };
  const std::filesystem::path inputs = std::filesystem::path(SPECAVG_SOURCE_DIR) / "inputs";
  int seen = 0;
  for (const auto& entry : std::filesystem::directory_iterator(inputs)) {
    if (entry.path().extension() != ".opts") continue;
    ++seen;
    const std::string name = entry.path().filename().string();
    const auto it = cases.find(name);
    ASSERT_NE(it, cases.end()) << "inputs/" << name << " has no case in this test: add one";
    const Case& c = it->second;
    std::filesystem::remove_all(c.output);
    const Job j = run_ranks(2, c.command + " -options_file " + entry.path().string() + " " + c.overrides, "", 300);
    EXPECT_EQ(j.code, 0) << name << "\n" << j.output;
    EXPECT_TRUE(file_exists(c.output)) << name << ": " << c.output;
    EXPECT_FALSE(contains(j.output, "unknown option")) << j.output;
    std::filesystem::remove_all(*std::filesystem::path(c.output).begin());
  }
  EXPECT_EQ(seen, int(cases.size()));
}

}  // namespace
