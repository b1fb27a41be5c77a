// Parallel read of a CF field: slab per rank, masks united over steps, area weights.
#include "specavg/io/nc_field.hpp"

#include <algorithm>
#include <cmath>
#include <sstream>
#include <cstring>
#include <type_traits>
#include <stdexcept>


#include "nc_file.hpp"
#include "specavg/comm/collective.hpp"
#include "specavg/comm/petsc_util.hpp"
#include "specavg/io/h5_parallel.hpp"
#include "specavg/util/huge_pages.hpp"

namespace specavg {
namespace {

// The slab of the slowest spatial dimension a rank reads.
struct Slab {
  std::size_t j0 = 0, nj = 0, rest = 1;  // rows [j0, j0 + nj) of `rest` cells each
};

Slab my_slab(MPI_Comm comm, const CfGrid& g) {
  Slab s;
  PetscInt b, c;
  row_block(comm, PetscInt(g.spatial_shape[0]), &b, &c);
  s.j0 = std::size_t(b);
  s.nj = std::size_t(c);
  for (std::size_t p = 1; p < g.spatial_shape.size(); ++p) s.rest *= g.spatial_shape[p];
  return s;
}

// Runs `fn` with a std::runtime_error turned into one agreed error on every rank.
template <class Fn>
PetscErrorCode agreed(MPI_Comm comm, Fn fn) {
  std::string msg;
  try {
    fn();
  } catch (const std::exception& e) {
    msg = e.what();
  }
  return collective_check(comm, msg.empty(), msg);
}

// Variables that could be the field: not coordinates, bounds or cell measures.
std::string guess_variable(const CfMeta& m, const std::string& where) {
  std::vector<std::string> aux;
  for (const CfVar& v : m.vars) {
    for (const char* a : {"bounds", "coordinates", "cell_measures"}) {
      std::istringstream is(v.text(a));
      for (std::string w; is >> w;) aux.push_back(w);
    }
  }
  std::vector<std::string> found;
  for (const CfVar& v : m.vars) {
    if (v.dims.empty() || (v.dims.size() == 1 && v.dims[0] == v.name)) continue;
    if (std::find(aux.begin(), aux.end(), v.name) != aux.end()) continue;
    try {
      find_cf_grid(m, v.name, where);
      found.push_back(v.name);
    } catch (const std::exception&) {
    }
  }
  if (found.size() == 1) return found[0];
  std::string names;
  for (const auto& n : found) names += (names.empty() ? "" : ", ") + n;
  throw std::runtime_error(found.empty() ? "no variable on a recognizable latitude/longitude grid in " + where +
                                               ": coordinates need standard_name latitude/longitude or units "
                                               "degrees_north/degrees_east"
                                         : where + " has several fields (" + names + "): pass -var <name>");
}

// Reads the whole of a small variable (coordinates, rectilinear bounds) on every rank.
PetscErrorCode read_all(NcFile& nc, const CfVar& v, std::vector<double>* out) {
  PetscFunctionBeginUser;
  std::size_t n = 1;
  for (std::size_t s : v.shape) n *= s;
  out->assign(n, 0.0);
  std::vector<std::size_t> start(v.shape.size(), 0);
  PetscCall(nc.read(v, start, v.shape, out->data()));
  PetscFunctionReturn(PETSC_SUCCESS);
}

// Rows [j0, j0 + nj) of the first dimension of v, everything else whole.
PetscErrorCode read_slab(NcFile& nc, const CfVar& v, std::size_t j0, std::size_t nj, std::vector<double>* out) {
  PetscFunctionBeginUser;
  std::vector<std::size_t> start(v.shape.size(), 0), count = v.shape;
  start[0] = j0;
  count[0] = nj;
  std::size_t n = 1;
  for (std::size_t c : count) n *= c;
  out->assign(n, 0.0);
  PetscCall(nc.read(v, start, count, out->data()));
  PetscFunctionReturn(PETSC_SUCCESS);
}

// The spatial dimension names of the grid, in the data variable's order.
std::vector<std::string> spatial_dims(const NcField& f) {
  const CfVar& d = *f.meta.find(f.grid.var);
  std::vector<std::string> s;
  for (int a : f.grid.spatial_axes) s.push_back(d.dims[std::size_t(a)]);
  return s;
}

// Weights of this rank's cells (before masking) and their source.
PetscErrorCode cell_weights(MPI_Comm comm, NcFile& nc, const NcField& f, const Slab& s, std::vector<double>* w,
                            std::string* source) {
  PetscFunctionBeginUser;
  const CfGrid& g = f.grid;
  const CfVar& lat = *f.meta.find(g.lat);
  const CfVar& lon = *f.meta.find(g.lon);
  const std::size_t ncl = s.nj * s.rest;
  w->assign(ncl, 1.0);
  std::string note;
  // 1. cell_measures "area: X"
  {
    std::istringstream is(f.meta.find(g.var)->text("cell_measures"));
    std::string key, name;
    while (is >> key >> name)
      if (key == "area:") break;
    if (key == "area:" && !name.empty()) {
      const CfVar* a = f.meta.find(name);
      if (a && a->dims == spatial_dims(f)) {
        std::vector<double> raw;
        PetscCall(read_slab(nc, *a, s.j0, s.nj, &raw));
        const CfPacking p = cf_packing(*a, NcFile::default_fill(a->nctype));
        for (std::size_t c = 0; c < ncl; ++c)
          if (!p.decode(raw[c], &(*w)[c])) (*w)[c] = std::nan("");  // masked area: the cell is dropped
        *source = "cell_measures (" + name + ")";
        PetscFunctionReturn(PETSC_SUCCESS);
      }
      note = a ? " (cell_measures '" + name + "' does not span the grid's dimensions)"
               : " (cell_measures names '" + name + "', which is not in the file)";
    }
  }
  const CfVar* blat = f.meta.find(lat.text("bounds"));
  const CfVar* blon = f.meta.find(lon.text("bounds"));
  if (g.kind == GridKind::Rectilinear) {
    std::vector<double> la, lo;
    if (blat && blon && blat->shape.size() == 2 && blon->shape.size() == 2 && blat->shape[1] == 2 &&
        blon->shape[1] == 2 && blat->shape[0] == lat.shape[0] && blon->shape[0] == lon.shape[0]) {
      std::vector<double> bla, blo;
      PetscCall(read_all(nc, *blat, &bla));
      PetscCall(read_all(nc, *blon, &blo));
      la.resize(lat.shape[0] * 2);
      lo.resize(lon.shape[0] * 2);
      for (std::size_t j = 0; j < la.size(); ++j) la[j] = bla[j] * g.lat_scale;
      for (std::size_t i = 0; i < lo.size(); ++i) lo[i] = blo[i] * g.lon_scale;
      *source = "cell bounds (" + blat->name + ", " + blon->name + ")";
    } else {
      std::vector<double> cla, clo;
      PetscCall(read_all(nc, lat, &cla));
      PetscCall(read_all(nc, lon, &clo));
      for (double& x : cla) x *= g.lat_scale;
      for (double& x : clo) x *= g.lon_scale;
      const std::vector<double> ela = edges_from_centres(cla, true), elo = edges_from_centres(clo, false);
      la.resize(cla.size() * 2);
      lo.resize(clo.size() * 2);
      for (std::size_t j = 0; j < cla.size(); ++j) la[2 * j] = ela[j], la[2 * j + 1] = ela[j + 1];
      for (std::size_t i = 0; i < clo.size(); ++i) lo[2 * i] = elo[i], lo[2 * i + 1] = elo[i + 1];
      *source = "grid spacing (cell edges midway between centres)" + note;
    }
    const std::size_t n1 = g.spatial_shape[1];
    for (std::size_t c = 0; c < ncl; ++c) {
      const std::size_t i0 = s.j0 + c / n1, i1 = c % n1;
      const std::size_t j = g.lat_axis == 0 ? i0 : i1, i = g.lat_axis == 0 ? i1 : i0;
      (*w)[c] = latlon_box_area(la[2 * j], la[2 * j + 1], lo[2 * i], lo[2 * i + 1]);
    }
    PetscFunctionReturn(PETSC_SUCCESS);
  }
  // Curvilinear and unstructured: coordinates must follow the data's spatial order.
  PetscCall(agreed(comm, [&] {
    if (lat.dims != spatial_dims(f))
      throw std::runtime_error("latitude '" + lat.name + "' in " + f.where +
                               " lists its dimensions in another order than variable '" + g.var +
                               "': transpose one of them");
  }));
  if (blat && blon && blat->shape.size() == lat.shape.size() + 1 && blon->shape == blat->shape) {
    std::vector<double> bla, blo;
    PetscCall(read_slab(nc, *blat, s.j0, s.nj, &bla));
    PetscCall(read_slab(nc, *blon, s.j0, s.nj, &blo));
    const int nv = int(blat->shape.back());
    for (double& x : bla) x *= g.lat_scale;
    for (double& x : blo) x *= g.lon_scale;
    for (std::size_t c = 0; c < ncl; ++c)
      (*w)[c] = spherical_polygon_area(&bla[c * std::size_t(nv)], &blo[c * std::size_t(nv)], nv);
    *source = "cell bounds (" + blat->name + ", " + blon->name + ")";
    PetscFunctionReturn(PETSC_SUCCESS);
  }
  if (g.kind == GridKind::Unstructured) {
    *source = "uniform (an unstructured grid without cell_measures or bounds)" + note;
    PetscFunctionReturn(PETSC_SUCCESS);
  }
  // Curvilinear spacing: centres of the slab plus one row of halo each side.
  const std::size_t ny = g.spatial_shape[0], nx = g.spatial_shape[1];
  const std::size_t h0 = s.nj && s.j0 > 0 ? s.j0 - 1 : s.j0;
  const std::size_t h1 = s.nj ? std::min(ny, s.j0 + s.nj + 1) : s.j0;
  std::vector<double> cla, clo;
  PetscCall(read_slab(nc, lat, h0, h1 - h0, &cla));
  PetscCall(read_slab(nc, lon, h0, h1 - h0, &clo));
  std::vector<double> xyz(cla.size() * 3);
  for (std::size_t c = 0; c < cla.size(); ++c) latlon_to_unit(cla[c] * g.lat_scale, clo[c] * g.lon_scale, &xyz[3 * c]);
  for (std::size_t c = 0; c < ncl; ++c) {
    const std::size_t j = s.j0 + c / nx, i = c % nx;
    // Within the halo slab: central differences everywhere but at the grid's own edges.
    (*w)[c] = curvilinear_spacing_area(xyz, h1 - h0, nx, j - h0, i);
  }
  *source = "grid spacing (|dr/di x dr/dj| of the cell centres)" + note;
  PetscFunctionReturn(PETSC_SUCCESS);
}

// Unit vectors of this rank's cells.
PetscErrorCode cell_points(NcFile& nc, const NcField& f, const Slab& s, std::vector<double>* xyz) {
  PetscFunctionBeginUser;
  const CfGrid& g = f.grid;
  const CfVar& lat = *f.meta.find(g.lat);
  const CfVar& lon = *f.meta.find(g.lon);
  const std::size_t ncl = s.nj * s.rest;
  xyz->resize(ncl * 3);
  std::vector<double> la, lo;
  if (g.kind == GridKind::Rectilinear) {
    PetscCall(read_all(nc, lat, &la));
    PetscCall(read_all(nc, lon, &lo));
    const std::size_t n1 = g.spatial_shape[1];
    for (std::size_t c = 0; c < ncl; ++c) {
      const std::size_t i0 = s.j0 + c / n1, i1 = c % n1;
      const std::size_t j = g.lat_axis == 0 ? i0 : i1, i = g.lat_axis == 0 ? i1 : i0;
      latlon_to_unit(la[j] * g.lat_scale, lo[i] * g.lon_scale, &(*xyz)[3 * c]);
    }
  } else {
    PetscCall(read_slab(nc, lat, s.j0, s.nj, &la));
    PetscCall(read_slab(nc, lon, s.j0, s.nj, &lo));
    for (std::size_t c = 0; c < ncl; ++c) latlon_to_unit(la[c] * g.lat_scale, lo[c] * g.lon_scale, &(*xyz)[3 * c]);
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

// True when the variable's axes are its extra axes (time, if any, first) followed by its
// spatial axes: a box of whole steps is then [targets][cells] in memory.
bool targets_then_cells(const CfGrid& g, const CfVar& v) {
  const std::size_t ne = g.extra_axes.size(), ns = g.spatial_axes.size();
  if (ne + ns != v.shape.size()) return false;
  for (std::size_t a = 0; a < ne; ++a)
    if (g.extra_axes[a] != int(a)) return false;
  for (std::size_t p = 0; p < ns; ++p)
    if (g.spatial_axes[p] != int(ne + p)) return false;
  return g.time_axis < 0 || g.time_axis == 0;
}

// cell_values for targets_then_cells layouts: reads several steps per (collective) call
// and transposes [targets][cells] to [cells][targets] in cache tiles. Per-element strided
// writes across the whole slab cost more than the read itself at 10^6 cells x 100 steps.
PetscErrorCode cell_values_batched(MPI_Comm comm, NcFile& nc, const NcField& f, const Slab& s, const CfPacking& pk,
                                   std::vector<double>* vals, std::vector<int>* nmasked) {
  PetscFunctionBeginUser;
  const CfGrid& g = f.grid;
  const CfVar& v = *f.meta.find(g.var);
  const std::size_t ncl = s.nj * s.rest, k = std::size_t(f.ntargets), rank = v.shape.size();
  const std::size_t nsteps = g.time_axis >= 0 ? f.t1 - f.t0 : 1, per_step = k / nsteps;
  // Same number of steps per call on every rank: netCDF-4 reads are collective.
  unsigned long long mine = ncl, most = 0;
  PetscCallMPI(MPI_Allreduce(&mine, &most, 1, MPI_UNSIGNED_LONG_LONG, MPI_MAX, comm));
  const std::size_t budget = std::size_t(64) << 20;  // bytes of one read buffer
  const std::size_t batch =
      std::max<std::size_t>(1, std::min<std::size_t>(nsteps, budget / (8 * std::max<std::size_t>(1, most * per_step))));
  std::vector<std::size_t> start(rank, 0), cnt(rank);
  std::vector<double> buf;
  constexpr std::size_t tile = 64;
  for (std::size_t s0 = 0; s0 < nsteps; s0 += batch) {
    const std::size_t ns = std::min(batch, nsteps - s0), nt = ns * per_step;
    for (std::size_t a = 0; a < rank; ++a) start[a] = 0, cnt[a] = v.shape[a];
    if (g.time_axis == 0) start[0] = f.t0 + s0, cnt[0] = ns;
    start[std::size_t(g.spatial_axes[0])] = s.j0, cnt[std::size_t(g.spatial_axes[0])] = s.nj;
    buf.resize(std::max<std::size_t>(nt * ncl, 1));
    PetscCall(nc.read(v, start, cnt, buf.data()));
    const std::size_t t0 = s0 * per_step;
    for (std::size_t c0 = 0; c0 < ncl; c0 += tile) {
      const std::size_t c1 = std::min(ncl, c0 + tile);
      for (std::size_t e0 = 0; e0 < nt; e0 += tile) {
        const std::size_t e1 = std::min(nt, e0 + tile);
        for (std::size_t c = c0; c < c1; ++c) {
          double* out = vals->data() + c * k + t0;
          int bad = 0;
          for (std::size_t e = e0; e < e1; ++e)
            if (!pk.decode(buf[e * ncl + c], &out[e])) out[e] = 0.0, ++bad;
          (*nmasked)[c] += bad;
        }
      }
    }
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

// Decoded values of this rank's cells (ncl x ntargets) and the number of masked steps per cell.
PetscErrorCode cell_values(MPI_Comm comm, NcFile& nc, const NcField& f, const Slab& s, std::vector<double>* vals,
                           std::vector<int>* nmasked) {
  PetscFunctionBeginUser;
  const CfGrid& g = f.grid;
  const CfVar& v = *f.meta.find(g.var);
  const CfPacking pk = cf_packing(v, NcFile::default_fill(v.nctype));
  const std::size_t ncl = s.nj * s.rest, k = std::size_t(f.ntargets), rank = v.shape.size();
  // Room for the most rows this rank can hold after nc_field_to_row_blocks, so that the
  // redistribution rearranges in place instead of touching a second copy.
  int size;
  PetscCallMPI(MPI_Comm_size(comm, &size));
  const std::size_t most_rows = std::max(ncl, std::size_t((f.ncells + size - 1) / size));
  vals->reserve(most_rows * k);
  prefer_huge_pages(vals->data(), vals->capacity() * sizeof(double));
  vals->assign(ncl * k, 0.0);
  nmasked->assign(ncl, 0);
  if (targets_then_cells(g, v)) {
    PetscCall(cell_values_batched(comm, nc, f, s, pk, vals, nmasked));
    PetscFunctionReturn(PETSC_SUCCESS);
  }
  // Strides of each axis in the local cell index and in the target index.
  std::vector<std::size_t> cstride(rank, 0), tstride(rank, 0), cnt(rank), start(rank, 0);
  {
    std::size_t cs = 1;
    for (int p = int(g.spatial_axes.size()) - 1; p >= 0; --p) {
      const int a = g.spatial_axes[std::size_t(p)];
      cstride[std::size_t(a)] = cs;
      cs *= p == 0 ? s.nj : g.spatial_shape[std::size_t(p)];
    }
    std::size_t ts = 1;
    for (int q = int(g.extra_axes.size()) - 1; q >= 0; --q) {
      const int a = g.extra_axes[std::size_t(q)];
      tstride[std::size_t(a)] = ts;
      ts *= a == g.time_axis ? f.t1 - f.t0 : v.shape[std::size_t(a)];
    }
  }
  const std::size_t nsteps = g.time_axis >= 0 ? f.t1 - f.t0 : 1;
  std::vector<double> buf;
  for (std::size_t step = 0; step < nsteps; ++step) {
    std::size_t n = 1;
    for (std::size_t a = 0; a < rank; ++a) {
      start[a] = 0;
      cnt[a] = v.shape[a];
      if (int(a) == g.time_axis) start[a] = f.t0 + step, cnt[a] = 1;
      if (int(a) == g.spatial_axes[0]) start[a] = s.j0, cnt[a] = s.nj;
      n *= cnt[a];
    }
    buf.resize(std::max<std::size_t>(n, 1));
    PetscCall(nc.read(v, start, cnt, buf.data()));
    const std::size_t tbase = g.time_axis >= 0 ? step * tstride[std::size_t(g.time_axis)] : 0;
    std::vector<std::size_t> idx(rank, 0);
    std::size_t cell = 0, tgt = tbase;
    for (std::size_t e = 0; e < n; ++e) {
      double x;
      if (pk.decode(buf[e], &x))
        (*vals)[cell * k + tgt] = x;
      else
        ++(*nmasked)[cell];
      for (std::size_t a = rank; a-- > 0;) {  // odometer over the box, last axis fastest
        cell += cstride[a];
        tgt += int(a) == g.time_axis ? 0 : tstride[a];
        if (++idx[a] < cnt[a]) break;
        cell -= cstride[a] * cnt[a];
        tgt -= (int(a) == g.time_axis ? 0 : tstride[a]) * cnt[a];
        idx[a] = 0;
      }
    }
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

// The variable, its grid and the selected steps (replicated metadata only); throws.
void resolve_field(const NcFieldRequest& req, NcField* f) {
  const std::string var = req.var.empty() ? guess_variable(f->meta, f->where) : req.var;
  f->grid = find_cf_grid(f->meta, var, f->where);
  const CfVar& v = *f->meta.find(var);
  if (f->grid.time_axis >= 0) {
    const std::size_t n = v.shape[std::size_t(f->grid.time_axis)];
    if (n == 0) throw std::runtime_error("variable '" + var + "' in " + f->where + " has no time steps");
    f->t0 = 0, f->t1 = n;
    if (!req.time_range.empty()) parse_index_range(req.time_range, n, "-time_range", &f->t0, &f->t1);
  }
  f->ntargets = 1;
  for (int a : f->grid.extra_axes)
    f->ntargets *= int(a == f->grid.time_axis ? f->t1 - f->t0 : v.shape[std::size_t(a)]);
  f->ncells = (long long)f->grid.ncells();
  if (f->ncells == 0 || f->ntargets == 0) throw std::runtime_error("variable '" + var + "' in " + f->where + " is empty");
}

}  // namespace

PetscErrorCode read_nc_field_meta(MPI_Comm comm, const NcFieldRequest& req, NcField* f) {
  PetscFunctionBeginUser;
  *f = NcField{};
  f->where = req.role + " file '" + req.path + "'";
  NcFile nc;
  PetscCall(nc.open(comm, req.path, f->where));
  f->netcdf4 = nc.netcdf4();
  PetscCall(nc.read_meta(&f->meta));
  const PetscErrorCode ierr = agreed(comm, [&] { resolve_field(req, f); });
  if (ierr) {
    (void)nc.close();  // the error was agreed: every rank closes
    PetscCall(ierr);
  }
  PetscCall(nc.close());
  PetscFunctionReturn(PETSC_SUCCESS);
}

std::string NcField::summary() const {
  std::ostringstream os;
  const CfVar& v = *meta.find(grid.var);
  os << (netcdf4 ? "netCDF-4 " : "netCDF-3 ") << where << ": variable '" << grid.var << "' on a "
     << grid_kind_name(grid.kind) << " grid (";
  for (std::size_t p = 0; p < grid.spatial_axes.size(); ++p)
    os << (p ? " x " : "") << v.dims[std::size_t(grid.spatial_axes[p])] << " " << grid.spatial_shape[p];
  os << ", lat/lon from '" << grid.lat << "'/'" << grid.lon << "'), " << ntargets << " target(s)";
  if (grid.time_axis >= 0) os << " (" << v.dims[std::size_t(grid.time_axis)] << " " << t0 << ":" << t1 << ")";
  os << "; weights from " << weight_source << "; " << nkept << " of " << ncells << " cells kept, "
     << masked_always << " masked in every selected step and " << masked_some
     << " masked in only some steps dropped (the union of the masks)";
  return os.str();
}

PetscErrorCode read_nc_field(MPI_Comm comm, const NcFieldRequest& req, NcField* f) {
  PetscFunctionBeginUser;
  *f = NcField{};
  f->where = req.role + " file '" + req.path + "'";
  NcFile nc;
  PetscCall(nc.open(comm, req.path, f->where));
  f->netcdf4 = nc.netcdf4();
  PetscCall(nc.read_meta(&f->meta));
  const PetscErrorCode ierr = [&]() -> PetscErrorCode {
    PetscFunctionBeginUser;
    PetscCall(agreed(comm, [&] { resolve_field(req, f); }));
    const Slab s = my_slab(comm, f->grid);
    std::vector<double> vals, w, xyz;
    std::vector<int> nmasked;
    PetscCall(cell_values(comm, nc, *f, s, &vals, &nmasked));
    PetscCall(cell_weights(comm, nc, *f, s, &w, &f->weight_source));
    PetscCall(cell_points(nc, *f, s, &xyz));
    // Keep the cells unmasked in every selected step (and with a usable weight).
    const std::size_t k = std::size_t(f->ntargets), base = s.j0 * s.rest;
    long long cnt[3] = {0, 0, 0};  // kept, always masked, masked in some steps
    double wsum = 0;
    bool bad_weight = false;
    // Compact the kept cells in place (values are the bulk: no second copy of them).
    std::size_t kept = 0;
    for (std::size_t c = 0; c < nmasked.size(); ++c) {
      const bool wmask = std::isnan(w[c]);
      if (nmasked[c] == 0 && !wmask) {
        if (!std::isfinite(w[c]) || w[c] < 0) bad_weight = true;
        f->cell.push_back((long long)(base + c));
        if (kept != c) {
          std::copy_n(&xyz[3 * c], 3, &xyz[3 * kept]);
          std::copy_n(&vals[c * k], k, &vals[kept * k]);
          w[kept] = w[c];
        }
        wsum += w[c];
        ++kept;
        ++cnt[0];
      } else if (std::size_t(nmasked[c]) == k || wmask) {
        ++cnt[1];
      } else {
        ++cnt[2];
      }
    }
    xyz.resize(3 * kept), vals.resize(kept * k), w.resize(kept);
    f->points = std::move(xyz), f->values = std::move(vals), f->weights = std::move(w);
    PetscCall(collective_check(comm, !bad_weight,
                               "cell areas of " + f->where + " (from " + f->weight_source +
                                   ") include negative or non-finite values: check the bounds or cell_measures"));
    long long tot[3];
    PetscCallMPI(MPI_Allreduce(cnt, tot, 3, MPI_LONG_LONG, MPI_SUM, comm));
    double wtot = 0;
    PetscCallMPI(MPI_Allreduce(&wsum, &wtot, 1, MPI_DOUBLE, MPI_SUM, comm));
    f->nkept = tot[0], f->masked_always = tot[1], f->masked_some = tot[2];
    PetscCall(collective_check(comm, f->nkept > 0,
                               "every cell of variable '" + f->grid.var + "' in " + f->where +
                                   " is masked in at least one selected step (" + std::to_string(tot[1]) +
                                   " always, " + std::to_string(tot[2]) +
                                   " in some steps): choose steps with common valid cells (-time_range a:b)"));
    PetscCall(collective_check(comm, wtot > 0,
                               "the cell areas of " + f->where + " (from " + f->weight_source + ") sum to zero"));
    const double scale = double(f->nkept) / wtot;
    for (double& x : f->weights) x *= scale;
    long long off = 0, mine = cnt[0];
    PetscCallMPI(MPI_Exscan(&mine, &off, 1, MPI_LONG_LONG, MPI_SUM, comm));
    int rank;
    PetscCallMPI(MPI_Comm_rank(comm, &rank));
    f->row_offset = rank == 0 ? 0 : off;
    PetscFunctionReturn(PETSC_SUCCESS);
  }();
  if (ierr) {
    (void)nc.close();  // the error was agreed: every rank closes
    PetscCall(ierr);
  }
  PetscCall(nc.close());
  PetscFunctionReturn(PETSC_SUCCESS);
}

int nc_field_reader_rank(MPI_Comm comm, const NcField& f, long long cell) {
  int size;
  MPI_Comm_size(comm, &size);
  long long rest = 1;
  for (std::size_t p = 1; p < f.grid.spatial_shape.size(); ++p) rest *= (long long)f.grid.spatial_shape[p];
  const long long j = cell / rest, n = (long long)f.grid.spatial_shape[0], q = n / size, r = n % size;
  return j < r * (q + 1) ? int(j / (q + 1)) : int(r + (j - r * (q + 1)) / q);
}

PetscErrorCode nc_field_to_row_blocks(MPI_Comm comm, NcField* f) {
  PetscFunctionBeginUser;
  int size, me;
  PetscCallMPI(MPI_Comm_size(comm, &size));
  PetscCallMPI(MPI_Comm_rank(comm, &me));
  const int k = f->ntargets, width = 5 + k;  // cell, x, y, z, values, weight
  const std::size_t P = std::size_t(size), K = std::size_t(k), W = std::size_t(width);
  std::vector<int> sendc(P, 0), recvc(P, 0), sd(P, 0), rd(P, 0);
  const long long q = f->nkept / size, r = f->nkept % size;
  auto owner = [&](long long g) { return g < r * (q + 1) ? int(g / (q + 1)) : int(r + (g - r * (q + 1)) / q); };
  // Rows are in global order on both sides, so only the ends of a rank's rows move; the
  // rows it keeps are copied once, the moved ones are packed.
  const std::size_t n = f->rows();
  std::vector<double> out;
  std::size_t keep0 = n, keep1 = n;  // local rows [keep0, keep1) stay here
  for (std::size_t i = 0; i < n; ++i) {
    const int o = owner(f->row_offset + (long long)i);
    if (o == me) {
      if (keep0 == n) keep0 = i;
      keep1 = i + 1;
      continue;
    }
    ++sendc[std::size_t(o)];
    out.resize(out.size() + W);
    double* row = &out[out.size() - W];
    row[0] = double(f->cell[i]);
    std::copy_n(&f->points[3 * i], 3, row + 1);
    std::copy_n(&f->values[i * K], K, row + 4);
    row[4 + k] = f->weights[i];
  }
  if (keep0 == n) keep0 = keep1 = 0;
  PetscCallMPI(MPI_Alltoall(sendc.data(), 1, MPI_INT, recvc.data(), 1, MPI_INT, comm));
  int ns = 0, nr = 0, nlow = 0;
  for (int p = 0; p < size; ++p) sd[std::size_t(p)] = ns, ns += sendc[std::size_t(p)];
  for (int p = 0; p < size; ++p) rd[std::size_t(p)] = nr, nr += recvc[std::size_t(p)];
  for (int p = 0; p < me; ++p) nlow += recvc[std::size_t(p)];
  std::vector<double> in(std::size_t(nr) * W);
  MPI_Datatype row;
  PetscCallMPI(MPI_Type_contiguous(width, MPI_DOUBLE, &row));
  PetscCallMPI(MPI_Type_commit(&row));
  PetscCallMPI(MPI_Alltoallv(out.data(), sendc.data(), sd.data(), row, in.data(), recvc.data(), rd.data(), row, comm));
  PetscCallMPI(MPI_Type_free(&row));
  out = {};
  // In place: slide the kept rows to follow the ones received from lower ranks (memmove
  // handles the overlap), then fill both ends. read_nc_field reserved the capacity.
  const std::size_t nkeep = keep1 - keep0, low = std::size_t(nlow), m = std::size_t(nr) + nkeep;
  auto slide = [&](auto& v, std::size_t width) {
    using T = typename std::decay_t<decltype(v)>::value_type;
    if (m > n) v.resize(m * width);
    if (low != keep0) std::memmove(v.data() + low * width, v.data() + keep0 * width, nkeep * width * sizeof(T));
    v.resize(m * width);
  };
  slide(f->cell, 1), slide(f->points, 3), slide(f->values, K), slide(f->weights, 1);
  auto take = [&](std::size_t dst, const double* o) {
    f->cell[dst] = (long long)o[0];
    std::copy_n(o + 1, 3, &f->points[3 * dst]);
    std::copy_n(o + 4, K, &f->values[dst * K]);
    f->weights[dst] = o[4 + k];
  };
  for (std::size_t i = 0; i < low; ++i) take(i, &in[i * W]);
  for (std::size_t i = low; i < std::size_t(nr); ++i) take(i + nkeep, &in[i * W]);
  PetscInt b, c;
  row_block(comm, PetscInt(f->nkept), &b, &c);
  f->row_offset = (long long)b;
  PetscFunctionReturn(PETSC_SUCCESS);
}

}  // namespace specavg
