// The grid path (-features sht, parallel/sht_train.hpp) against the pointwise path, on
// HEALPix maps (RING and NESTED, with and without a mask) and on Gauss and equiangular
// lat/lon netCDF grids (with and without masked cells), for the spectral and ridge
// estimators: the coefficient conventions of the transforms against the pointwise
// features, equal models to 1e-10 at every rank count (so the grid path is rank-count
// independent like the pointwise one), exact invariance of its predictions, and the
// refusal of -features sht on scattered points.
#include <fitsio.h>
#include <gtest/gtest.h>
#include <healpix_cxx/healpix_base.h>
#include <netcdf.h>
#include <netcdf_par.h>

#include <cmath>
#include <cstdio>
#include <functional>

#include "mpi_test_util.hpp"
#include "specavg/basis/gauss_quadrature.hpp"
#include "specavg/basis/sphere_harmonics.hpp"
#include "specavg/parallel/dataset.hpp"
#include "specavg/parallel/predict.hpp"
#include "specavg/parallel/sht_predict.hpp"
#include "specavg/parallel/sht_rings.hpp"
#include "specavg/parallel/train.hpp"

namespace specavg {
namespace {

using test::global_max;
using test::scratch;
using test::world_rank;

// A smooth sky with invariant and non-invariant parts, two targets.
double sky(const double* x, int t) {
  return 1.0 + x[0] + 0.5 * x[2] * x[2] + 0.3 * x[0] * x[1] * x[2] + 0.2 * x[2] + t * (0.1 * x[1] - 0.4 * x[2] * x[0]) +
         0.05 * std::sin(5 * x[0] + 3 * x[1]);
}

// Both columns of the HEALPix maps below are targets while one lives.
struct BothColumns {
  BothColumns() { PetscOptionsSetValue(nullptr, "-columns", "A,B"); }
  ~BothColumns() { PetscOptionsClearValue(nullptr, "-columns"); }
};

// HEALPix map with two double columns A, B (rank 0 writes); pixels with keep(p) false UNSEEN.
std::string write_healpix(const std::string& name, long long nside, bool nested,
                          const std::function<bool(long long)>& keep) {
  const std::string path = scratch(name);
  if (world_rank() == 0) {
    const T_Healpix_Base<int64> base(nside, nested ? NEST : RING, SET_NSIDE);
    const long long npix = 12 * nside * nside;
    std::string n1 = "A", n2 = "B", f1 = "1D", f2 = "1D";
    char* tt[2] = {&n1[0], &n2[0]};
    char* tf[2] = {&f1[0], &f2[0]};
    std::remove(path.c_str());
    fitsfile* f = nullptr;
    int st = 0;
    fits_create_file(&f, path.c_str(), &st);
    fits_create_img(f, 8, 0, nullptr, &st);
    fits_create_tbl(f, BINARY_TBL, npix, 2, tt, tf, nullptr, "xtension", &st);
    fits_write_key(f, TSTRING, "PIXTYPE", (void*)"HEALPIX", nullptr, &st);
    fits_write_key(f, TSTRING, "ORDERING", (void*)(nested ? "NESTED" : "RING"), nullptr, &st);
    fits_write_key(f, TLONGLONG, "NSIDE", &nside, nullptr, &st);
    for (int t = 0; t < 2; ++t) {
      std::vector<double> v(static_cast<std::size_t>(npix));
      for (long long p = 0; p < npix; ++p) {
        const vec3 c = base.pix2vec(p);
        const double x[3] = {c.x, c.y, c.z};
        v[std::size_t(p)] = keep(p) ? sky(x, t) : -1.6375e30;
      }
      fits_write_col(f, TDOUBLE, t + 1, 1, 1, npix, v.data(), &st);
    }
    fits_close_file(f, &st);
    EXPECT_EQ(st, 0) << "cfitsio status writing " << path;
  }
  MPI_Barrier(PETSC_COMM_WORLD);
  return path;
}

// Lat/lon netCDF grid (double coordinates, two time steps); cells with keep false hold
// the fill value.
std::string write_latlon(const std::string& name, const std::vector<double>& lat_deg, int nlon,
                         const std::function<bool(int, int)>& keep) {
  const std::string path = scratch(name);
  if (world_rank() == 0) {
    const int nlat = int(lat_deg.size());
    int nc, dt, dla, dlo, vla, vlo, vt, vf;
    std::remove(path.c_str());
    EXPECT_EQ(nc_create(path.c_str(), NC_CLOBBER | NC_NETCDF4, &nc), NC_NOERR);
    nc_def_dim(nc, "time", 2, &dt);
    nc_def_dim(nc, "lat", std::size_t(nlat), &dla);
    nc_def_dim(nc, "lon", std::size_t(nlon), &dlo);
    auto text = [&](int v, const char* k, const std::string& x) { nc_put_att_text(nc, v, k, x.size(), x.c_str()); };
    nc_def_var(nc, "time", NC_DOUBLE, 1, &dt, &vt);
    text(vt, "units", "days since 2000-01-01");
    nc_def_var(nc, "lat", NC_DOUBLE, 1, &dla, &vla);
    text(vla, "units", "degrees_north");
    nc_def_var(nc, "lon", NC_DOUBLE, 1, &dlo, &vlo);
    text(vlo, "units", "degrees_east");
    int d3[3] = {dt, dla, dlo};
    nc_def_var(nc, "field", NC_DOUBLE, 3, d3, &vf);
    const double fill = 1e20;
    nc_put_att_double(nc, vf, "_FillValue", NC_DOUBLE, 1, &fill);
    nc_enddef(nc);
    std::vector<double> lo(static_cast<std::size_t>(nlon)), v(static_cast<std::size_t>(2 * nlat * nlon)), tt = {0, 1};
    for (int i = 0; i < nlon; ++i) lo[std::size_t(i)] = 360.0 * i / nlon;
    const double d = M_PI / 180;
    for (int t = 0; t < 2; ++t)
      for (int j = 0; j < nlat; ++j)
        for (int i = 0; i < nlon; ++i) {
          const double la = lat_deg[std::size_t(j)] * d, l = lo[std::size_t(i)] * d;
          const double x[3] = {std::cos(la) * std::cos(l), std::cos(la) * std::sin(l), std::sin(la)};
          v[std::size_t((t * nlat + j) * nlon + i)] = keep(j, i) ? sky(x, t) : fill;
        }
    nc_put_var_double(nc, vt, tt.data());
    nc_put_var_double(nc, vla, lat_deg.data());
    nc_put_var_double(nc, vlo, lo.data());
    nc_put_var_double(nc, vf, v.data());
    EXPECT_EQ(nc_close(nc), NC_NOERR);
  }
  MPI_Barrier(PETSC_COMM_WORLD);
  return path;
}

std::vector<double> gauss_latitudes(int n) {
  std::vector<double> x, w, lat;
  gauss_legendre(n, x, w);
  for (double z : x) lat.push_back(std::asin(z) * 180 / M_PI);
  return lat;
}
std::vector<double> equiangular_latitudes(int n) {
  std::vector<double> lat;
  for (int j = 0; j < n; ++j) lat.push_back(-90.0 + 180.0 * (j + 0.5) / n);
  return lat;
}

PetscErrorCode fit(const std::string& data, const std::string& features, const Estimator& est, const char* group,
                   int lmax, Model* m, TrainReport* r) {
  TrainOptions o;
  o.data = data;
  o.group = group;
  o.cutoff.lmax = lmax;
  o.estimator = &est;
  o.tau = 1e-3;
  o.features = features;
  o.select.uncertainty = 0;
  o.verbose = false;
  return train_model(PETSC_COMM_WORLD, o, m, r);
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

// Both estimators through both paths: equal coefficients, and the grid path's predictions
// exactly invariant under the generators.
void expect_paths_agree(const std::string& data, const char* group, int lmax) {
  for (const Estimator* est : {&spectral_estimator(), &ridge_estimator()}) {
    Model sht, pw;
    TrainReport rs, rp;
    ASSERT_EQ(fit(data, "sht", *est, group, lmax, &sht, &rs), 0);
    ASSERT_EQ(fit(data, "pointwise", *est, group, lmax, &pw, &rp), 0);
    EXPECT_EQ(sht.ntargets, 2);
    EXPECT_EQ(sht.prov.n_train, pw.prov.n_train);
    EXPECT_NEAR(sht.prov.weight_sum, pw.prov.weight_sum, 1e-9 * pw.prov.weight_sum);
    EXPECT_LE(relative_deviation(sht, pw), 1e-10) << data << " " << est->name();
    if (est->penalized()) {
      EXPECT_GT(rs.solve.iterations, 0);
      EXPECT_LE(rs.solve.max_rel_residual, 1e-12);
    }
    // Invariance: f(g x) = f(x) at random points for every generator.
    std::vector<double> x, gx;
    for (int i = 0; i < 50; ++i) {
      const double a = 0.37 * i + 0.1, b = std::acos(std::fmod(0.613 * i, 2.0) - 1.0);
      x.insert(x.end(), {std::sin(b) * std::cos(a), std::sin(b) * std::sin(a), std::cos(b)});
    }
    std::vector<double> f(100), fg(100);
    est->predict(sht, x.data(), 50, f.data());
    double dev = 0;
    for (const Isometry& g : sht.generators) {
      gx.assign(x.size(), 0.0);
      for (int i = 0; i < 50; ++i) isometry_apply(g, &x[std::size_t(3 * i)], &gx[std::size_t(3 * i)]);
      est->predict(sht, gx.data(), 50, fg.data());
      for (int i = 0; i < 100; ++i) dev = std::max(dev, std::fabs(f[std::size_t(i)] - fg[std::size_t(i)]));
    }
    EXPECT_LE(dev, 1e-12) << data << " " << est->name();
  }
}

TEST(ShtMPI, TransformsMatchThePointwiseHarmonics) {
  // Adjoint: Σ_i w_i y_i Y(x_i) from libsharp equals the sum of the pointwise features;
  // synthesis: Σ c Y at every cell of the rank's rings equals the pointwise evaluation.
  const int lmax = 20;
  const BothColumns both;
  const std::string path = write_healpix("sht_conv.fits", 16, true, [](long long p) { return p % 7 != 3; });
  const ManifoldPtr M = make_manifold("s2", 3);
  std::unique_ptr<RowSource> src;
  ASSERT_EQ(open_row_source(PETSC_COMM_WORLD, path, {"-data", ValuesNeed::Required, M.get()}, &src), 0);
  ShtGrid g;
  std::string why;
  ASSERT_EQ(sht_gather(PETSC_COMM_WORLD, *src, lmax, true, 97, &g, &why), 0);
  ASSERT_EQ(why, "");
  ASSERT_EQ(src->close(), 0);
  const std::size_t nc = g.ncoef();
  std::vector<double> c(nc);
  g.adjoint(g.values.data(), c.data());
  ASSERT_EQ(sht_allreduce(PETSC_COMM_WORLD, &c), 0);
  LocalData d;
  ASSERT_EQ(test::read_rows(path, "-data", ValuesNeed::Required, *M, &d), 0);
  const SphereHarmonics Y(lmax);
  const std::size_t n = d.points.size() / 3;
  std::vector<double> phi(std::max<std::size_t>(n, 1) * nc), ref(nc, 0.0);
  if (n) Y.evaluate(d.points.data(), n, phi.data(), n);
  for (std::size_t j = 0; j < nc; ++j)
    for (std::size_t i = 0; i < n; ++i) ref[j] += phi[j * n + i] * d.values[i * 2];
  MPI_Allreduce(MPI_IN_PLACE, ref.data(), int(nc), MPI_DOUBLE, MPI_SUM, PETSC_COMM_WORLD);
  double dev = 0, scale = 0;
  for (std::size_t j = 0; j < nc; ++j) dev = std::max(dev, std::fabs(c[j] - ref[j])), scale = std::max(scale, std::fabs(ref[j]));
  EXPECT_LE(global_max(dev / scale), 1e-12);
  // Synthesis of a random coefficient vector at the rank's cells.
  for (std::size_t j = 0; j < nc; ++j) c[j] = std::sin(1.7 * double(j) + 0.3);
  std::vector<double> map(g.local_cells());
  g.synthesis(c.data(), map.data());
  double sdev = 0;
  for (const ShtGrid::Ring& r : g.rings)
    for (long long j = 0; j < r.nphi; ++j) {
      const double ph = r.phi0 + 2 * M_PI * double(j) / double(r.nphi);
      const double x[3] = {std::sin(r.theta) * std::cos(ph), std::sin(r.theta) * std::sin(ph), std::cos(r.theta)};
      std::vector<double> v(nc);
      Y.evaluate(x, 1, v.data(), 1);
      double s = 0;
      for (std::size_t k = 0; k < nc; ++k) s += c[k] * v[k];
      sdev = std::max(sdev, std::fabs(s - map[r.offset + std::size_t(j)]));
    }
  EXPECT_LE(global_max(sdev), 1e-11);
}

TEST(ShtMPI, HealpixEqualsPointwise) {
  const BothColumns both;
  expect_paths_agree(write_healpix("sht_hp8.fits", 8, false, [](long long) { return true; }), "Ih", 10);
  expect_paths_agree(write_healpix("sht_hp16n.fits", 16, true, [](long long p) { return p % 11 != 4; }), "D3", 12);
  // A galactic-cut style mask: |z| < 0.3 removed (RING numbers of a NSIDE 32 map).
  const T_Healpix_Base<int64> b32(32, RING, SET_NSIDE);
  expect_paths_agree(write_healpix("sht_hp32cut.fits", 32, false,
                                   [&](long long p) { return std::fabs(b32.pix2vec(p).z) >= 0.3; }),
                     "Cs", 16);
}

TEST(ShtMPI, GaussAndEquiangularGridsEqualPointwise) {
  expect_paths_agree(write_latlon("sht_gauss.nc", gauss_latitudes(16), 32, [](int, int) { return true; }), "C4", 12);
  expect_paths_agree(write_latlon("sht_equi.nc", equiangular_latitudes(18), 36, [](int j, int) { return j > 2; }),
                     "Cs", 12);
  expect_paths_agree(write_latlon("sht_gauss_holes.nc", gauss_latitudes(12), 24,
                                  [](int j, int i) { return (j * 24 + i) % 9 != 2; }),
                     "Ci", 10);
}

// Predictions by synthesis on the rows of a grid source equal the pointwise predictions.
double synthesis_deviation(const Model& m, std::unique_ptr<RowSource> src) {
  std::unique_ptr<ShtPredictor> p;
  std::string why;
  EXPECT_EQ(ShtPredictor::create(PETSC_COMM_WORLD, m, *src, 50, &p, &why), 0);
  EXPECT_EQ(why, "");
  if (!p) return 1.0;
  RowBlock b;
  std::vector<double> f, ref;
  double dev = 0, scale = 0;
  long long rows = 0;
  for (bool done = false;;) {
    EXPECT_EQ(src->next_block(37, &b, &done), 0);
    if (done) break;
    EXPECT_EQ(p->predict_block(b, &f), 0);
    predict_points(m, b.points.data(), b.count, &ref);
    EXPECT_EQ(f.size(), ref.size());
    for (std::size_t i = 0; i < f.size() && i < ref.size(); ++i)
      dev = std::max(dev, std::fabs(f[i] - ref[i])), scale = std::max(scale, std::fabs(ref[i]));
    rows += b.count;
  }
  EXPECT_EQ(src->close(), 0);
  long long total = 0;
  MPI_Allreduce(&rows, &total, 1, MPI_LONG_LONG, MPI_SUM, PETSC_COMM_WORLD);
  EXPECT_EQ(total, (long long)src->rows_total());
  return global_max(dev / std::max(scale, 1e-300));
}

TEST(ShtMPI, PredictionBySynthesisEqualsPointwise) {
  const BothColumns both;
  const std::string map = write_healpix("sht_pred.fits", 16, true, [](long long p) { return p % 5 != 1; });
  Model m;
  TrainReport r;
  ASSERT_EQ(fit(map, "sht", ridge_estimator(), "D3", 12, &m, &r), 0);
  std::unique_ptr<RowSource> src;
  ASSERT_EQ(open_row_source(PETSC_COMM_WORLD, map, {"-points", ValuesNeed::None, &m.manifold()}, &src), 0);
  EXPECT_LE(synthesis_deviation(m, std::move(src)), 1e-11);
  ASSERT_EQ(open_grid_row_source(PETSC_COMM_WORLD, "latlon:13:27", {"-points", ValuesNeed::None, &m.manifold()}, &src),
            0);
  EXPECT_LE(synthesis_deviation(m, std::move(src)), 1e-11);
}

// A block-sparse basis (Cs, the Wigner route about z) through the grid path: Qᵀc and Qa
// are gathers and scatters on it. The spectral model equals the pointwise one (≤ 1e-10),
// and synthesis with it equals synthesis with the same basis densified (≤ 1e-12).
TEST(ShtMPI, SparseBasisSpectralEqualsPointwise) {
  const BothColumns both;
  const std::string map = write_healpix("sht_sparse.fits", 16, false, [](long long p) { return p % 7 != 3; });
  Model sht, pw;
  TrainReport rs, rp;
  ASSERT_EQ(fit(map, "sht", spectral_estimator(), "Cs", 24, &sht, &rs), 0);
  ASSERT_EQ(fit(map, "pointwise", spectral_estimator(), "Cs", 24, &pw, &rp), 0);
  for (const SpaceInvariants& s : sht.basis.spaces) {
    EXPECT_TRUE(s.sparse) << s.label;
    EXPECT_TRUE(s.Q.empty()) << s.label;
  }
  EXPECT_LE(relative_deviation(sht, pw), 1e-10);
  Model dense = sht;
  for (SpaceInvariants& s : dense.basis.spaces) s.Q = s.dense(), s.sparse = false;
  std::unique_ptr<ShtPredictor> ps, pd;
  std::unique_ptr<RowSource> src;
  std::string why;
  ASSERT_EQ(open_row_source(PETSC_COMM_WORLD, map, {"-points", ValuesNeed::None, &sht.manifold()}, &src), 0);
  ASSERT_EQ(ShtPredictor::create(PETSC_COMM_WORLD, sht, *src, 64, &ps, &why), 0);
  ASSERT_EQ(ShtPredictor::create(PETSC_COMM_WORLD, dense, *src, 64, &pd, &why), 0);
  RowBlock b;
  std::vector<double> fs, fd;
  double dev = 0, scale = 0;
  for (bool done = false;;) {
    ASSERT_EQ(src->next_block(41, &b, &done), 0);
    if (done) break;
    ASSERT_EQ(ps->predict_block(b, &fs), 0);
    ASSERT_EQ(pd->predict_block(b, &fd), 0);
    for (std::size_t i = 0; i < fs.size(); ++i)
      dev = std::max(dev, std::fabs(fs[i] - fd[i])), scale = std::max(scale, std::fabs(fd[i]));
  }
  EXPECT_EQ(src->close(), 0);
  EXPECT_GT(global_max(scale), 0.0);
  EXPECT_LE(global_max(dev), 1e-12);
}

TEST(ShtMPI, ShtOnScatteredPointsRefused) {
  const std::string data = test::synth("sht_scatter.h5", "s2", 3, "Cs", "bumps", 500, 0.0, 7);
  Model m;
  TrainReport r;
  PetscPushErrorHandler(PetscReturnErrorHandler, nullptr);
  const PetscErrorCode ierr = fit(data, "sht", spectral_estimator(), "Cs", 6, &m, &r);
  PetscPopErrorHandler();
  EXPECT_EQ(ierr, PETSC_ERR_USER_INPUT);
  // auto on the same data takes the pointwise path and fits.
  EXPECT_EQ(fit(data, "auto", spectral_estimator(), "Cs", 6, &m, &r), 0);
}

}  // namespace
}  // namespace specavg
