#include "specavg/io/cf_grid.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <sstream>
#include <stdexcept>

namespace specavg {
namespace {

constexpr double kPi = 3.14159265358979323846;

std::string lower(std::string s) {
  for (char& c : s) c = char(std::tolower((unsigned char)c));
  return s;
}

std::string trim(const std::string& s) {
  const auto b = s.find_first_not_of(" \t\r\n");
  if (b == std::string::npos) return {};
  return s.substr(b, s.find_last_not_of(" \t\r\n") - b + 1);
}

std::vector<std::string> words(const std::string& s) {
  std::istringstream is(s);
  std::vector<std::string> w;
  for (std::string t; is >> t;) w.push_back(t);
  return w;
}

enum class Role { None, Lat, Lon };

bool is_lat_units(const std::string& u) {
  static const char* k[] = {"degrees_north", "degree_north", "degree_n", "degrees_n", "degreen", "degreesn"};
  return std::find(std::begin(k), std::end(k), u) != std::end(k);
}
bool is_lon_units(const std::string& u) {
  static const char* k[] = {"degrees_east", "degree_east", "degree_e", "degrees_e", "degreee", "degreese"};
  return std::find(std::begin(k), std::end(k), u) != std::end(k);
}
bool is_angle_units(const std::string& u) {
  return u == "degrees" || u == "degree" || u == "radian" || u == "radians" || u == "rad" || is_lat_units(u) ||
         is_lon_units(u);
}

Role coordinate_role(const CfVar& v) {
  const std::string sn = lower(trim(v.text("standard_name")));
  if (sn == "latitude") return Role::Lat;
  if (sn == "longitude") return Role::Lon;
  if (!sn.empty()) return Role::None;  // e.g. grid_latitude of a rotated pole: not geographic
  const std::string u = lower(trim(v.text("units")));
  if (is_lat_units(u)) return Role::Lat;
  if (is_lon_units(u)) return Role::Lon;
  const std::string ax = lower(trim(v.text("axis")));
  if (is_angle_units(u) && ax == "y") return Role::Lat;
  if (is_angle_units(u) && ax == "x") return Role::Lon;
  return Role::None;
}

bool dims_within(const CfVar& c, const CfVar& data) {
  for (const auto& d : c.dims)
    if (std::find(data.dims.begin(), data.dims.end(), d) == data.dims.end()) return false;
  return !c.dims.empty();
}

// The best candidate for one role: listed in the data variable's `coordinates`, then a
// coordinate variable (named like its dimension), then the first found.
const CfVar* pick(const std::vector<const CfVar*>& cands, const CfVar& data) {
  if (cands.empty()) return nullptr;
  const auto listed = words(data.text("coordinates"));
  for (const CfVar* c : cands)
    if (std::find(listed.begin(), listed.end(), c->name) != listed.end()) return c;
  for (const CfVar* c : cands)
    if (c->dims.size() == 1 && c->dims[0] == c->name) return c;
  return cands.front();
}

bool is_time_like(const CfMeta& meta, const std::string& dim) {
  if (dim == meta.unlimited) return true;
  const CfVar* c = meta.find(dim);
  if (!c) return false;
  const std::string ax = lower(c->text("axis")), sn = lower(c->text("standard_name"));
  return ax == "t" || sn == "time" || lower(c->text("units")).find(" since ") != std::string::npos;
}

}  // namespace

std::string CfVar::text(const std::string& att) const {
  auto it = attrs.find(att);
  return it != attrs.end() && it->second.is_text ? it->second.text : std::string();
}

std::vector<double> CfVar::nums(const std::string& att) const {
  auto it = attrs.find(att);
  return it != attrs.end() && !it->second.is_text ? it->second.nums : std::vector<double>();
}

const CfVar* CfMeta::find(const std::string& name) const {
  for (const CfVar& v : vars)
    if (v.name == name) return &v;
  return nullptr;
}

std::size_t CfMeta::dim_size(const std::string& name) const {
  for (std::size_t i = 0; i < dim_names.size(); ++i)
    if (dim_names[i] == name) return dim_sizes[i];
  return 0;
}

const char* grid_kind_name(GridKind k) {
  switch (k) {
    case GridKind::Rectilinear:
      return "rectilinear";
    case GridKind::Curvilinear:
      return "curvilinear";
    case GridKind::Unstructured:
      return "unstructured";
  }
  return "?";
}

std::size_t CfGrid::ncells() const {
  std::size_t n = 1;
  for (std::size_t s : spatial_shape) n *= s;
  return n;
}

double angle_units_scale(const CfVar& v, const std::string& where) {
  const std::string u = lower(trim(v.text("units")));
  if (u == "radian" || u == "radians" || u == "rad") return 1.0;
  if (u == "degrees" || u == "degree" || is_lat_units(u) || is_lon_units(u)) return kPi / 180.0;
  throw std::runtime_error("coordinate variable '" + v.name + "' in " + where + " has unknown units '" +
                           v.text("units") +
                           "': latitude/longitude must be in degrees_north/degrees_east (or degrees) or radians");
}

CfGrid find_cf_grid(const CfMeta& meta, const std::string& var, const std::string& where) {
  const CfVar* data = meta.find(var);
  if (!data) {
    std::string names;
    for (const CfVar& v : meta.vars)
      if (v.dims.size() >= 1) names += (names.empty() ? "" : ", ") + v.name;
    throw std::runtime_error("variable '" + var + "' not found in " + where + " (it has: " + names +
                             "): pass -var <name>");
  }
  std::vector<const CfVar*> lats, lons;
  for (const CfVar& v : meta.vars) {
    if (&v == data || !dims_within(v, *data)) continue;
    const Role r = coordinate_role(v);
    if (r == Role::Lat) lats.push_back(&v);
    if (r == Role::Lon) lons.push_back(&v);
  }
  const CfVar* lat = pick(lats, *data);
  const CfVar* lon = pick(lons, *data);
  if (!lat || !lon)
    throw std::runtime_error(
        "no " + std::string(!lat ? "latitude" : "longitude") + " coordinate found for variable '" + var + "' in " +
        where +
        ": a coordinate variable spanning its dimensions needs standard_name latitude/longitude, units "
        "degrees_north/degrees_east, or axis Y/X with units in degrees or radians");
  CfGrid g;
  g.var = var;
  g.lat = lat->name;
  g.lon = lon->name;
  g.lat_scale = angle_units_scale(*lat, where);
  g.lon_scale = angle_units_scale(*lon, where);
  std::vector<std::string> spatial;
  if (lat->dims.size() == 1 && lon->dims.size() == 1 && lat->dims != lon->dims) {
    g.kind = GridKind::Rectilinear;
    spatial = {lat->dims[0], lon->dims[0]};
  } else if (lat->dims == lon->dims && lat->dims.size() == 2) {
    g.kind = GridKind::Curvilinear;
    spatial = lat->dims;
  } else if (lat->dims == lon->dims && lat->dims.size() == 1) {
    g.kind = GridKind::Unstructured;
    spatial = lat->dims;
  } else {
    throw std::runtime_error("latitude '" + lat->name + "' and longitude '" + lon->name + "' in " + where +
                             " span dimensions that form no supported grid (1-D on two dimensions, 2-D on the same "
                             "two, or 1-D on one cell dimension)");
  }
  for (int a = 0; a < int(data->dims.size()); ++a) {
    const auto it = std::find(spatial.begin(), spatial.end(), data->dims[std::size_t(a)]);
    if (it == spatial.end()) {
      g.extra_axes.push_back(a);
      continue;
    }
    if (g.kind == GridKind::Rectilinear) {
      if (*it == lat->dims[0]) g.lat_axis = int(g.spatial_axes.size());
      if (*it == lon->dims[0]) g.lon_axis = int(g.spatial_axes.size());
    }
    g.spatial_axes.push_back(a);
    g.spatial_shape.push_back(data->shape[std::size_t(a)]);
  }
  for (int a : g.extra_axes)
    if (g.time_axis < 0 && is_time_like(meta, data->dims[std::size_t(a)])) g.time_axis = a;
  if (g.time_axis < 0 && !g.extra_axes.empty()) g.time_axis = g.extra_axes.front();
  return g;
}

bool CfPacking::decode(double raw, double* out) const {
  if (std::isnan(raw)) return false;
  for (double m : masked_values)
    if (raw == m) return false;
  if (raw < valid_min || raw > valid_max) return false;
  *out = raw * scale + offset;
  return true;
}

CfPacking cf_packing(const CfVar& v, double default_fill) {
  CfPacking p;
  const auto fill = v.nums("_FillValue");
  if (!fill.empty())
    p.masked_values.push_back(fill[0]);
  else if (default_fill != 0)
    p.masked_values.push_back(default_fill);
  for (double m : v.nums("missing_value")) p.masked_values.push_back(m);
  const auto s = v.nums("scale_factor"), o = v.nums("add_offset");
  if (!s.empty()) p.scale = s[0];
  if (!o.empty()) p.offset = o[0];
  const auto vr = v.nums("valid_range"), vmin = v.nums("valid_min"), vmax = v.nums("valid_max");
  if (vr.size() == 2) p.valid_min = vr[0], p.valid_max = vr[1];
  if (!vmin.empty()) p.valid_min = vmin[0];
  if (!vmax.empty()) p.valid_max = vmax[0];
  return p;
}

std::vector<double> edges_from_centres(const std::vector<double>& c, bool clamp_to_poles) {
  const std::size_t n = c.size();
  std::vector<double> e(n + 1);
  if (n == 1) {
    e[0] = c[0] - 0.5, e[1] = c[0] + 0.5;  // a single cell: unit width (weights are relative)
  } else {
    for (std::size_t i = 1; i < n; ++i) e[i] = 0.5 * (c[i - 1] + c[i]);
    e[0] = c[0] - 0.5 * (c[1] - c[0]);
    e[n] = c[n - 1] + 0.5 * (c[n - 1] - c[n - 2]);
  }
  if (clamp_to_poles)
    for (double& x : e) x = std::max(-kPi / 2, std::min(kPi / 2, x));
  return e;
}

double latlon_box_area(double lat0, double lat1, double lon0, double lon1) {
  double dl = std::fabs(lon1 - lon0);
  if (dl > 2 * kPi + 1e-12) dl = std::fmod(dl, 2 * kPi);
  return std::fabs(std::sin(lat1) - std::sin(lat0)) * dl;
}

void latlon_to_unit(double lat, double lon, double* x) {
  const double c = std::cos(lat);
  x[0] = c * std::cos(lon);
  x[1] = c * std::sin(lon);
  x[2] = std::sin(lat);
}

namespace {
// Solid angle of the geodesic triangle (a, b, c) (Van Oosterom & Strackee).
double triangle_area(const double* a, const double* b, const double* c) {
  const double bxc[3] = {b[1] * c[2] - b[2] * c[1], b[2] * c[0] - b[0] * c[2], b[0] * c[1] - b[1] * c[0]};
  const double num = a[0] * bxc[0] + a[1] * bxc[1] + a[2] * bxc[2];
  const double den = 1 + (a[0] * b[0] + a[1] * b[1] + a[2] * b[2]) + (b[0] * c[0] + b[1] * c[1] + b[2] * c[2]) +
                     (c[0] * a[0] + c[1] * a[1] + c[2] * a[2]);
  return std::fabs(2 * std::atan2(num, den));
}
}  // namespace

double spherical_polygon_area(const double* lat, const double* lon, int nv) {
  std::vector<double> v(std::size_t(nv) * 3);
  double c[3] = {0, 0, 0};
  for (int i = 0; i < nv; ++i) {
    latlon_to_unit(lat[i], lon[i], &v[std::size_t(i) * 3]);
    for (int d = 0; d < 3; ++d) c[d] += v[std::size_t(i) * 3 + d];
  }
  const double nc = std::sqrt(c[0] * c[0] + c[1] * c[1] + c[2] * c[2]);
  if (nc == 0) return 0;
  for (double& x : c) x /= nc;
  double a = 0;
  for (int i = 0; i < nv; ++i) a += triangle_area(c, &v[std::size_t(i) * 3], &v[std::size_t((i + 1) % nv) * 3]);
  return a;
}

double curvilinear_spacing_area(const std::vector<double>& xyz, std::size_t ny, std::size_t nx, std::size_t j,
                                std::size_t i) {
  auto at = [&](std::size_t jj, std::size_t ii, int d) { return xyz[(jj * nx + ii) * 3 + std::size_t(d)]; };
  double di[3] = {0, 0, 0}, dj[3] = {0, 0, 0};
  if (nx > 1) {
    const std::size_t i0 = i == 0 ? 0 : i - 1, i1 = i + 1 == nx ? i : i + 1;
    for (int d = 0; d < 3; ++d) di[d] = (at(j, i1, d) - at(j, i0, d)) / double(i1 - i0);
  }
  if (ny > 1) {
    const std::size_t j0 = j == 0 ? 0 : j - 1, j1 = j + 1 == ny ? j : j + 1;
    for (int d = 0; d < 3; ++d) dj[d] = (at(j1, i, d) - at(j0, i, d)) / double(j1 - j0);
  }
  const double cr[3] = {di[1] * dj[2] - di[2] * dj[1], di[2] * dj[0] - di[0] * dj[2], di[0] * dj[1] - di[1] * dj[0]};
  return std::sqrt(cr[0] * cr[0] + cr[1] * cr[1] + cr[2] * cr[2]);
}

void parse_index_range(const std::string& text, std::size_t n, const std::string& option, std::size_t* begin,
                       std::size_t* end) {
  const auto colon = text.find(':');
  auto num = [&](const std::string& s, std::size_t dflt) -> long long {
    const std::string t = trim(s);
    if (t.empty()) return (long long)dflt;
    std::size_t pos = 0;
    long long v = -1;
    try {
      v = std::stoll(t, &pos);
    } catch (...) {
      pos = 0;
    }
    if (pos != t.size())
      throw std::runtime_error(option + " '" + text + "' is not a range a:b of integer indices (b exclusive)");
    return v;
  };
  if (colon == std::string::npos)
    throw std::runtime_error(option + " '" + text + "' is not a range a:b of integer indices (b exclusive)");
  const long long a = num(text.substr(0, colon), 0), b = num(text.substr(colon + 1), n);
  if (a < 0 || b > (long long)n || a >= b)
    throw std::runtime_error(option + " " + text + " selects nothing valid of the " + std::to_string(n) +
                             " steps: use a:b with 0 <= a < b <= " + std::to_string(n));
  *begin = std::size_t(a);
  *end = std::size_t(b);
}

LatLonGrid parse_latlon_grid(const std::string& spec, const std::string& option) {
  const std::string usage = option + " '" + spec + "' is not a grid: use latlon:NLAT:NLON (e.g. latlon:90:180 for 2° cells)";
  if (spec.rfind("latlon:", 0) != 0) throw std::runtime_error(usage);
  const std::string rest = spec.substr(7);
  const auto colon = rest.find(':');
  if (colon == std::string::npos) throw std::runtime_error(usage);
  auto num = [&](const std::string& t, long long hi) {
    std::size_t pos = 0;
    long long v = -1;
    try {
      v = std::stoll(t, &pos);
    } catch (...) {
      pos = 0;
    }
    if (t.empty() || pos != t.size() || v < 1 || v > hi)
      throw std::runtime_error(usage + "; NLAT in [1, 100000], NLON in [1, 200000]");
    return std::size_t(v);
  };
  LatLonGrid g;
  g.nlat = num(rest.substr(0, colon), 100000);
  g.nlon = num(rest.substr(colon + 1), 200000);
  return g;
}

}  // namespace specavg
