// Bad input through the real command line (mpiexec -n 2 specavg ...): each case must
// exit non-zero, name the problem, and leave no output file (final or temporary).
#include <gtest/gtest.h>
#include <hdf5.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <limits>
#include <string>
#include <vector>

#include "cli_util.hpp"
#include "specavg/comm/collective.hpp"

namespace {

using namespace specavg::cli;

Dataset values(int n, double fill = 0.5) {
  return {"values", {hsize_t(n)}, std::vector<double>(n, fill)};
}

void expect_rejected(const std::string& args, const std::string& out, const std::string& message) {
  std::remove(out.c_str());
  const RunResult r = run_specavg(args);
  EXPECT_NE(r.code, 0) << args << "\n" << r.output;
  EXPECT_NE(r.output.find(message), std::string::npos) << "expected '" << message << "' in:\n" << r.output;
  EXPECT_FALSE(specavg::file_exists(out)) << out;
  EXPECT_FALSE(specavg::file_exists(out + ".tmp")) << out;
}

class CliErrors : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    const int n = 200;
    write_h5("cli_good.h5", {sphere_points(n), values(n)});
    write_h5("cli_novalues.h5", {sphere_points(n)});
    Dataset p2{"points", {hsize_t(n), 2}, std::vector<double>(2 * n, 0.5)};
    write_h5("cli_shape.h5", {p2, values(n)});
    Dataset nan = values(n);
    nan.data[137] = std::numeric_limits<double>::quiet_NaN();
    write_h5("cli_nan.h5", {sphere_points(n), nan});
    Dataset off = sphere_points(n);
    off.data[3 * 150] *= 1.01;
    write_h5("cli_offsphere.h5", {off, values(n)});
    write_h5("cli_rows.h5", {sphere_points(n), values(n - 1)});
    write_h5("cli_gen_scaled.h5", {{"generators", {1, 3, 3}, {1.1, 0, 0, 0, 1, 0, 0, 0, 1}}});
    write_h5("cli_gen_nan.h5",
             {{"generators", {1, 3, 3}, {1, 0, 0, 0, std::numeric_limits<double>::infinity(), 0, 0, 0, 1}}});
    write_h5("cli_gen_shape.h5", {{"generators", {2, 9}, std::vector<double>(18, 0.0)}});
    // Hypersphere and torus inputs (d = 4).
    Dataset p4{"points", {hsize_t(n), 4}, {}};
    for (int i = 0; i < n; ++i) {
      const double a = 0.1 * i, b = 0.37 * i, h = std::sqrt(0.5);
      p4.data.insert(p4.data.end(), {h * std::cos(a), h * std::sin(a), h * std::cos(b), h * std::sin(b)});
    }
    write_h5("cli_s3.h5", {p4, values(n)});
    Dataset t4 = p4;
    t4.data[4 * 17 + 2] = 1.25;
    write_h5("cli_t4_outside.h5", {t4, values(n)});
    std::vector<double> scaled4(16, 0.0), rot4(16, 0.0);
    for (int i = 0; i < 4; ++i) scaled4[5 * i] = rot4[5 * i] = 1.0;
    scaled4[0] = 1.2;
    const double c = std::cos(0.3), s = std::sin(0.3);
    rot4[0] = c, rot4[1] = -s, rot4[4] = s, rot4[5] = c;  // orthogonal, but not a signed permutation
    write_h5("cli_gen4_scaled.h5", {{"generators", {1, 4, 4}, scaled4}});
    write_h5("cli_gen4_rot.h5", {{"generators", {1, 4, 4}, rot4}});
    write_h5("cli_gen4_shift.h5", {{"generators", {1, 4, 4}, rot4}, {"shifts", {1, 4}, {0.5, 0, 0, 0}}});
    std::vector<double> swap4(16, 0.0);  // (x_1, x_0, x_2, x_3): a signed permutation
    swap4[1] = swap4[4] = swap4[10] = swap4[15] = 1.0;
    write_h5("cli_gen4_swap03.h5", {{"generators", {1, 4, 4}, swap4}, {"shifts", {1, 4}, {0.3, 0.3, 0, 0}}});
  }
};

const std::string kModel = "cli_out_model.h5";

TEST_F(CliErrors, GoodInputTrainsAndWritesTheModel) {
  std::remove(kModel.c_str());
  const RunResult r = run_specavg("train -data cli_good.h5 -group Oh -lmax 8 -model " + kModel);
  EXPECT_EQ(r.code, 0) << r.output;
  EXPECT_TRUE(specavg::file_exists(kModel));
  std::remove(kModel.c_str());
}

// `specavg train` on `data` (group I_h) must be rejected with `message`.
void expect_training_rejected(const std::string& data, const std::string& message) {
  expect_rejected("train -data " + data + " -group Ih -model " + kModel, kModel, message);
}

TEST_F(CliErrors, MissingFile) {
  expect_training_rejected("cli_missing.h5", "does not exist");
}
TEST_F(CliErrors, MissingDataset) {
  expect_training_rejected("cli_novalues.h5", "no dataset 'values'");
}
TEST_F(CliErrors, WrongShape) {
  expect_training_rejected("cli_shape.h5", "must have shape (n, 3)");
  expect_training_rejected("cli_rows.h5", "'values'");
}
TEST_F(CliErrors, NaNValue) {
  expect_training_rejected("cli_nan.h5", "non-finite value");
}
TEST_F(CliErrors, OffSpherePoint) {
  expect_training_rejected("cli_offsphere.h5", "off the unit sphere");
}
TEST_F(CliErrors, NonOrthogonalGenerator) {
  expect_rejected("train -data cli_good.h5 -group_file cli_gen_scaled.h5 -model " + kModel, kModel, "not orthogonal");
  expect_rejected("train -data cli_good.h5 -group_file cli_gen_nan.h5 -model " + kModel, kModel, "non-finite");
  expect_rejected("train -data cli_good.h5 -group_file cli_gen_shape.h5 -model " + kModel, kModel, "(m, 3, 3)");
}
TEST_F(CliErrors, UnknownGroupSpec) {
  expect_rejected("train -data cli_good.h5 -group C6,Q7 -model " + kModel, kModel, "unknown group");
  expect_rejected("synth -n 100 -group Q7 -output cli_out_synth.h5", "cli_out_synth.h5", "unknown group");
}
TEST_F(CliErrors, UnknownOptionValue) {
  expect_rejected("train -data cli_good.h5 -group Ih -estimator lasso -model " + kModel, kModel, "unknown -estimator");
}
TEST_F(CliErrors, PredictWithMissingModel) {
  expect_rejected("predict -model cli_nomodel.h5 -points cli_good.h5 -output cli_out_pred.h5", "cli_out_pred.h5",
                  "does not exist");
}
TEST_F(CliErrors, UnwritableOutputFailsBeforeTraining) {
  // Missing directories are created; a path through a regular file cannot be.
  expect_rejected("train -data cli_good.h5 -group Ih -model cli_good.h5/model.h5", "cli_good.h5/model.h5",
                  "cannot write -model");
}
TEST_F(CliErrors, HypersphereAndTorusInput) {
  const std::string s3 = "train -data cli_s3.h5 -manifold sphere -lmax 4 -model " + kModel;
  const std::string t4 = "train -manifold torus -nbasis 50 -model " + kModel;
  expect_rejected(s3 + " -group_file cli_gen4_scaled.h5", kModel, "not orthogonal");
  expect_rejected(s3 + " -group_file cli_gen4_shift.h5", kModel, "carry no shift");
  expect_rejected(s3 + " -group_file cli_gen_scaled.h5", kModel, "(m, 4, 4)");
  expect_rejected(s3 + " -group Ih", kModel, "needs -dim 3");
  expect_rejected(s3 + " -group Sym -dim 5", kModel, "must have shape (n, 5)");
  expect_rejected(t4 + " -data cli_s3.h5 -group_file cli_gen4_rot.h5", kModel, "signed permutation");
  expect_rejected(t4 + " -data cli_t4_outside.h5 -group Signs", kModel, "outside the torus");
  expect_rejected("train -manifold torus -data cli_s3.h5 -group Sym -lmax 3 -model " + kModel, kModel,
                  "does not apply to the torus");
  expect_rejected("train -manifold ball -data cli_s3.h5 -group Sym -model " + kModel, kModel, "unknown -manifold");
  expect_rejected(s3 + " -group Sym -basis_method qr", kModel, "unknown -basis_method");
  expect_rejected(s3 + " -group Sym -dim 4 -basis_method wigner", kModel, "-basis_method wigner needs");
  expect_rejected(s3 + " -group_file cli_gen4_rot.h5 -basis_method ring", kModel, "-basis_method ring needs");
  // On the torus the ring route needs shifts in multiples of 1/2 (0.3 mixes cos and sin).
  expect_rejected(t4 + " -data cli_s3.h5 -group_file cli_gen4_swap03.h5 -basis_method ring", kModel,
                  "-basis_method ring needs");
  expect_rejected(s3 + " -group Sym -lmax 3 -nbasis 20", kModel, "only one of -lmax, -lambda_max and -nbasis");
  expect_rejected("synth -manifold torus -dim 4 -group Sym -target paper -n 10 -output cli_out_synth.h5",
                  "cli_out_synth.h5", "not invariant under generator");
  expect_rejected("synth -manifold torus -group Sym -n 10 -output cli_out_synth.h5", "cli_out_synth.h5",
                  "-dim is required");
}
TEST_F(CliErrors, UnknownSubcommand) {
  const RunResult r = run_specavg("trian -data cli_good.h5");
  EXPECT_NE(r.code, 0);
  EXPECT_NE(r.output.find("unknown subcommand"), std::string::npos) << r.output;
}

TEST_F(CliErrors, KernelRidgeInfeasibleOrInvalid) {
  // krr-aug under Ih: n |G| = 200 · 120 = 24000 rows > -krr_max_rows 1000.
  expect_rejected("train -method krr-aug -data cli_good.h5 -group Ih -krr_max_rows 1000 -model " + kModel, kModel,
                  "kernel matrix");
  // krr-ga must enumerate Sym(10), |G| = 10! = 3628800 > the default -max_group_order 1e5.
  const int n = 50;
  Dataset p10{"points", {hsize_t(n), 10}, std::vector<double>(10 * n, 0.0)};
  for (int i = 0; i < n; ++i) {  // (cos a, sin a) in a pair of coordinates that varies with i
    const double a = 0.37 * i;
    p10.data[10 * i + i % 10] = std::cos(a);
    p10.data[10 * i + (i + 3) % 10] = std::sin(a);
  }
  write_h5("cli_s9.h5", {p10, values(n)});
  expect_rejected("train -method krr-ga -data cli_s9.h5 -manifold sphere -dim 10 -group Sym -model " + kModel, kModel,
                  "|G| = 3628800 (Sym) exceeds -max_group_order");
  expect_rejected("train -method bogus -data cli_good.h5 -group Ih -model " + kModel, kModel, "unknown -method");
  // The vmf kernel lives on spheres; the message points to vonmises on the torus.
  expect_rejected("train -method krr -manifold torus -data cli_s3.h5 -group Signs -krr_kernel vmf -model " + kModel,
                  kModel, "vonmises");
  expect_rejected("train -method krr -data cli_good.h5 -group Ih -krr_kernel gauss -model " + kModel, kModel,
                  "unknown -krr_kernel");
}

double seconds() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

// Jobs whose estimated peak memory exceeds what is available are refused within seconds,
// before the basis or the Gram matrix is allocated (issue 10: C1 at lmax 400 needs a
// 160801² Gram matrix; Oh at lmax 2000 ~83000² after minutes of basis work).
TEST_F(CliErrors, DoomedJobsAreRefusedBeforeTheWork) {
  write_h5("cli_50.h5", {sphere_points(50), values(50)});
  for (const std::string job : {"-group C1 -lmax 400", "-group Oh -lmax 2000", "-group Ih -lmax 30 -max_memory_gib 1e-4"}) {
    const double t0 = seconds();
    expect_rejected("train -data cli_50.h5 " + job + " -model " + kModel, kModel, "would need about");
    EXPECT_LT(seconds() - t0, 30.0) << job;
  }
  expect_rejected("train -data cli_50.h5 -group C1 -lmax 400 -model " + kModel, kModel, "-lmax");
  expect_rejected("train -data cli_50.h5 -group Ih -lmax 30 -max_memory_gib 1e-4 -model " + kModel, kModel,
                  "-max_memory_gib");
  // info reports the estimate and does not start a basis above its time limit (with the
  // Wigner route Oh at lmax 2000 takes ~45 s on 2 ranks, under the default 60 s).
  const double t0 = seconds();
  const RunResult r = run_specavg("info -group Oh -lmax 2000 -n 50 -max_basis_seconds 10");
  EXPECT_EQ(r.code, 0) << r.output;
  EXPECT_LT(seconds() - t0, 30.0);
  EXPECT_NE(r.output.find("estimate"), std::string::npos) << r.output;
}

TEST_F(CliErrors, ShtFeaturesOnScatteredPointsAreRefused) {
  // The grid path needs a HEALPix map or a lat/lon grid: scattered points are refused
  // (status 1, no model), for train and for predict; a bad -features value names the choices.
  expect_rejected("train -data cli_good.h5 -group Cs -lmax 6 -estimator spectral -features sht -model " + kModel, kModel,
                  "-features sht cannot be used: the data are scattered points");
  expect_rejected("train -data cli_good.h5 -group Cs -lmax 6 -features fft -model " + kModel, kModel,
                  "expected pointwise, sht or auto");
  const RunResult r = run_specavg("train -data cli_good.h5 -group Cs -lmax 6 -estimator spectral -model " + kModel);
  ASSERT_EQ(r.code, 0) << r.output;
  const std::string pred = "cli_sht_pred.h5";
  expect_rejected("predict -model " + kModel + " -points cli_good.h5 -features sht -output " + pred, pred,
                  "-features sht cannot be used: the points are scattered");
}

TEST_F(CliErrors, IllPosedFitIsRefused) {
  // C1 at lmax 16: D_inv = 289 features for 200 points, no regularization.
  expect_rejected("train -data cli_good.h5 -group C1 -lmax 16 -tau 0 -model " + kModel, kModel, "ill-posed fit");
  expect_rejected("train -data cli_good.h5 -group C1 -lmax 16 -tau 0 -model " + kModel, kModel, "n/D_inv = 0.692");
}

TEST_F(CliErrors, BasisFromMustMatch) {
  const std::string base = "cli_basis_model.h5";
  std::remove(base.c_str());
  RunResult r = run_specavg("train -data cli_good.h5 -group Oh -lmax 8 -model " + base);
  ASSERT_EQ(r.code, 0) << r.output;
  r = run_specavg("train -data cli_good.h5 -group Oh -lmax 8 -basis_from " + base + " -model " + kModel);
  EXPECT_EQ(r.code, 0) << r.output;
  EXPECT_TRUE(specavg::file_exists(kModel));
  std::remove(kModel.c_str());
  expect_rejected("train -data cli_good.h5 -group Ih -lmax 8 -basis_from " + base + " -model " + kModel, kModel,
                  "the group");
  expect_rejected("train -data cli_good.h5 -group Oh -lmax 9 -basis_from " + base + " -model " + kModel, kModel,
                  "the cutoff");
  std::remove(base.c_str());
}

// Plain KRR does not use the group, so it needs none; the model predicts and describes.
TEST_F(CliErrors, PlainKrrNeedsNoGroup) {
  std::remove(kModel.c_str());
  RunResult r = run_specavg("train -method krr -data cli_good.h5 -model " + kModel);
  ASSERT_EQ(r.code, 0) << r.output;
  ASSERT_TRUE(specavg::file_exists(kModel));
  r = run_specavg("info -model " + kModel);
  EXPECT_EQ(r.code, 0) << r.output;
  const std::string pred = "cli_out_pred_krr.h5";
  std::remove(pred.c_str());
  r = run_specavg("predict -model " + kModel + " -points cli_good.h5 -output " + pred);
  EXPECT_EQ(r.code, 0) << r.output;
  EXPECT_TRUE(specavg::file_exists(pred));
  r = run_specavg("eval -model " + kModel + " -data cli_good.h5");
  EXPECT_EQ(r.code, 0) << r.output;
  // The other kernel-ridge variants still need the group they average over.
  expect_rejected("train -method krr-ga -data cli_good.h5 -model cli_out_ga.h5", "cli_out_ga.h5",
                  "no symmetry group given");
  std::remove(pred.c_str());
  std::remove(kModel.c_str());
}

// One option names every estimator; -method is the older spelling and must not contradict it.
TEST_F(CliErrors, EstimatorOptionNamesEveryEstimator) {
  std::remove(kModel.c_str());
  RunResult r = run_specavg("train -estimator krr -data cli_good.h5 -model " + kModel);
  ASSERT_EQ(r.code, 0) << r.output;
  r = run_specavg("info -model " + kModel);
  EXPECT_NE(r.output.find("estimator    krr"), std::string::npos) << r.output;
  std::remove(kModel.c_str());
  expect_rejected("train -estimator lasso -data cli_good.h5 -group Ih -model " + kModel, kModel,
                  "ridge, spectral, krr, krr-ga, krr-aug");
  expect_rejected("train -estimator spectral -method krr -data cli_good.h5 -group Ih -model " + kModel, kModel,
                  "conflicts with -estimator spectral");
  expect_rejected("train -method ridge -data cli_good.h5 -group Ih -model " + kModel, kModel,
                  "choose ridge or spectral with -estimator");
}

}  // namespace
