#pragma once
// CF conventions for gridded fields on the sphere, independent of the file library:
// which variables are latitude and longitude, what kind of grid they span, how packed
// values are decoded, and what area each cell covers. Everything here is local (no MPI)
// and throws std::runtime_error with a message naming the variable and the fix.
//
// Conventions
//  * Latitude/longitude are recognized by attributes, never by name: standard_name
//    latitude/longitude, else units degrees_north/degrees_east (and the CF spellings
//    degree_north, degrees_N, degreeN, ...), else axis Y/X with angular units. Units must
//    be degrees or radians (ICON's clat/clon are in radians).
//  * Grid kinds: rectilinear (1-D lat and 1-D lon on two different dimensions, Gaussian
//    latitudes allowed), curvilinear (2-D lat/lon on the same two dimensions) and
//    unstructured (1-D lat/lon on one cell dimension).
//  * Cells (rows) are the data variable's spatial dimensions in C order (the order they
//    appear in the variable); the other dimensions are extra and become targets, also in
//    C order. The "time" dimension (see CfGrid::time_axis) is the one -time_range slices.
//  * Points are unit vectors x = cos(lat) cos(lon), y = cos(lat) sin(lon), z = sin(lat).
//  * Areas are in steradians on the unit sphere (before normalization).
#include <cstddef>
#include <map>
#include <string>
#include <vector>

namespace specavg {

struct CfAttr {
  int nctype = 0;  // netCDF type code
  bool is_text = false;
  std::string text;
  std::vector<double> nums;
};

struct CfVar {
  std::string name;
  int id = -1;
  int nctype = 0;  // netCDF type code
  std::vector<std::string> dims;
  std::vector<std::size_t> shape;
  std::map<std::string, CfAttr> attrs;
  // Text attribute or "" when absent (or numeric).
  std::string text(const std::string& att) const;
  // Numeric attribute values (empty when absent or text).
  std::vector<double> nums(const std::string& att) const;
  bool has(const std::string& att) const { return attrs.count(att) != 0; }
};

// Metadata of one netCDF file (root group).
struct CfMeta {
  std::vector<CfVar> vars;
  std::vector<std::string> dim_names;
  std::vector<std::size_t> dim_sizes;
  std::string unlimited;  // name of the unlimited dimension, "" if none
  const CfVar* find(const std::string& name) const;
  std::size_t dim_size(const std::string& name) const;
};

enum class GridKind { Rectilinear, Curvilinear, Unstructured };
const char* grid_kind_name(GridKind k);

struct CfGrid {
  GridKind kind = GridKind::Rectilinear;
  std::string var;         // the data variable
  std::string lat, lon;    // coordinate variables
  double lat_scale = 1.0;  // multiply by this to get radians
  double lon_scale = 1.0;
  std::vector<int> spatial_axes;           // axes of the data variable that span cells, in order
  std::vector<std::size_t> spatial_shape;  // their extents
  int lat_axis = -1, lon_axis = -1;        // rectilinear only: positions within spatial_axes
  std::vector<int> extra_axes;             // the other axes, in order
  int time_axis = -1;                      // the extra axis -time_range applies to (-1: none)
  std::size_t ncells() const;
};

// Finds the grid of `var` in `meta`. `where` names the file for messages.
CfGrid find_cf_grid(const CfMeta& meta, const std::string& var, const std::string& where);

// Radians per unit of a coordinate variable's `units` (degrees or radians); throws for
// anything else, naming the variable.
double angle_units_scale(const CfVar& v, const std::string& where);

// How raw values of a variable decode: masked if equal to a fill/missing value (or NaN,
// or outside valid_min/valid_max/valid_range), else raw * scale_factor + add_offset.
struct CfPacking {
  std::vector<double> masked_values;  // _FillValue, missing_value(s)
  double scale = 1.0, offset = 0.0;
  double valid_min = -1.0 / 0.0, valid_max = 1.0 / 0.0;
  // Returns false when masked; *out receives the decoded value otherwise.
  bool decode(double raw, double* out) const;
};
// `default_fill`: the library's default fill for the variable's type, used when the
// variable has no _FillValue (cells never written hold it).
CfPacking cf_packing(const CfVar& v, double default_fill);

// Cell edges from centres: midpoints inside, half a spacing beyond each end. For
// latitude (radians), edges are clamped to [-pi/2, pi/2].
std::vector<double> edges_from_centres(const std::vector<double>& c, bool clamp_to_poles);

// Exact area of the lat/lon box [lat0, lat1] x [lon0, lon1] (radians): |sin lat1 -
// sin lat0| * |lon1 - lon0|, with the longitude extent taken modulo 2 pi (a full circle
// stays 2 pi).
double latlon_box_area(double lat0, double lat1, double lon0, double lon1);

// Area of the spherical polygon with vertices (lat, lon) in radians, in order (either
// orientation), by a fan of geodesic triangles from the vertex centroid.
double spherical_polygon_area(const double* lat, const double* lon, int nv);

// Cell area of a curvilinear grid from its centres (unit vectors of an ny x nx grid, C
// order): |dr/di x dr/dj| by central differences (one-sided at the edges).
double curvilinear_spacing_area(const std::vector<double>& xyz, std::size_t ny, std::size_t nx, std::size_t j,
                                std::size_t i);

void latlon_to_unit(double lat, double lon, double* xyz);

// A regular latitude/longitude grid, "latlon:NLAT:NLON" (predict -grid): NLAT x NLON equal
// cells, latitude slowest; cell (j, i) spans [-90 + j d, -90 + (j + 1) d] x [i e, (i + 1) e]
// degrees (d = 180/NLAT, e = 360/NLON) and its point is the centre of that box.
struct LatLonGrid {
  std::size_t nlat = 0, nlon = 0;
  double lat_edge(std::size_t j) const { return -90.0 + 180.0 * double(j) / double(nlat); }
  double lon_edge(std::size_t i) const { return 360.0 * double(i) / double(nlon); }
  double lat(std::size_t j) const { return -90.0 + 180.0 * (double(j) + 0.5) / double(nlat); }
  double lon(std::size_t i) const { return 360.0 * (double(i) + 0.5) / double(nlon); }
};
// Throws for anything but latlon:NLAT:NLON with 1 <= NLAT <= 100000, 1 <= NLON <= 200000,
// naming `option`.
LatLonGrid parse_latlon_grid(const std::string& spec, const std::string& option);

// Parses "a:b" (b exclusive, either side may be empty) against an extent n; throws for
// an empty or out-of-range selection, naming `option`.
void parse_index_range(const std::string& text, std::size_t n, const std::string& option, std::size_t* begin,
                       std::size_t* end);

}  // namespace specavg
