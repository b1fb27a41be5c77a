#include "specavg/io/sparse_basis_file.hpp"

#include <algorithm>
#include <stdexcept>
#include <string>

#include "specavg/io/h5_handle.hpp"

namespace specavg {
namespace {

void check(herr_t st, const std::string& what) {
  if (st < 0) throw std::runtime_error("HDF5 failure while " + what);
}

void write_1d(hid_t loc, const char* name, hid_t file_type, hid_t mem_type, std::size_t n, const void* data) {
  const hsize_t dim = n;
  H5Space sp(H5Screate_simple(1, &dim, nullptr));
  H5Dataset d(H5Dcreate2(loc, name, file_type, sp, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT));
  if (!d.valid()) throw std::runtime_error(std::string("cannot create dataset basis/Q_sparse/") + name);
  if (n) check(H5Dwrite(d, mem_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, data), std::string("writing ") + name);
}

template <typename T>
std::vector<T> read_1d(hid_t loc, const char* name, hid_t mem_type) {
  const H5Dataset d(H5Dopen2(loc, name, H5P_DEFAULT));
  if (!d.valid()) throw std::runtime_error(std::string("missing dataset 'basis/Q_sparse/") + name + "'");
  const hssize_t n = H5Sget_simple_extent_npoints(H5Space(H5Dget_space(d)));
  if (n < 0) throw std::runtime_error(std::string("cannot read the size of basis/Q_sparse/") + name);
  std::vector<T> v(static_cast<std::size_t>(n));
  if (n) check(H5Dread(d, mem_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, v.data()), std::string("reading ") + name);
  return v;
}

}  // namespace

void write_sparse_basis(hid_t basis_group, const std::vector<SpaceInvariants>& spaces) {
  std::vector<long long> labels, rows;
  std::vector<double> values;
  for (const SpaceInvariants& s : spaces) {
    if (!s.sparse) continue;
    labels.push_back(s.label);
    rows.insert(rows.end(), s.sparse_rows.begin(), s.sparse_rows.end());
    values.insert(values.end(), s.sparse_vals.begin(), s.sparse_vals.end());
  }
  if (labels.empty()) return;
  H5Group g(H5Gcreate2(basis_group, "Q_sparse", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT));
  if (!g.valid()) throw std::runtime_error("cannot create group basis/Q_sparse");
  write_1d(g, "labels", H5T_STD_I64LE, H5T_NATIVE_LLONG, labels.size(), labels.data());
  write_1d(g, "rows", H5T_STD_I64LE, H5T_NATIVE_LLONG, rows.size(), rows.data());
  write_1d(g, "values", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, values.size(), values.data());
}

std::vector<int> sparse_basis_labels(hid_t file) {
  if (H5Lexists(file, "basis", H5P_DEFAULT) <= 0 || H5Lexists(file, "basis/Q_sparse", H5P_DEFAULT) <= 0) return {};
  const H5Group g(H5Gopen2(file, "basis/Q_sparse", H5P_DEFAULT));
  if (!g.valid()) throw std::runtime_error("cannot open group basis/Q_sparse");
  const std::vector<long long> v = read_1d<long long>(g, "labels", H5T_NATIVE_LLONG);
  return std::vector<int>(v.begin(), v.end());
}

void read_sparse_basis(hid_t file, std::vector<SpaceInvariants>* spaces) {
  const std::vector<int> labels = sparse_basis_labels(file);
  if (labels.empty()) return;
  const H5Group g(H5Gopen2(file, "basis/Q_sparse", H5P_DEFAULT));
  const std::vector<long long> rows = read_1d<long long>(g, "rows", H5T_NATIVE_LLONG);
  const std::vector<double> values = read_1d<double>(g, "values", H5T_NATIVE_DOUBLE);
  if (rows.size() != values.size())
    throw std::runtime_error("'basis/Q_sparse/rows' and 'values' differ in length");
  std::size_t at = 0, s = 0;
  for (std::size_t i = 0; i < labels.size(); ++i) {
    if (i > 0 && labels[i] <= labels[i - 1]) throw std::runtime_error("'basis/Q_sparse/labels' are not ascending");
    while (s < spaces->size() && (*spaces)[s].label != labels[i]) ++s;
    if (s == spaces->size())
      throw std::runtime_error("'basis/Q_sparse/labels' names eigenspace " + std::to_string(labels[i]) +
                               ", which is not in 'basis/labels'");
    SpaceInvariants& si = (*spaces)[s];
    const std::size_t n = 2 * std::size_t(si.k);
    if (at + n > rows.size())
      throw std::runtime_error("'basis/Q_sparse/rows' is shorter than the invariant counts of its labels");
    si.sparse = true;
    si.Q.clear();
    si.sparse_rows.resize(n);
    for (std::size_t j = 0; j < n; ++j) {
      const long long r = rows[at + j];
      if (r < 0 || r >= si.m)
        throw std::runtime_error("'basis/Q_sparse/rows' has row " + std::to_string(r) + " outside eigenspace " +
                                 std::to_string(si.label) + " (m = " + std::to_string(si.m) + ")");
      si.sparse_rows[j] = int(r);
    }
    si.sparse_vals.assign(values.begin() + long(at), values.begin() + long(at + n));
    at += n;
  }
  if (at != rows.size())
    throw std::runtime_error("'basis/Q_sparse/rows' is longer than the invariant counts of its labels");
}

}  // namespace specavg
