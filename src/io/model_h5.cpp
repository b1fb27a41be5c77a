#include "model_h5.hpp"

#include <stdexcept>

namespace specavg {
namespace serial_h5 {

void check(herr_t st, const std::string& what) {
  if (st < 0) throw std::runtime_error("HDF5 failure while " + what);
}

// Variable-length UTF-8 strings: h5py returns them as str.
void attr_string(hid_t obj, const char* name, const std::string& v) {
  H5Type t(H5Tcopy(H5T_C_S1));
  H5Tset_size(t, H5T_VARIABLE);
  H5Tset_cset(t, H5T_CSET_UTF8);
  H5Space sp(H5Screate(H5S_SCALAR));
  H5Attr a(H5Acreate2(obj, name, t, sp, H5P_DEFAULT, H5P_DEFAULT));
  const char* p = v.c_str();
  check(H5Awrite(a, t, &p), std::string("writing attribute ") + name);
}

void dataset(hid_t loc, const std::string& name, const std::vector<hsize_t>& dims, const double* data) {
  H5Space sp(H5Screate_simple(int(dims.size()), dims.data(), nullptr));
  H5Dataset d(H5Dcreate2(loc, name.c_str(), H5T_IEEE_F64LE, sp, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT));
  if (!d.valid()) throw std::runtime_error("cannot create dataset " + name);
  check(H5Dwrite(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, data), "writing " + name);
}

void dataset_int(hid_t loc, const std::string& name, const std::vector<long long>& v) {
  hsize_t n = v.size();
  H5Space sp(H5Screate_simple(1, &n, nullptr));
  H5Dataset d(H5Dcreate2(loc, name.c_str(), H5T_STD_I64LE, sp, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT));
  if (!d.valid()) throw std::runtime_error("cannot create dataset " + name);
  check(H5Dwrite(d, H5T_NATIVE_LLONG, H5S_ALL, H5S_ALL, H5P_DEFAULT, v.data()), "writing " + name);
}

H5Group create_group(hid_t loc, const char* name, hid_t gcpl) {
  H5Group g(H5Gcreate2(loc, name, H5P_DEFAULT, gcpl, H5P_DEFAULT));
  if (!g.valid()) throw std::runtime_error(std::string("cannot create group ") + name);
  return g;
}

void dataset_strings(hid_t loc, const std::string& name, const std::vector<std::string>& v) {
  H5Type t(H5Tcopy(H5T_C_S1));
  H5Tset_size(t, H5T_VARIABLE);
  H5Tset_cset(t, H5T_CSET_UTF8);
  hsize_t n = v.size();
  H5Space sp(H5Screate_simple(1, &n, nullptr));
  H5Dataset d(H5Dcreate2(loc, name.c_str(), t, sp, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT));
  if (!d.valid()) throw std::runtime_error("cannot create dataset " + name);
  std::vector<const char*> p;
  for (const auto& x : v) p.push_back(x.c_str());
  check(H5Dwrite(d, t, H5S_ALL, H5S_ALL, H5P_DEFAULT, p.data()), "writing " + name);
}

std::string read_attr_string(hid_t obj, const char* name) {
  const H5Attr a(H5Aopen(obj, name, H5P_DEFAULT));
  if (!a.valid()) throw std::runtime_error(std::string("missing attribute '") + name + "'");
  const H5Type t(H5Aget_type(a));
  std::string s;
  if (H5Tget_class(t) != H5T_STRING) throw std::runtime_error(std::string("attribute '") + name + "' is not a string");
  if (H5Tis_variable_str(t) > 0) {
    char* p = nullptr;
    const H5Type mt(H5Tcopy(H5T_C_S1));
    H5Tset_size(mt, H5T_VARIABLE);
    H5Tset_cset(mt, H5Tget_cset(t));
    const herr_t st = H5Aread(a, mt, &p);
    if (st >= 0 && p) s = p;
    if (p) H5free_memory(p);
    check(st, std::string("reading attribute ") + name);
  } else {  // fixed length (e.g. written by other tools)
    s.assign(H5Tget_size(t) + 1, '\0');
    const H5Type mt(H5Tcopy(H5T_C_S1));
    H5Tset_size(mt, s.size());
    check(H5Aread(a, mt, s.data()), std::string("reading attribute ") + name);
    s.resize(s.find('\0') == std::string::npos ? s.size() : s.find('\0'));
  }
  return s;
}

double read_attr_double(hid_t obj, const char* name) {
  const H5Attr a(H5Aopen(obj, name, H5P_DEFAULT));
  if (!a.valid()) throw std::runtime_error(std::string("missing attribute '") + name + "'");
  double v = 0;
  check(H5Aread(a, H5T_NATIVE_DOUBLE, &v), std::string("reading attribute ") + name);
  return v;
}

std::vector<double> read_dataset(hid_t loc, const std::string& name, std::size_t expect) {
  const H5Dataset d(H5Dopen2(loc, name.c_str(), H5P_DEFAULT));
  if (!d.valid()) throw std::runtime_error("missing dataset '" + name + "'");
  const hssize_t n = H5Sget_simple_extent_npoints(H5Space(H5Dget_space(d)));
  if (std::size_t(n) != expect) {
    throw std::runtime_error("dataset '" + name + "' has " + std::to_string(n) + " entries, expected " +
                             std::to_string(expect));
  }
  std::vector<double> v(expect);
  if (expect) check(H5Dread(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, v.data()), "reading " + name);
  return v;
}

herr_t collect_attr_name(hid_t, const char* name, const H5A_info_t*, void* out) {
  static_cast<std::vector<std::string>*>(out)->push_back(name);
  return 0;
}

std::size_t dataset_rows(hid_t loc, const std::string& name, int* ndims) {
  const H5Dataset ds(H5Dopen2(loc, name.c_str(), H5P_DEFAULT));
  if (!ds.valid()) throw std::runtime_error("missing dataset '" + name + "'");
  const H5Space sp(H5Dget_space(ds));
  hsize_t dims[4] = {0, 0, 0, 0};
  *ndims = H5Sget_simple_extent_ndims(sp);
  if (*ndims >= 1 && *ndims <= 4) H5Sget_simple_extent_dims(sp, dims, nullptr);
  return std::size_t(dims[0]);
}

std::vector<std::string> read_strings(hid_t loc, const std::string& name, std::size_t expect) {
  const H5Dataset d(H5Dopen2(loc, name.c_str(), H5P_DEFAULT));
  if (!d.valid()) throw std::runtime_error("missing dataset '" + name + "'");
  if (std::size_t(H5Sget_simple_extent_npoints(H5Space(H5Dget_space(d)))) != expect)
    throw std::runtime_error("dataset '" + name + "' has the wrong length");
  H5Type t(H5Tcopy(H5T_C_S1));
  H5Tset_size(t, H5T_VARIABLE);
  std::vector<char*> p(expect, nullptr);
  check(H5Dread(d, t, H5S_ALL, H5S_ALL, H5P_DEFAULT, p.data()), "reading " + name);
  std::vector<std::string> v;
  for (char* c : p) v.emplace_back(c ? c : ""), H5free_memory(c);
  return v;
}

}  // namespace serial_h5
}  // namespace specavg
