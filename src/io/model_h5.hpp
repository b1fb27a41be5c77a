#pragma once
// Serial HDF5 helpers for the small model file (internal to io/): attributes, datasets and
// groups written by rank 0 and read by every rank with the serial driver. Strings are
// variable-length UTF-8 (h5py returns them as str); numbers are int64 or float64 on disk.
// Every helper throws std::runtime_error naming the attribute or dataset on failure.
#include <hdf5.h>

#include <cstddef>
#include <string>
#include <type_traits>
#include <vector>

#include "specavg/io/h5_handle.hpp"

namespace specavg {
namespace serial_h5 {

void check(herr_t st, const std::string& what);

void attr_string(hid_t obj, const char* name, const std::string& v);

// Scalar attribute: int64 for integral T, float64 otherwise.
template <typename T>
void attr_number(hid_t obj, const char* name, T v) {
  const hid_t mt = std::is_integral<T>::value ? H5T_NATIVE_LLONG : H5T_NATIVE_DOUBLE;
  const hid_t ft = std::is_integral<T>::value ? H5T_STD_I64LE : H5T_IEEE_F64LE;
  H5Space sp(H5Screate(H5S_SCALAR));
  H5Attr a(H5Acreate2(obj, name, ft, sp, H5P_DEFAULT, H5P_DEFAULT));
  if (std::is_integral<T>::value) {
    long long x = (long long)v;
    check(H5Awrite(a, mt, &x), std::string("writing attribute ") + name);
  } else {
    double x = double(v);
    check(H5Awrite(a, mt, &x), std::string("writing attribute ") + name);
  }
}

void dataset(hid_t loc, const std::string& name, const std::vector<hsize_t>& dims, const double* data);
void dataset_int(hid_t loc, const std::string& name, const std::vector<long long>& v);
// Variable-length UTF-8 string dataset (h5py reads it as bytes/str objects).
void dataset_strings(hid_t loc, const std::string& name, const std::vector<std::string>& v);
H5Group create_group(hid_t loc, const char* name, hid_t gcpl = H5P_DEFAULT);

// Reads a string attribute, variable or fixed length (e.g. written by other tools).
std::string read_attr_string(hid_t obj, const char* name);
double read_attr_double(hid_t obj, const char* name);
// The whole dataset as double; it must hold exactly `expect` entries.
std::vector<double> read_dataset(hid_t loc, const std::string& name, std::size_t expect);
std::vector<std::string> read_strings(hid_t loc, const std::string& name, std::size_t expect);
// Extent of the first dimension; *ndims receives the rank.
std::size_t dataset_rows(hid_t loc, const std::string& name, int* ndims);
// H5Aiterate2 callback: appends each attribute's name to the std::vector<std::string> in `out`.
herr_t collect_attr_name(hid_t, const char* name, const H5A_info_t*, void* out);

}  // namespace serial_h5
}  // namespace specavg
