// Layouts of CF netCDF prediction files: on the -like grid or on a new lat/lon grid.
#include "nc_output.hpp"

#include <netcdf.h>

#include <algorithm>
#include <set>
#include <sstream>
#include <stdexcept>

#include "specavg/comm/collective.hpp"
#include "specavg/comm/petsc_util.hpp"
#include "specavg/io/h5_parallel.hpp"

namespace specavg {
namespace {

CfAttr text_attr(const std::string& s) {
  CfAttr a;
  a.nctype = NC_CHAR;
  a.is_text = true;
  a.text = s;
  return a;
}

// Coordinates, their bounds, auxiliary coordinates and cell measures of the field.
std::vector<const CfVar*> like_coordinates(const NcField& f) {
  const CfVar& v = *f.meta.find(f.grid.var);
  std::vector<std::string> names{f.grid.lat, f.grid.lon};
  for (const auto& d : v.dims) names.push_back(d);
  std::istringstream is(v.text("coordinates") + " " + v.text("cell_measures"));
  for (std::string w; is >> w;)
    if (w.back() != ':') names.push_back(w);
  for (std::size_t i = 0, n = names.size(); i < n; ++i)
    if (const CfVar* c = f.meta.find(names[i])) names.push_back(c->text("bounds"));
  std::vector<const CfVar*> out;
  std::set<std::string> seen;
  for (const auto& n : names) {
    const CfVar* c = f.meta.find(n);
    if (c && c->name != v.name && seen.insert(n).second && c->nctype != NC_CHAR && c->nctype != NC_STRING)
      out.push_back(c);
  }
  return out;
}

std::string time_dim_of(const NcField& f) {
  return f.grid.time_axis >= 0 ? f.meta.find(f.grid.var)->dims[std::size_t(f.grid.time_axis)] : "";
}

void add_dim(NcOutputLayout* o, const std::string& d, std::size_t n) {
  for (const auto& [name, size] : o->dims)
    if (name == d) return;
  o->dims.emplace_back(d, n);
}

}  // namespace

std::size_t NcOutputLayout::dim_size(const std::string& d) const {
  for (const auto& [name, size] : dims)
    if (name == d) return size;
  return 0;
}

PetscErrorCode nc_layout_like(MPI_Comm comm, const NcFieldRequest& like, NcOutputLayout* out) {
  PetscFunctionBeginUser;
  *out = NcOutputLayout{};
  PetscCall(read_nc_field(comm, like, &out->f));
  const NcField& f = out->f;
  out->like_path = like.path;
  out->like_tdim = time_dim_of(f);
  out->like_t0 = f.t0;
  out->unlimited = f.meta.unlimited;
  out->has_data = true;
  auto size_of = [&](const std::string& d) { return d == out->like_tdim ? f.t1 - f.t0 : f.meta.dim_size(d); };
  for (const CfVar* c : like_coordinates(f)) {
    for (const auto& d : c->dims) add_dim(out, d, size_of(d));
    out->coords.push_back({*c, true, {}});
  }
  for (const auto& d : f.meta.find(f.grid.var)->dims) add_dim(out, d, size_of(d));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode nc_layout_grid(MPI_Comm comm, const std::string& spec, const NcFieldRequest& like, int ntargets,
                              NcOutputLayout* out) {
  PetscFunctionBeginUser;
  *out = NcOutputLayout{};
  LatLonGrid g;
  std::string msg;
  try {
    g = parse_latlon_grid(spec, "-grid");
  } catch (const std::exception& e) {
    msg = e.what();
  }
  PetscCall(collective_check(comm, msg.empty(), msg));
  NcField& f = out->f;
  CfVar field;
  std::vector<std::string> extra;  // the field's target dimensions
  if (!like.path.empty()) {
    NcField L;
    PetscCall(read_nc_field_meta(comm, like, &L));
    PetscCall(collective_check(comm, L.ntargets == ntargets,
                               "the model has " + std::to_string(ntargets) + " target(s) but " + L.where + " has " +
                                   std::to_string(L.ntargets) +
                                   " selected step(s): pass the -var and -time_range the model was trained with"));
    const CfVar& lv = *L.meta.find(L.grid.var);
    out->like_path = like.path;
    out->like_tdim = time_dim_of(L);
    out->like_t0 = L.t0;
    if (L.meta.unlimited == out->like_tdim) out->unlimited = out->like_tdim;
    field.name = lv.name;
    for (const char* k : {"units", "long_name", "standard_name"})
      if (!lv.text(k).empty()) field.attrs[k] = text_attr(lv.text(k));
    for (int a : L.grid.extra_axes) {
      const std::string& d = lv.dims[std::size_t(a)];
      extra.push_back(d);
      add_dim(out, d, d == out->like_tdim ? L.t1 - L.t0 : L.meta.dim_size(d));
      const CfVar* c = L.meta.find(d);
      if (!c || c->dims != std::vector<std::string>{d} || c->nctype == NC_CHAR || c->nctype == NC_STRING) continue;
      out->coords.push_back({*c, true, {}});
      const CfVar* b = L.meta.find(c->text("bounds"));
      if (b && b->dims.size() == 2 && b->dims[0] == d) {
        add_dim(out, b->dims[1], L.meta.dim_size(b->dims[1]));
        out->coords.push_back({*b, true, {}});
      }
    }
    if (out->like_tdim.empty() || std::find(extra.begin(), extra.end(), out->like_tdim) == extra.end())
      out->like_tdim.clear();
  } else {
    field.name = "fit";
    if (ntargets > 1) {
      extra.push_back("target");
      add_dim(out, "target", std::size_t(ntargets));
    }
  }
  // The generated coordinates: centres and bounds (degrees).
  std::string bnds = "bnds";
  if (out->dim_size(bnds) != 0 && out->dim_size(bnds) != 2) bnds = "latlon_bnds";
  add_dim(out, "lat", g.nlat);
  add_dim(out, "lon", g.nlon);
  add_dim(out, bnds, 2);
  auto coord = [&](const std::string& name, const std::string& sn, const std::string& units, const std::string& axis,
                   std::size_t n, bool is_lat) {
    NcOutCoord c, b;
    c.var.name = name;
    c.var.nctype = NC_DOUBLE;
    c.var.dims = {name};
    c.var.shape = {n};
    c.var.attrs["standard_name"] = text_attr(sn);
    c.var.attrs["long_name"] = text_attr(sn);
    c.var.attrs["units"] = text_attr(units);
    c.var.attrs["axis"] = text_attr(axis);
    c.var.attrs["bounds"] = text_attr(name + "_bnds");
    b.var.name = name + "_bnds";
    b.var.nctype = NC_DOUBLE;
    b.var.dims = {name, bnds};
    b.var.shape = {n, 2};
    for (std::size_t i = 0; i < n; ++i) {
      c.data.push_back(is_lat ? g.lat(i) : g.lon(i));
      b.data.push_back(is_lat ? g.lat_edge(i) : g.lon_edge(i));
      b.data.push_back(is_lat ? g.lat_edge(i + 1) : g.lon_edge(i + 1));
    }
    out->coords.push_back(std::move(c));
    out->coords.push_back(std::move(b));
  };
  coord("lat", "latitude", "degrees_north", "Y", g.nlat, true);
  coord("lon", "longitude", "degrees_east", "X", g.nlon, false);
  // The field: target dimensions first, then lat, lon.
  field.nctype = NC_DOUBLE;
  field.dims = extra;
  for (const auto& d : extra) field.shape.push_back(out->dim_size(d));
  field.dims.push_back("lat");
  field.dims.push_back("lon");
  field.shape.push_back(g.nlat);
  field.shape.push_back(g.nlon);
  f.where = "-grid " + spec;
  f.meta.vars = {field};
  f.grid.kind = GridKind::Rectilinear;
  f.grid.var = field.name;
  f.grid.lat = "lat";
  f.grid.lon = "lon";
  const int ne = int(extra.size());
  f.grid.spatial_axes = {ne, ne + 1};
  f.grid.spatial_shape = {g.nlat, g.nlon};
  f.grid.lat_axis = 0;
  f.grid.lon_axis = 1;
  for (int a = 0; a < ne; ++a) {
    f.grid.extra_axes.push_back(a);
    if (extra[std::size_t(a)] == out->like_tdim) f.grid.time_axis = a;
  }
  f.t0 = 0;
  f.t1 = f.grid.time_axis >= 0 ? out->dim_size(out->like_tdim) : 1;
  f.ntargets = ntargets;
  f.ncells = f.nkept = (long long)(g.nlat * g.nlon);
  PetscInt jb, jc;
  row_block(comm, PetscInt(g.nlat), &jb, &jc);
  f.row_offset = (long long)jb * (long long)g.nlon;
  for (long long c = 0; c < (long long)jc * (long long)g.nlon; ++c) f.cell.push_back(f.row_offset + c);
  PetscFunctionReturn(PETSC_SUCCESS);
}

}  // namespace specavg
