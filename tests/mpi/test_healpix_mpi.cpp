// HEALPix FITS maps through the row source (io/healpix_map.hpp), on maps written here
// with cfitsio: every rank count sees the same rows (pixel centres by global row), RING
// and NESTED maps and a partial (EXPLICIT) map of the same sky give the same fit, UNSEEN
// and masked pixels are excluded exactly like rows absent from an HDF5 file with the
// same points and the mask as weights, and malformed input is refused on every rank.
#include <fitsio.h>
#include <gtest/gtest.h>
#include <healpix_cxx/healpix_base.h>

#include <cmath>
#include <functional>
#include <cctype>
#include <cstdio>

#include "mpi_test_util.hpp"
#include "specavg/io/h5_parallel.hpp"
#include "specavg/parallel/dataset.hpp"
#include "specavg/parallel/train.hpp"

namespace specavg {
namespace {

using test::global_max;
using test::scratch;
using test::world_rank;

constexpr long long kNside = 8;
constexpr long long kNpix = 12 * kNside * kNside;
constexpr double kUnseen = -1.6375e30;

// Pixel centre of RING pixel p (HEALPix C++ directly, independent of the reader).
void centre(long long p, double* x) {
  static const T_Healpix_Base<int64> ring(kNside, RING, SET_NSIDE);
  const vec3 v = ring.pix2vec(p);
  x[0] = v.x, x[1] = v.y, x[2] = v.z;
}

// The sky: an Cs-invariant part (even in z) plus a part that is not (odd in z), and
// the data's UNSEEN pixels and mask weights, all as functions of the RING pixel.
double sky(long long p, int column) {
  double x[3];
  centre(p, x);
  return 1.0 + x[0] + 0.5 * x[2] * x[2] + 0.3 * x[0] * x[1] + 0.2 * x[2] + column * (0.1 * x[1] - 0.4 * x[2] * x[0]);
}
bool unseen(long long p) { return p % 7 == 3; }
double mask_weight(long long p) { return p % 5 == 0 ? 0.0 : (p % 3 == 0 ? 0.5 : 1.0); }

struct Column {
  std::string name;
  std::function<double(long long)> value;  // of the RING pixel
};

// Writes a HEALPix map (rank 0, cfitsio): `pixels` lists the RING pixels in file order
// for an EXPLICIT map; an IMPLICIT map holds every pixel in the given ordering, `repeat`
// per row. The extra keyword/value pairs override the header (malformed files).
std::string write_map(const std::string& name, bool nested, const std::vector<Column>& cols, int repeat = 64,
                      const std::vector<long long>& pixels = {}, long long nside = kNside,
                      const std::vector<std::pair<std::string, std::string>>& keys = {}) {
  const std::string path = scratch(name);
  if (world_rank() == 0) {
    const bool expl = !pixels.empty();
    const T_Healpix_Base<int64> base(nside, nested ? NEST : RING, SET_NSIDE);
    std::vector<long long> file_pix;  // pixel of each entry, in the file's ordering
    if (expl)
      for (long long p : pixels) file_pix.push_back(nested ? base.ring2nest(p) : p);
    else
      for (long long p = 0; p < 12 * nside * nside; ++p) file_pix.push_back(p);
    std::vector<std::string> tt, tf;
    if (expl) tt.push_back("PIXEL"), tf.push_back("1K");
    for (const Column& c : cols) tt.push_back(c.name), tf.push_back(std::to_string(expl ? 1 : repeat) + "E");
    std::vector<char*> ttp, tfp;
    for (std::size_t i = 0; i < tt.size(); ++i) ttp.push_back(&tt[i][0]), tfp.push_back(&tf[i][0]);
    std::remove(path.c_str());
    fitsfile* f = nullptr;
    int st = 0;
    fits_create_file(&f, path.c_str(), &st);
    fits_create_img(f, 8, 0, nullptr, &st);
    const long long rows = expl ? (long long)file_pix.size() : (long long)file_pix.size() / repeat;
    fits_create_tbl(f, BINARY_TBL, rows, int(tt.size()), ttp.data(), tfp.data(), nullptr, "xtension", &st);
    long long ns = nside;
    fits_write_key(f, TSTRING, "PIXTYPE", (void*)"HEALPIX", nullptr, &st);
    fits_write_key(f, TSTRING, "ORDERING", (void*)(nested ? "NESTED" : "RING"), nullptr, &st);
    fits_write_key(f, TLONGLONG, "NSIDE", &ns, nullptr, &st);
    fits_write_key(f, TSTRING, "INDXSCHM", (void*)(expl ? "EXPLICIT" : "IMPLICIT"), nullptr, &st);
    for (const auto& [k, v] : keys) {
      long long num = 0;
      if (std::isdigit((unsigned char)v[0]) && (num = std::stoll(v)) >= 0)
        fits_update_key(f, TLONGLONG, k.c_str(), &num, nullptr, &st);
      else
        fits_update_key(f, TSTRING, k.c_str(), (void*)v.c_str(), nullptr, &st);
    }
    int col = 1;
    if (expl) fits_write_col(f, TLONGLONG, col++, 1, 1, (long long)file_pix.size(), file_pix.data(), &st);
    std::vector<float> v(file_pix.size());
    for (const Column& c : cols) {
      for (std::size_t e = 0; e < file_pix.size(); ++e)
        v[e] = float(c.value(nested && nside == kNside ? base.nest2ring(file_pix[e]) : file_pix[e]));
      fits_write_col(f, TFLOAT, col++, 1, 1, (long long)v.size(), v.data(), &st);
    }
    fits_close_file(f, &st);
    EXPECT_EQ(st, 0) << "cfitsio status writing " << path;
  }
  MPI_Barrier(PETSC_COMM_WORLD);
  return path;
}

double data_value(long long p) { return unseen(p) ? kUnseen : sky(p, 0); }
const std::vector<Column> kData = {{"TEMPERATURE", data_value}};
const std::vector<Column> kMask = {{"MASK", mask_weight}};

// Sets (or clears, value nullptr) an option for the next opening.
void set_option(const char* name, const char* value) {
  if (value)
    PetscOptionsSetValue(nullptr, name, value);
  else
    PetscOptionsClearValue(nullptr, name);
}

Model fit(const std::string& data) {
  TrainOptions o;
  o.data = data;
  o.group = "Cs";
  o.cutoff.lmax = 6;
  o.tau = 1e-8;
  o.verbose = false;
  Model m;
  TrainReport r;
  EXPECT_EQ(train_model(PETSC_COMM_WORLD, o, &m, &r), 0);
  return m;
}

double relative_deviation(const Model& a, const Model& b) {
  EXPECT_EQ(a.coef.size(), b.coef.size());
  double dev = 0, scale = 0;
  for (std::size_t i = 0; i < a.coef.size() && i < b.coef.size(); ++i) {
    dev = std::max(dev, std::fabs(a.coef[i] - b.coef[i]));
    scale = std::max(scale, std::fabs(b.coef[i]));
  }
  return global_max(dev / scale);
}

// The kept RING pixels in the order of the rows (UNSEEN dropped, and mask 0 with a mask).
std::vector<long long> kept_pixels(bool nested, bool with_mask) {
  const T_Healpix_Base<int64> nest(kNside, NEST, SET_NSIDE);
  std::vector<long long> out;
  for (long long e = 0; e < kNpix; ++e) {
    const long long p = nested ? nest.nest2ring(e) : e;
    if (!unseen(p) && !(with_mask && mask_weight(p) == 0)) out.push_back(p);
  }
  return out;
}

TEST(HealpixMPI, RowsByGlobalIndexForEveryRankCountAndOrdering) {
  const auto M = make_manifold("s2", 3);
  for (bool nested : {false, true}) {
    const std::string path = write_map(nested ? "hp_nest.fits" : "hp_ring.fits", nested, kData);
    LocalData d;
    ASSERT_EQ(test::read_rows(path, "-data", ValuesNeed::Required, *M, &d), 0);
    const std::vector<long long> kept = kept_pixels(nested, false);
    EXPECT_EQ(d.n_global, PetscInt(kept.size()));
    EXPECT_TRUE(d.weights.empty());
    double err = 0;
    for (PetscInt i = 0; i < d.count; ++i) {
      double x[3];
      const long long p = kept[std::size_t(d.begin + i)];
      centre(p, x);
      for (int c = 0; c < 3; ++c) err = std::max(err, std::fabs(d.points[3 * i + c] - x[c]));
      err = std::max(err, std::fabs(d.values[i] - double(float(sky(p, 0)))));
    }
    long long rows = d.count, all = 0;
    MPI_Allreduce(&rows, &all, 1, MPI_LONG_LONG, MPI_SUM, PETSC_COMM_WORLD);
    EXPECT_EQ(all, (long long)kept.size());
    EXPECT_LE(global_max(err), 1e-15) << (nested ? "NESTED" : "RING");
  }
}

TEST(HealpixMPI, RingNestedAndPartialGiveTheSameFit) {
  const Model ring = fit(write_map("hp_ring.fits", false, kData));
  const Model nest = fit(write_map("hp_nest256.fits", true, kData, 256));
  // A partial map listing the seen pixels in a scrambled order, in NESTED numbering.
  std::vector<long long> partial;
  for (long long q = 0; q < kNpix; ++q)  // 37 is prime to 768: a permutation
    if (!unseen((q * 37) % kNpix)) partial.push_back((q * 37) % kNpix);
  const Model part = fit(write_map("hp_part.fits", true, kData, 1, partial));
  ASSERT_GT(ring.coef.size(), 1u);
  EXPECT_LE(relative_deviation(nest, ring), 1e-10);
  EXPECT_LE(relative_deviation(part, ring), 1e-10);
  // A different sky gives a different fit: the comparison can fail.
  const Model other = fit(write_map("hp_other.fits", false, {{"T", [](long long p) { return sky(p, 1); }}}));
  EXPECT_GT(relative_deviation(other, ring), 1e-3);
}

// UNSEEN pixels dropped, mask weights applied: the same as an HDF5 file holding only the
// kept pixels' centres, values and mask weights (written here from HEALPix C++ directly).
TEST(HealpixMPI, MaskedPixelsExcludedLikeTheHdf5Path) {
  const std::string map = write_map("hp_nest.fits", true, kData);
  const std::string mask = write_map("hp_mask_ring.fits", false, kMask);  // the other ordering
  const std::vector<long long> kept = kept_pixels(true, true);
  const std::string h5 = scratch("hp_same_points.h5");
  {
    PetscInt b, c;
    row_block(PETSC_COMM_WORLD, PetscInt(kept.size()), &b, &c);
    const std::size_t nc = static_cast<std::size_t>(c);
    std::vector<double> p(3 * nc), v(nc), w(nc);
    for (PetscInt i = 0; i < c; ++i) {
      const long long q = kept[std::size_t(b + i)];
      centre(q, &p[3 * std::size_t(i)]);
      v[std::size_t(i)] = double(float(sky(q, 0)));
      w[std::size_t(i)] = mask_weight(q);
    }
    H5Writer wr;
    ASSERT_EQ(wr.create(PETSC_COMM_WORLD, h5), 0);
    ASSERT_EQ(wr.create_dataset("points", {hsize_t(kept.size()), 3}), 0);
    ASSERT_EQ(wr.create_dataset("values", {hsize_t(kept.size())}), 0);
    ASSERT_EQ(wr.create_dataset("weights", {hsize_t(kept.size())}), 0);
    ASSERT_EQ(wr.write_rows("points", b, c, p.data()), 0);
    ASSERT_EQ(wr.write_rows("values", b, c, v.data()), 0);
    ASSERT_EQ(wr.write_rows("weights", b, c, w.data()), 0);
    ASSERT_EQ(wr.commit(), 0);
  }
  set_option("-mask", mask.c_str());
  const auto M = make_manifold("s2", 3);
  LocalData d;
  ASSERT_EQ(test::read_rows(map, "-data", ValuesNeed::Required, *M, &d), 0);
  EXPECT_EQ(d.n_global, PetscInt(kept.size()));
  ASSERT_EQ(d.weights.size(), std::size_t(d.count));
  double werr = 0;
  for (PetscInt i = 0; i < d.count; ++i)
    werr = std::max(werr, std::fabs(d.weights[std::size_t(i)] - mask_weight(kept[std::size_t(d.begin + i)])));
  EXPECT_EQ(global_max(werr), 0.0);
  const Model masked = fit(map);
  set_option("-mask", nullptr);
  EXPECT_LE(relative_deviation(masked, fit(h5)), 1e-10);
  // Without the mask the fit differs (the mask matters).
  EXPECT_GT(relative_deviation(fit(map), masked), 1e-4);
}

TEST(HealpixMPI, ColumnsBecomeTargets) {
  const std::string path =
      write_map("hp_two.fits", false, {{"A", [](long long p) { return sky(p, 0); }}, {"B", [](long long p) {
                                          return unseen(p) ? kUnseen : sky(p, 1);
                                        }}});
  const auto M = make_manifold("s2", 3);
  set_option("-columns", "B,1");
  LocalData d;
  ASSERT_EQ(test::read_rows(path, "-data", ValuesNeed::Required, *M, &d), 0);
  set_option("-columns", nullptr);
  ASSERT_EQ(d.ntargets, 2);
  const std::vector<long long> kept = kept_pixels(false, false);  // B's UNSEEN drop the pixel
  EXPECT_EQ(d.n_global, PetscInt(kept.size()));
  double err = 0;
  for (PetscInt i = 0; i < d.count; ++i) {
    const long long p = kept[std::size_t(d.begin + i)];
    err = std::max(err, std::fabs(d.values[2 * i] - double(float(sky(p, 1)))));
    err = std::max(err, std::fabs(d.values[2 * i + 1] - double(float(sky(p, 0)))));
  }
  EXPECT_EQ(global_max(err), 0.0);
}

// Malformed input: every rank fails with PETSC_ERR_USER_INPUT (an agreed error).
PetscErrorCode open_map(const std::string& path) {
  const auto M = make_manifold("s2", 3);
  LocalData d;
  return test::read_rows(path, "-data", ValuesNeed::Required, *M, &d);
}

TEST(HealpixMPI, MalformedMapsRefused) {
  PetscPushErrorHandler(PetscReturnErrorHandler, nullptr);
  const auto value = [](long long p) { return sky(p, 0); };
  const std::string iqu = write_map("hp_iqu.fits", false, {{"I_STOKES", value}, {"Q_STOKES", value}, {"U_STOKES", value}});
  EXPECT_EQ(open_map(iqu), 0);  // the first column, I, is a scalar
  for (const char* spec : {"Q_STOKES", "1,3"}) {
    set_option("-columns", spec);
    EXPECT_EQ(open_map(iqu), PETSC_ERR_USER_INPUT) << spec;
  }
  set_option("-polarization_as_scalars", "1");
  EXPECT_EQ(open_map(iqu), 0);  // asked for explicitly
  set_option("-polarization_as_scalars", nullptr);
  set_option("-columns", "TEMPERATURE");  // a column the file does not have
  EXPECT_EQ(open_map(iqu), PETSC_ERR_USER_INPUT);
  set_option("-columns", nullptr);

  const std::string map = write_map("hp_ring.fits", false, kData);
  set_option("-mask", write_map("hp_mask16.fits", false, kMask, 64, {}, 2 * kNside).c_str());
  EXPECT_EQ(open_map(map), PETSC_ERR_USER_INPUT);  // mask of the wrong NSIDE
  set_option("-mask", write_map("hp_mask_bad.fits", false, {{"M", [](long long p) { return 2.0; }}}).c_str());
  EXPECT_EQ(open_map(map), PETSC_ERR_USER_INPUT);  // mask values outside [0, 1]
  set_option("-mask", nullptr);
  EXPECT_EQ(open_map(write_map("hp_noorder.fits", false, kData, 64, {}, kNside, {{"ORDERING", "SPIRAL"}})),
            PETSC_ERR_USER_INPUT);
  EXPECT_EQ(open_map(write_map("hp_allunseen.fits", false, {{"T", [](long long) { return kUnseen; }}})),
            PETSC_ERR_USER_INPUT);
  // An IMPLICIT map whose size does not match NSIDE.
  EXPECT_EQ(open_map(write_map("hp_short.fits", false, kData, 64, {}, kNside, {{"NSIDE", "4"}})), PETSC_ERR_USER_INPUT);
  PetscPopErrorHandler();
}

}  // namespace
}  // namespace specavg
