// CF netCDF input and output (io/nc_field.hpp, the netCDF row source and sink) on small
// files written here with the netCDF C API, classic and netCDF-4: packed values with fill
// and missing values, unequal (Gaussian-like) latitudes with bounds, masks that differ
// between steps; weights equal the exact cell areas; training equals the HDF5 path on the
// same rows and does not depend on the rank count; the prediction file round-trips.
#include <gtest/gtest.h>
#include <netcdf.h>

#include <cmath>
#include <tuple>

#include "mpi_test_util.hpp"
#include "specavg/comm/collective.hpp"
#include "specavg/io/h5_parallel.hpp"
#include "specavg/io/nc_field.hpp"
#include "specavg/io/row_sink.hpp"
#include "specavg/io/row_source.hpp"
#include "specavg/parallel/predict.hpp"
#include "specavg/parallel/train.hpp"

namespace specavg {
namespace {

using test::global_max;
using test::scratch;
using test::world_rank;

constexpr double kPi = 3.14159265358979323846;
constexpr int kNlat = 12, kNlon = 16, kNt = 3;
constexpr short kFill = -32768, kMissing = -32767;
constexpr double kScale = 0.01, kOffset = 280.0;

// Latitude edges, unequal but symmetric about the equator (degrees).
double lat_edge(int j) {
  return -90.0 + 180.0 * j / kNlat + 4.0 * std::sin(2 * kPi * j / kNlat);
}
double exact_area(int j, int i) {
  const double d = kPi / 180;
  return (std::sin(lat_edge(j + 1) * d) - std::sin(lat_edge(j) * d)) * (360.0 / kNlon) * d;
}
// The field at step t, cell (j, i), before packing.
double field(int t, int j, int i) {
  const double d = kPi / 180, la = 0.5 * (lat_edge(j) + lat_edge(j + 1)) * d, lo = (i + 0.5) * 360.0 / kNlon * d;
  return 280.0 + (t + 1) * 10 * std::sin(la) * std::sin(la) + 3 * std::cos(la) * std::cos(lo) + 2 * t * std::sin(la);
}
short packed(int t, int j, int i) {
  if (j == 5 && i == 7) return kMissing;       // masked in every step
  if (j == 2 && i == 3 && t == 0) return kFill;  // masked in step 0 only
  return short(std::lround((field(t, j, i) - kOffset) / kScale));
}

struct Spec {
  bool netcdf4 = true;
  std::string lat_units = "degrees_north";
  bool lat_standard_name = true;
  bool bounds = true;
  bool cell_measures = false;
  bool time_last = false;  // tas(y, x, time): the reader's general (strided) layout
};

#define NC(x) ASSERT_EQ((x), NC_NOERR) << nc_strerror(x)

void write_file(const std::string& path, const Spec& s) {
  int nc, dt, dla, dlo, db, vt, vla, vlo, vbla, vblo, vtas, varea;
  NC(nc_create(path.c_str(), NC_CLOBBER | (s.netcdf4 ? NC_NETCDF4 : 0), &nc));
  NC(nc_def_dim(nc, "time", s.time_last ? kNt : NC_UNLIMITED, &dt));  // classic: unlimited must be first
  NC(nc_def_dim(nc, "y", kNlat, &dla));
  NC(nc_def_dim(nc, "x", kNlon, &dlo));
  NC(nc_def_dim(nc, "nb2", 2, &db));
  auto text = [&](int v, const char* k, const std::string& x) { return nc_put_att_text(nc, v, k, x.size(), x.c_str()); };
  NC(nc_def_var(nc, "time", NC_DOUBLE, 1, &dt, &vt));
  NC(text(vt, "units", "days since 2000-01-01"));
  // Names that say nothing: the coordinates are found by their attributes.
  NC(nc_def_var(nc, "y", NC_DOUBLE, 1, &dla, &vla));
  NC(nc_def_var(nc, "x", NC_DOUBLE, 1, &dlo, &vlo));
  NC(text(vla, "units", s.lat_units));
  if (s.lat_standard_name) NC(text(vla, "standard_name", "latitude"));
  NC(text(vlo, "units", "degrees_east"));
  NC(text(vlo, "axis", "X"));
  int bd[2] = {dla, db};
  NC(nc_def_var(nc, "y_b", NC_DOUBLE, 2, bd, &vbla));
  bd[0] = dlo;
  NC(nc_def_var(nc, "x_b", NC_DOUBLE, 2, bd, &vblo));
  if (s.bounds) NC(text(vla, "bounds", "y_b"));
  if (s.bounds) NC(text(vlo, "bounds", "x_b"));
  int sd[2] = {dla, dlo};
  NC(nc_def_var(nc, "cellarea", NC_DOUBLE, 2, sd, &varea));
  int d3[3] = {dt, dla, dlo}, d3_last[3] = {dla, dlo, dt};
  NC(nc_def_var(nc, "tas", NC_SHORT, 3, s.time_last ? d3_last : d3, &vtas));
  NC(nc_put_att_short(nc, vtas, "_FillValue", NC_SHORT, 1, &kFill));
  NC(nc_put_att_short(nc, vtas, "missing_value", NC_SHORT, 1, &kMissing));
  NC(nc_put_att_double(nc, vtas, "scale_factor", NC_DOUBLE, 1, &kScale));
  NC(nc_put_att_double(nc, vtas, "add_offset", NC_DOUBLE, 1, &kOffset));
  NC(text(vtas, "units", "K"));
  NC(text(vtas, "long_name", "test temperature"));
  if (s.cell_measures) NC(text(vtas, "cell_measures", "area: cellarea"));
  NC(nc_enddef(nc));
  std::vector<double> la(kNlat), lo(kNlon), bla(2 * kNlat), blo(2 * kNlon), area(kNlat * kNlon), tt(kNt);
  for (int j = 0; j < kNlat; ++j)
    la[j] = 0.5 * (lat_edge(j) + lat_edge(j + 1)), bla[2 * j] = lat_edge(j), bla[2 * j + 1] = lat_edge(j + 1);
  for (int i = 0; i < kNlon; ++i)
    lo[i] = (i + 0.5) * 360.0 / kNlon, blo[2 * i] = i * 360.0 / kNlon, blo[2 * i + 1] = (i + 1) * 360.0 / kNlon;
  for (int c = 0; c < kNlat * kNlon; ++c) area[c] = 1.0 + c;
  const bool radians = s.lat_units == "radians";
  if (radians)
    for (double& x : la) x *= kPi / 180;
  std::vector<short> v(kNt * kNlat * kNlon);
  for (int t = 0; t < kNt; ++t) {
    tt[t] = 15 + 30 * t;
    for (int j = 0; j < kNlat; ++j)
      for (int i = 0; i < kNlon; ++i)
        v[s.time_last ? (j * kNlon + i) * kNt + t : (t * kNlat + j) * kNlon + i] = packed(t, j, i);
  }
  NC(nc_put_var_double(nc, vla, la.data()));
  NC(nc_put_var_double(nc, vlo, lo.data()));
  NC(nc_put_var_double(nc, vbla, bla.data()));
  NC(nc_put_var_double(nc, vblo, blo.data()));
  NC(nc_put_var_double(nc, varea, area.data()));
  size_t st[3] = {0, 0, 0}, ct[3] = {kNt, kNlat, kNlon}, ct_last[3] = {kNlat, kNlon, kNt};
  NC(nc_put_vara_double(nc, vt, st, ct, tt.data()));
  NC(nc_put_vara_short(nc, vtas, st, s.time_last ? ct_last : ct, v.data()));
  NC(nc_close(nc));
}

std::string make_file(const std::string& name, const Spec& s) {
  const std::string path = scratch(name);
  if (world_rank() == 0) write_file(path, s);
  MPI_Barrier(PETSC_COMM_WORLD);
  return path;
}

NcField read_field(const std::string& path, const std::string& range = "", PetscErrorCode* err = nullptr) {
  NcFieldRequest r;
  r.path = path;
  r.var = "tas";
  r.time_range = range;
  NcField f;
  const PetscErrorCode e = read_nc_field(PETSC_COMM_WORLD, r, &f);
  if (err)
    *err = e;
  else
    EXPECT_EQ(e, 0);
  return f;
}

// (netCDF-4?, time as the last axis?): steps-then-cells files are read in batches of
// whole steps, other axis orders element by element; both must decode the same.
class NetcdfFormats : public ::testing::TestWithParam<std::tuple<bool, bool>> {};

TEST_P(NetcdfFormats, DecodesMasksAndWeighsByExactCellArea) {
  Spec s;
  s.netcdf4 = std::get<0>(GetParam());
  s.time_last = std::get<1>(GetParam());
  const NcField f = read_field(make_file(std::string(s.netcdf4 ? "nc4" : "nc3") + (s.time_last ? "_tlast.nc" : ".nc"), s));
  EXPECT_EQ(f.netcdf4, s.netcdf4);
  EXPECT_EQ(f.grid.kind, GridKind::Rectilinear);
  EXPECT_EQ(f.ntargets, kNt);
  EXPECT_EQ(f.ncells, kNlat * kNlon);
  EXPECT_EQ(f.masked_always, 1);
  EXPECT_EQ(f.masked_some, 1);
  EXPECT_EQ(f.nkept, kNlat * kNlon - 2);
  EXPECT_NE(f.weight_source.find("bounds"), std::string::npos) << f.weight_source;
  double total = 0;  // exact areas of the kept cells
  for (int j = 0; j < kNlat; ++j)
    for (int i = 0; i < kNlon; ++i)
      if (!(j == 5 && i == 7) && !(j == 2 && i == 3)) total += exact_area(j, i);
  const double mean = total / double(f.nkept);
  double dw = 0, dv = 0, dp = 0;
  for (std::size_t r = 0; r < f.rows(); ++r) {
    const int j = int(f.cell[r] / kNlon), i = int(f.cell[r] % kNlon);
    dw = std::max(dw, std::fabs(f.weights[r] * mean - exact_area(j, i)) / exact_area(j, i));
    for (int t = 0; t < kNt; ++t)
      dv = std::max(dv, std::fabs(f.values[r * kNt + t] - (packed(t, j, i) * kScale + kOffset)));
    double x[3];
    latlon_to_unit(0.5 * (lat_edge(j) + lat_edge(j + 1)) * kPi / 180, (i + 0.5) * 2 * kPi / kNlon, x);
    for (int d = 0; d < 3; ++d) dp = std::max(dp, std::fabs(f.points[3 * r + d] - x[d]));
  }
  EXPECT_LE(global_max(dw), 1e-12);
  EXPECT_LE(global_max(dv), 1e-12);
  EXPECT_LE(global_max(dp), 1e-15);
}

INSTANTIATE_TEST_SUITE_P(ClassicAndNetcdf4, NetcdfFormats,
                         ::testing::Combine(::testing::Values(false, true), ::testing::Values(false, true)));

class NetcdfTimeRange : public ::testing::TestWithParam<bool> {};

TEST_P(NetcdfTimeRange, DropsOnlyTheSelectedStepsMasks) {
  Spec s;
  s.time_last = GetParam();
  const NcField f = read_field(make_file(s.time_last ? "range_tlast.nc" : "range.nc", s), "1:3");
  EXPECT_EQ(f.ntargets, 2);
  EXPECT_EQ(f.masked_some, 0);  // the cell masked in step 0 only is back
  EXPECT_EQ(f.nkept, kNlat * kNlon - 1);
  double dv = 0;
  for (std::size_t r = 0; r < f.rows(); ++r)
    for (int t = 0; t < 2; ++t)
      dv = std::max(dv, std::fabs(f.values[r * 2 + t] - (packed(t + 1, int(f.cell[r] / kNlon), int(f.cell[r] % kNlon)) *
                                                             kScale + kOffset)));
  EXPECT_LE(global_max(dv), 1e-12);
}

INSTANTIATE_TEST_SUITE_P(TimeFirstAndLast, NetcdfTimeRange, ::testing::Values(false, true));

TEST(NetcdfMPI, WeightSourcesCellMeasuresAndSpacing) {
  Spec s;
  s.cell_measures = true;
  NcField f = read_field(make_file("cm.nc", s));
  EXPECT_NE(f.weight_source.find("cell_measures"), std::string::npos);
  // area = 1 + cell: the ratio weight / area is the same for every kept cell.
  double lo = 1e300, hi = 0;
  for (std::size_t r = 0; r < f.rows(); ++r) {
    const double q = f.weights[r] / (1.0 + double(f.cell[r]));
    lo = std::min(lo, q), hi = std::max(hi, q);
  }
  EXPECT_LE(global_max(hi) / -global_max(-lo) - 1, 1e-12);
  s = Spec{};
  s.bounds = false;
  s.lat_units = "radians";  // with standard_name latitude
  f = read_field(make_file("spacing.nc", s));
  EXPECT_NE(f.weight_source.find("spacing"), std::string::npos);
  // Interior latitude rows: edges midway between centres, so weight / box area is constant.
  lo = 1e300, hi = 0;
  auto c = [](int jj) { return 0.5 * (lat_edge(jj) + lat_edge(jj + 1)) * kPi / 180; };
  for (std::size_t r = 0; r < f.rows(); ++r) {
    const int j = int(f.cell[r] / kNlon);
    if (j == 0 || j == kNlat - 1) continue;
    const double a = (std::sin(0.5 * (c(j) + c(j + 1))) - std::sin(0.5 * (c(j - 1) + c(j)))) * 2 * kPi / kNlon;
    lo = std::min(lo, f.weights[r] / a), hi = std::max(hi, f.weights[r] / a);
  }
  EXPECT_LE(global_max(hi) / -global_max(-lo) - 1, 1e-12);
}

TEST(NetcdfMPI, MalformedFilesFailOnEveryRank) {
  PetscPushErrorHandler(PetscReturnErrorHandler, nullptr);
  Spec s;
  s.lat_units = "furlongs";
  PetscErrorCode e;
  read_field(make_file("units.nc", s), "", &e);
  EXPECT_NE(e, 0);
  s = Spec{};
  s.lat_standard_name = false;
  s.lat_units = "m";  // neither standard_name nor angular units: no latitude
  read_field(make_file("nolat.nc", s), "", &e);
  EXPECT_NE(e, 0);
  NcFieldRequest r;
  r.path = make_file("novar.nc", Spec{});
  r.var = "pr";
  NcField f;
  EXPECT_NE(read_nc_field(PETSC_COMM_WORLD, r, &f), 0);
  read_field(r.path, "2:9", &e);
  EXPECT_NE(e, 0);
  PetscPopErrorHandler();
}

Model train_on(MPI_Comm comm, const std::string& data) {
  TrainOptions o;
  o.data = data;
  o.group = "Cs";
  o.cutoff.lmax = 6;
  o.tau = 1e-6;
  o.verbose = false;
  Model m;
  TrainReport rep;
  EXPECT_EQ(train_model(comm, o, &m, &rep), 0);
  return m;
}

double coef_dev(const Model& a, const Model& b) {
  double d = 0, s = 0;
  EXPECT_EQ(a.coef.size(), b.coef.size());
  for (std::size_t i = 0; i < a.coef.size() && i < b.coef.size(); ++i)
    d = std::max(d, std::fabs(a.coef[i] - b.coef[i])), s = std::max(s, std::fabs(b.coef[i]));
  return d / s;
}

TEST(NetcdfMPI, TrainingEqualsTheHdf5PathAndIgnoresTheRankCount) {
  const std::string nc = make_file("train.nc", Spec{});
  PetscOptionsSetValue(nullptr, "-var", "tas");
  const Model m = train_on(PETSC_COMM_WORLD, nc);
  EXPECT_EQ(m.ntargets, kNt);
  // The same rows (points, values, weights) through the HDF5 source.
  NcField f = read_field(nc);
  ASSERT_EQ(nc_field_to_row_blocks(PETSC_COMM_WORLD, &f), 0);
  const std::string h5 = scratch("train_same_rows.h5");
  H5Writer w;
  ASSERT_EQ(w.create(PETSC_COMM_WORLD, h5), 0);
  ASSERT_EQ(w.create_dataset("points", {hsize_t(f.nkept), 3}), 0);
  ASSERT_EQ(w.create_dataset("values", {hsize_t(f.nkept), hsize_t(kNt)}), 0);
  ASSERT_EQ(w.create_dataset("weights", {hsize_t(f.nkept)}), 0);
  const PetscInt b = PetscInt(f.row_offset), c = PetscInt(f.rows());
  ASSERT_EQ(w.write_rows("points", b, c, f.points.data()), 0);
  ASSERT_EQ(w.write_rows("values", b, c, f.values.data()), 0);
  ASSERT_EQ(w.write_rows("weights", b, c, f.weights.data()), 0);
  ASSERT_EQ(w.commit(), 0);
  PetscOptionsClearValue(nullptr, "-var");  // an HDF5 input refuses netCDF's -var
  const Model mh = train_on(PETSC_COMM_WORLD, h5);
  PetscOptionsSetValue(nullptr, "-var", "tas");
  EXPECT_LE(global_max(coef_dev(m, mh)), 1e-12);
  // One rank reading the whole file alone gives the same fit.
  double dev = 0;
  if (world_rank() == 0) dev = coef_dev(train_on(PETSC_COMM_SELF, nc), m);
  EXPECT_LE(global_max(dev), 1e-12);
  // Cs (z -> -z) invariance of the fit on the grid's points.
  std::vector<double> p(f.points), q(f.points), fp, fq;
  for (std::size_t r = 0; r < f.rows(); ++r) q[3 * r + 2] = -q[3 * r + 2];
  predict_points(m, p.data(), PetscInt(f.rows()), &fp);
  predict_points(m, q.data(), PetscInt(f.rows()), &fq);
  double inv = 0;
  for (std::size_t i = 0; i < fp.size(); ++i) inv = std::max(inv, std::fabs(fp[i] - fq[i]));
  EXPECT_LE(global_max(inv), 1e-9);
  PetscOptionsClearValue(nullptr, "-var");
}

TEST(NetcdfMPI, PredictionFileRoundTrips) {
  for (bool nc4 : {false, true}) {
    Spec s;
    s.netcdf4 = nc4;
    const std::string in = make_file(nc4 ? "like4.nc" : "like3.nc", s), out = scratch(nc4 ? "fit4.nc" : "fit3.nc");
    PetscOptionsSetValue(nullptr, "-like", in.c_str());
    PetscOptionsSetValue(nullptr, "-output_residual", "1");
    PetscOptionsSetValue(nullptr, "-var", "tas");
    const Model m = train_on(PETSC_COMM_WORLD, in);
    RowRequest req;
    req.role = "-points";
    req.values = ValuesNeed::None;
    req.manifold = &m.manifold();
    std::unique_ptr<RowSource> src;
    ASSERT_EQ(open_row_source(PETSC_COMM_WORLD, in, req, &src), 0);
    std::unique_ptr<RowSink> sink;
    ASSERT_EQ(create_row_sink(PETSC_COMM_WORLD, out, "-output", src->rows_total(), {{"values", kNt}}, &sink), 0);
    RowBlock blk;
    std::vector<double> fit;
    for (bool done = false;;) {
      ASSERT_EQ(src->next_block(50, &blk, &done), 0);
      if (done) break;
      predict_points(m, blk.points.data(), blk.count, &fit);
      ASSERT_EQ(sink->write_rows("values", blk.offset, blk.count, fit.data()), 0);
    }
    ASSERT_EQ(src->close(), 0);
    Attributes a;
    a.set("group", "Cs");
    ASSERT_EQ(sink->set_attributes(a), 0);
    ASSERT_EQ(sink->commit(), 0);
    PetscOptionsClearValue(nullptr, "-like");
    PetscOptionsClearValue(nullptr, "-output_residual");
    PetscOptionsClearValue(nullptr, "-var");
    // Rank 0 reads the whole output and checks it against the model at every cell.
    double dfit = 0, dres = 0, dlat = 0;
    int nfill = 0;
    if (world_rank() == 0) {
      int nc, vf, vr, vl;
      NC(nc_open(out.c_str(), NC_NOWRITE, &nc));
      NC(nc_inq_varid(nc, "tas", &vf));
      NC(nc_inq_varid(nc, "tas_residual", &vr));
      NC(nc_inq_varid(nc, "y", &vl));
      std::vector<double> F(kNt * kNlat * kNlon), R(F.size()), L(kNlat);
      NC(nc_get_var_double(nc, vf, F.data()));
      NC(nc_get_var_double(nc, vr, R.data()));
      NC(nc_get_var_double(nc, vl, L.data()));
      NC(nc_close(nc));
      for (int j = 0; j < kNlat; ++j) dlat = std::max(dlat, std::fabs(L[j] - 0.5 * (lat_edge(j) + lat_edge(j + 1))));
      for (int j = 0; j < kNlat; ++j)
        for (int i = 0; i < kNlon; ++i) {
          double x[3];
          latlon_to_unit(0.5 * (lat_edge(j) + lat_edge(j + 1)) * kPi / 180, (i + 0.5) * 2 * kPi / kNlon, x);
          std::vector<double> g;
          predict_points(m, x, 1, &g);
          const bool masked = (j == 5 && i == 7) || (j == 2 && i == 3);
          for (int t = 0; t < kNt; ++t) {
            const std::size_t e = std::size_t((t * kNlat + j) * kNlon + i);
            if (masked) {
              nfill += F[e] == 1e20 && R[e] == 1e20;
              continue;
            }
            dfit = std::max(dfit, std::fabs(F[e] - g[t]));
            dres = std::max(dres, std::fabs(R[e] - (packed(t, j, i) * kScale + kOffset - g[t])));
          }
        }
    }
    EXPECT_LE(global_max(dfit), 1e-10) << nc4;
    EXPECT_LE(global_max(dres), 1e-10) << nc4;
    EXPECT_LE(global_max(dlat), 0.0) << nc4;
    if (world_rank() == 0) EXPECT_EQ(nfill, 2 * kNt) << nc4;
    EXPECT_FALSE(file_exists(out + ".tmp"));
  }
}

}  // namespace
}  // namespace specavg
