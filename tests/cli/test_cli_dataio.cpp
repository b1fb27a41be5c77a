// Data sources, sinks and hygiene through the real command line (mpiexec -n 2): inputs
// are never overwritten, unusable files get a message saying what is wrong, fill values
// are refused, and output files describe where they came from.
#include <gtest/gtest.h>
#include <hdf5.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <string>
#include <vector>

#include "cli_util.hpp"
#include "specavg/comm/collective.hpp"
#include "specavg/util/sha256.hpp"

namespace {

using specavg::file_exists;
using specavg::cli::Dataset;
using specavg::cli::file_bytes;
using specavg::cli::run_specavg;
using specavg::cli::RunResult;
using specavg::cli::sphere_points;
using specavg::cli::write_h5;

constexpr int kRows = 200;

Dataset smooth_values(const Dataset& p) {  // x² + y z, invariant enough to fit
  Dataset v{"values", {p.dims[0]}, {}};
  for (hsize_t i = 0; i < p.dims[0]; ++i) {
    const double* x = &p.data[3 * i];
    v.data.push_back(x[0] * x[0] + x[1] * x[2]);
  }
  return v;
}

std::string read_string_attr(const std::string& path, const char* name) {
  hid_t f = H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  if (f < 0) return "<cannot open>";
  std::string s = "<missing>";
  if (H5Aexists(f, name) > 0) {
    hid_t a = H5Aopen(f, name, H5P_DEFAULT);
    hid_t mt = H5Tcopy(H5T_C_S1);
    H5Tset_size(mt, H5T_VARIABLE);
    H5Tset_cset(mt, H5T_CSET_UTF8);
    char* p = nullptr;
    if (H5Aread(a, mt, &p) >= 0 && p) s = p;
    if (p) H5free_memory(p);
    H5Tclose(mt);
    H5Aclose(a);
  }
  H5Fclose(f);
  return s;
}

double read_number_attr(const std::string& path, const char* name) {
  hid_t f = H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  double v = -1;
  if (f >= 0 && H5Aexists(f, name) > 0) {
    hid_t a = H5Aopen(f, name, H5P_DEFAULT);
    H5Aread(a, H5T_NATIVE_DOUBLE, &v);
    H5Aclose(a);
  }
  if (f >= 0) H5Fclose(f);
  return v;
}

const std::string kData = "cli_d_data.h5", kModel = "cli_d_model.h5", kGens = "cli_d_gens.h5", kDir = "cli_d_dir";

class CliDataIO : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    const Dataset p = sphere_points(kRows);
    write_h5(kData, {p, smooth_values(p)});
    write_h5(kGens, {{"generators", {1, 3, 3}, {0, 1, 0, 1, 0, 0, 0, 0, 1}}});
    ::mkdir(kDir.c_str(), 0755);
    std::remove(kModel.c_str());
    const RunResult r = run_specavg("train -data " + kData + " -group Oh -lmax 6 -model " + kModel);
    ASSERT_EQ(r.code, 0) << r.output;
  }
};

// `args` must fail with exit status 1 and a message containing every entry of `words`,
// and leave `input` byte for byte as it was (and no temporary next to `output`).
void expect_refused_intact(const std::string& args, const std::string& input, const std::string& output,
                           const std::vector<std::string>& words) {
  const std::string before = file_bytes(input);
  ASSERT_FALSE(before.empty()) << input;
  const RunResult r = run_specavg(args);
  EXPECT_EQ(r.code, 1) << args << "\n" << r.output;
  for (const std::string& w : words) EXPECT_NE(r.output.find(w), std::string::npos) << "'" << w << "' in:\n" << r.output;
  EXPECT_EQ(file_bytes(input), before) << input << " changed by: " << args;
  if (output + ".tmp" != input) EXPECT_FALSE(file_exists(output + ".tmp")) << output;
}

TEST_F(CliDataIO, OutputThatIsAnInputIsRefused) {
  const std::string x = "cli_d_x.h5";
  const Dataset p = sphere_points(kRows);
  write_h5(x, {p, smooth_values(p)});
  expect_refused_intact("train -data " + x + " -group Oh -lmax 4 -model " + x, x, x, {"-model", "-data", "same file"});
  expect_refused_intact("predict -model " + kModel + " -points " + x + " -output " + x, x, x,
                        {"-output", "-points", "same file"});
  const std::string m = "cli_d_m.h5";
  {  // a copy of the model

    std::FILE* f = std::fopen(m.c_str(), "wb");
    const std::string bytes = file_bytes(kModel);
    std::fwrite(bytes.data(), 1, bytes.size(), f);
    std::fclose(f);
  }
  expect_refused_intact("predict -model " + m + " -points " + x + " -output " + m, m, m,
                        {"-output", "-model", "same file"});
  expect_refused_intact("train -data " + x + " -group Oh -lmax 6 -basis_from " + m + " -model " + m, m, m,
                        {"-model", "-basis_from", "same file"});
  // The same file under another name: a path through a directory, a symbolic and a hard link.
  expect_refused_intact("predict -model " + kModel + " -points " + x + " -output ./" + kDir + "/../" + x, x, x,
                        {"same file"});
  const std::string sym = "cli_d_symlink.h5", hard = "cli_d_hardlink.h5";
  std::remove(sym.c_str());
  std::remove(hard.c_str());
  ASSERT_EQ(::symlink(x.c_str(), sym.c_str()), 0);
  ASSERT_EQ(::link(x.c_str(), hard.c_str()), 0);
  expect_refused_intact("predict -model " + kModel + " -points " + x + " -output " + sym, x, sym, {"same file"});
  expect_refused_intact("predict -model " + kModel + " -points " + x + " -output " + hard, x, hard, {"same file"});
  // The generator file of synth, and an input that is the output's temporary.
  expect_refused_intact("synth -n 10 -group_file " + kGens + " -output " + kGens, kGens, kGens,
                        {"-output", "-group_file", "same file"});
  const std::string tmp_in = "cli_d_y.h5.tmp";
  write_h5(tmp_in, {p, smooth_values(p)});
  expect_refused_intact("train -data " + tmp_in + " -group Oh -lmax 4 -model cli_d_y.h5", tmp_in, "cli_d_y.h5",
                        {"-data", "temporary"});
  EXPECT_FALSE(file_exists("cli_d_y.h5"));
}

TEST_F(CliDataIO, OutputThatIsADirectoryIsRefused) {
  for (const std::string& args :
       {"predict -model " + kModel + " -points " + kData + " -output " + kDir,
        "train -data " + kData + " -group Oh -lmax 4 -model " + kDir, "synth -n 10 -group D3 -output " + kDir,
        "bench -bench_groups D3 -bench_n 50 -bench_output " + kDir}) {
    const RunResult r = run_specavg(args);
    EXPECT_EQ(r.code, 1) << args << "\n" << r.output;
    EXPECT_NE(r.output.find("is a directory"), std::string::npos) << r.output;
    struct stat st;
    EXPECT_TRUE(::stat(kDir.c_str(), &st) == 0 && S_ISDIR(st.st_mode));
    EXPECT_FALSE(file_exists(kDir + ".tmp"));
  }
}

TEST_F(CliDataIO, TruncatedEmptyAndForeignFilesAreNamed) {
  const std::string bytes = file_bytes(kData), trunc = "cli_d_trunc.h5", empty = "cli_d_empty.h5",
                    text = "cli_d_text.h5";
  auto put = [](const std::string& path, const std::string& b) {
    std::FILE* f = std::fopen(path.c_str(), "wb");
    std::fwrite(b.data(), 1, b.size(), f);
    std::fclose(f);
  };
  put(trunc, bytes.substr(0, bytes.size() / 2));
  put(empty, "");
  put(text, "points,values\n0,0,1,0.5\n");
  put("cli_d_classic.nc", std::string("CDF\x01\0\0\0\0", 8) + std::string(100, '\0'));
  put("cli_d_map.fits", "SIMPLE  =                    T" + std::string(2850, ' '));
  const std::string out = "cli_d_out_model.h5";
  struct Case {
    std::string args, message;
  } cases[] = {
      {"train -group Oh -lmax 4 -model " + out + " -data " + trunc, "not an HDF5 file or truncated"},
      {"train -group Oh -lmax 4 -model " + out + " -data " + empty, "is empty (0 bytes)"},
      {"train -group Oh -lmax 4 -model " + out + " -data " + text, "not an HDF5 file or truncated"},
      {"predict -points " + kData + " -output " + out + " -model " + empty, "is empty (0 bytes)"},
      {"predict -points " + kData + " -output " + out + " -model " + text, "not an HDF5 file or truncated"},
      {"train -data " + kData + " -lmax 4 -model " + out + " -group_file " + trunc, "not an HDF5 file or truncated"},
      {"train -group Oh -lmax 4 -model " + out + " -data cli_d_classic.nc", "no variable on a recognizable latitude/longitude grid"},
      {"predict -model " + kModel + " -output " + out + " -points cli_d_map.fits", "is not a readable FITS file"},
  };
  for (const Case& c : cases) {
    std::remove(out.c_str());
    const RunResult r = run_specavg(c.args);
    EXPECT_EQ(r.code, 1) << c.args << "\n" << r.output;
    EXPECT_NE(r.output.find(c.message), std::string::npos) << c.args << "\n" << r.output;
    EXPECT_FALSE(file_exists(out));
  }
}

TEST_F(CliDataIO, EmptyDatasetAndEmptyGeneratorSet) {
  write_h5("cli_d_norows.h5", {{"points", {0, 3}, {}}, {"values", {0}, {}}});
  RunResult r = run_specavg("train -data cli_d_norows.h5 -group Oh -lmax 4 -model cli_d_out.h5");
  EXPECT_EQ(r.code, 1) << r.output;
  EXPECT_NE(r.output.find("'points' in -data file 'cli_d_norows.h5' is empty (0 rows)"), std::string::npos) << r.output;
  write_h5("cli_d_nogens.h5", {{"generators", {0, 3, 3}, {}}});
  r = run_specavg("train -data " + kData + " -group_file cli_d_nogens.h5 -lmax 4 -model cli_d_out.h5");
  EXPECT_EQ(r.code, 1) << r.output;
  EXPECT_NE(r.output.find("empty (0 generators)"), std::string::npos) << r.output;
  EXPECT_FALSE(file_exists("cli_d_out.h5"));
}

TEST_F(CliDataIO, FillValuesAreRefusedNamingTheFirstRow) {
  const Dataset p = sphere_points(kRows);
  Dataset v = smooth_values(p);
  v.data[150] = -9.96921e36;  // netCDF's default float fill value
  v.data[37] = 1e20;
  write_h5("cli_d_fill.h5", {p, v});
  for (const std::string& cmd : {std::string("train -group Oh -lmax 4 -model cli_d_out.h5"),
                                 std::string("eval -model ") + kModel}) {
    const RunResult r = run_specavg(cmd + " -data cli_d_fill.h5");
    EXPECT_EQ(r.code, 1) << r.output;
    EXPECT_NE(r.output.find("unmasked fill value"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("cli_d_fill.h5"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("'values'"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("row 37 "), std::string::npos) << r.output;
  }
  // Just below the threshold is a legitimate (if large) value.
  v.data[150] = v.data[37] = 9e14;
  write_h5("cli_d_large.h5", {p, v});
  const RunResult ok = run_specavg("train -group Oh -lmax 4 -model cli_d_out.h5 -data cli_d_large.h5");
  EXPECT_EQ(ok.code, 0) << ok.output;
  std::remove("cli_d_out.h5");
}

// A reader option of another format is refused, not silently ignored.
TEST_F(CliDataIO, OptionsOfAnotherFormatAreRefused) {
  for (const std::string& opt : {std::string("-var tas"), std::string("-time_range 0:2"), std::string("-columns 1"),
                                 std::string("-mask cli_d_mask.fits"), std::string("-polarization_as_scalars")}) {
    const RunResult r = run_specavg("train -data " + kData + " -group Oh -lmax 4 -model cli_d_out.h5 " + opt);
    EXPECT_EQ(r.code, 1) << opt << "\n" << r.output;
    const std::string name = opt.substr(0, opt.find(' '));
    EXPECT_NE(r.output.find(name + " applies to "), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("is HDF5: remove " + name), std::string::npos) << r.output;
    EXPECT_FALSE(file_exists("cli_d_out.h5"));
  }
}

TEST_F(CliDataIO, OutputsCarryTheirProvenance) {
  const std::string synth = "cli_d_synth.h5", pred = "cli_d_pred.h5";
  std::remove(synth.c_str());
  RunResult r = run_specavg("synth -n 64 -group D3 -target bumps -seed 5 -noise 0.25 -output " + synth);
  ASSERT_EQ(r.code, 0) << r.output;
  EXPECT_EQ(read_number_attr(synth, "seed"), 5.0);
  EXPECT_EQ(read_number_attr(synth, "noise"), 0.25);
  EXPECT_EQ(read_string_attr(synth, "group"), "D3");
  EXPECT_EQ(read_string_attr(synth, "target"), "bumps");
  EXPECT_EQ(read_string_attr(synth, "manifold"), "s2");
  EXPECT_NE(read_string_attr(synth, "basis_ordering").find("l^2 + l + m"), std::string::npos);

  std::remove(pred.c_str());
  r = run_specavg("predict -model " + kModel + " -points " + synth + " -output " + pred);
  ASSERT_EQ(r.code, 0) << r.output;
  EXPECT_EQ(read_string_attr(pred, "model"), kModel);
  EXPECT_EQ(read_string_attr(pred, "model_sha256"), specavg::sha256_file_hex(kModel));
  EXPECT_EQ(read_string_attr(pred, "group"), "Oh");
  EXPECT_EQ(read_string_attr(pred, "cutoff"), "lmax 6");
  EXPECT_EQ(read_string_attr(pred, "manifold"), "s2");
  for (const char* a : {"basis_ordering", "basis_normalization", "basis_phase"}) {
    EXPECT_EQ(read_string_attr(pred, a), read_string_attr(kModel, a)) << a;
    EXPECT_NE(read_string_attr(kModel, a), "<missing>") << a;
  }
  EXPECT_NE(read_string_attr(kModel, "basis_phase").find("Condon-Shortley"), std::string::npos);
}

TEST_F(CliDataIO, EvalSaysItIsWeighted) {
  const Dataset p = sphere_points(kRows);
  Dataset w{"weights", {hsize_t(kRows)}, {}};
  for (int i = 0; i < kRows; ++i) w.data.push_back(1 + i % 3);
  write_h5("cli_d_weighted.h5", {p, smooth_values(p), w});
  RunResult r = run_specavg("eval -model " + kModel + " -data cli_d_weighted.h5");
  EXPECT_EQ(r.code, 0) << r.output;
  EXPECT_NE(r.output.find("weighted RMSE"), std::string::npos) << r.output;
  r = run_specavg("eval -model " + kModel + " -data " + kData);
  EXPECT_EQ(r.code, 0) << r.output;
  EXPECT_EQ(r.output.find("weighted"), std::string::npos) << r.output;
}

}  // namespace
