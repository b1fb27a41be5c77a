#include "specavg/io/model_file.hpp"

#include <hdf5.h>

#include <cstdio>
#include <stdexcept>

#include "specavg/dist/collective.hpp"
#include "specavg/io/h5_parallel.hpp"
#include "specavg/util/petsc_util.hpp"

namespace specavg {
namespace {

constexpr int kFormatVersion = 1;

// Serial HDF5 helpers for the small model file; throw std::runtime_error on failure.
void check(herr_t st, const std::string& what) {
  if (st < 0) throw std::runtime_error("HDF5 failure while " + what);
}

// Variable-length UTF-8 strings: h5py returns them as str.
void attr_string(hid_t obj, const char* name, const std::string& v) {
  hid_t t = H5Tcopy(H5T_C_S1);
  H5Tset_size(t, H5T_VARIABLE);
  H5Tset_cset(t, H5T_CSET_UTF8);
  hid_t sp = H5Screate(H5S_SCALAR);
  hid_t a = H5Acreate2(obj, name, t, sp, H5P_DEFAULT, H5P_DEFAULT);
  const char* p = v.c_str();
  check(H5Awrite(a, t, &p), std::string("writing attribute ") + name);
  H5Aclose(a);
  H5Sclose(sp);
  H5Tclose(t);
}

template <typename T>
void attr_number(hid_t obj, const char* name, T v) {
  const hid_t mt = std::is_integral<T>::value ? H5T_NATIVE_LLONG : H5T_NATIVE_DOUBLE;
  const hid_t ft = std::is_integral<T>::value ? H5T_STD_I64LE : H5T_IEEE_F64LE;
  hid_t sp = H5Screate(H5S_SCALAR);
  hid_t a = H5Acreate2(obj, name, ft, sp, H5P_DEFAULT, H5P_DEFAULT);
  if (std::is_integral<T>::value) {
    long long x = (long long)v;
    check(H5Awrite(a, mt, &x), std::string("writing attribute ") + name);
  } else {
    double x = double(v);
    check(H5Awrite(a, mt, &x), std::string("writing attribute ") + name);
  }
  H5Aclose(a);
  H5Sclose(sp);
}

void dataset(hid_t loc, const std::string& name, const std::vector<hsize_t>& dims, const double* data) {
  hid_t sp = H5Screate_simple(int(dims.size()), dims.data(), nullptr);
  hid_t d = H5Dcreate2(loc, name.c_str(), H5T_IEEE_F64LE, sp, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  if (d < 0) throw std::runtime_error("cannot create dataset " + name);
  check(H5Dwrite(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, data), "writing " + name);
  H5Dclose(d);
  H5Sclose(sp);
}

void dataset_int(hid_t loc, const std::string& name, const std::vector<long long>& v) {
  hsize_t n = v.size();
  hid_t sp = H5Screate_simple(1, &n, nullptr);
  hid_t d = H5Dcreate2(loc, name.c_str(), H5T_STD_I64LE, sp, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  if (d < 0) throw std::runtime_error("cannot create dataset " + name);
  check(H5Dwrite(d, H5T_NATIVE_LLONG, H5S_ALL, H5S_ALL, H5P_DEFAULT, v.data()), "writing " + name);
  H5Dclose(d);
  H5Sclose(sp);
}

void write_file(const Model& m, const std::string& tmp) {
  hid_t f = H5Fcreate(tmp.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
  if (f < 0) throw std::runtime_error("cannot create '" + tmp + "': check that the directory exists and is writable");
  const int D = m.basis.dinv();
  attr_string(f, "format", "specavg-model");
  attr_number(f, "format_version", kFormatVersion);
  attr_string(f, "manifold", m.manifold);
  attr_number(f, "dim", m.dim);
  attr_number(f, "lmax", m.lmax());
  attr_string(f, "group_spec", m.group_spec);
  attr_string(f, "estimator", estimator_name(m.estimator));
  attr_number(f, "tau", m.tau);
  attr_number(f, "sobolev_s", m.sobolev_s);
  attr_number(f, "ntargets", m.ntargets);
  attr_number(f, "dinv", D);
  attr_number(f, "dharm", (long long)m.basis.dharm());

  hid_t g = H5Gcreate2(f, "group", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  std::vector<double> gens;
  for (const auto& x : m.generators) gens.insert(gens.end(), x.begin(), x.end());
  dataset(g, "generators", {hsize_t(m.generators.size()), 3, 3}, gens.data());
  H5Gclose(g);

  hid_t b = H5Gcreate2(f, "basis", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  std::vector<long long> counts;
  for (const auto& d : m.basis.degrees) counts.push_back(d.k);
  dataset_int(b, "invariant_counts", counts);
  hid_t q = H5Gcreate2(b, "Q", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  for (const auto& d : m.basis.degrees)
    if (d.k > 0) dataset(q, std::to_string(d.l), {hsize_t(d.k), hsize_t(d.m)}, d.Q.data());
  H5Gclose(q);
  H5Gclose(b);

  dataset(f, "coefficients", {hsize_t(D), hsize_t(m.ntargets)}, m.coef.data());
  std::vector<long long> deg;
  std::vector<double> lam;
  for (int l : m.basis.feature_degree()) {
    deg.push_back(l);
    lam.push_back(double(l) * (l + 1));
  }
  dataset_int(f, "feature_degree", deg);
  dataset(f, "feature_eigenvalue", {hsize_t(D)}, lam.data());

  hid_t p = H5Gcreate2(f, "provenance", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  attr_string(p, "version", m.prov.version);
  attr_string(p, "options", m.prov.options);
  attr_string(p, "created", m.prov.created);
  attr_number(p, "nranks", m.prov.nranks);
  attr_number(p, "n_train", m.prov.n_train);
  attr_number(p, "weight_sum", m.prov.weight_sum);
  hid_t gcpl = H5Pcreate(H5P_GROUP_CREATE);  // keep the phases in pipeline order
  H5Pset_attr_creation_order(gcpl, H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED);
  hid_t t = H5Gcreate2(p, "timings", H5P_DEFAULT, gcpl, H5P_DEFAULT);
  H5Pclose(gcpl);
  for (const auto& [name, sec] : m.prov.timings) attr_number(t, name.c_str(), sec);
  H5Gclose(t);
  H5Gclose(p);
  check(H5Fclose(f), "closing " + tmp);
}

std::string read_attr_string(hid_t obj, const char* name) {
  hid_t a = H5Aopen(obj, name, H5P_DEFAULT);
  if (a < 0) throw std::runtime_error(std::string("missing attribute '") + name + "'");
  hid_t t = H5Aget_type(a);
  std::string s;
  if (H5Tget_class(t) != H5T_STRING) {
    H5Tclose(t);
    H5Aclose(a);
    throw std::runtime_error(std::string("attribute '") + name + "' is not a string");
  }
  if (H5Tis_variable_str(t) > 0) {
    char* p = nullptr;
    hid_t mt = H5Tcopy(H5T_C_S1);
    H5Tset_size(mt, H5T_VARIABLE);
    H5Tset_cset(mt, H5Tget_cset(t));
    const herr_t st = H5Aread(a, mt, &p);
    H5Tclose(mt);
    if (st >= 0 && p) s = p;
    if (p) H5free_memory(p);
    check(st, std::string("reading attribute ") + name);
  } else {  // fixed length (e.g. written by other tools)
    s.assign(H5Tget_size(t) + 1, '\0');
    hid_t mt = H5Tcopy(H5T_C_S1);
    H5Tset_size(mt, s.size());
    check(H5Aread(a, mt, s.data()), std::string("reading attribute ") + name);
    H5Tclose(mt);
    s.resize(s.find('\0') == std::string::npos ? s.size() : s.find('\0'));
  }
  H5Tclose(t);
  H5Aclose(a);
  return s;
}

double read_attr_double(hid_t obj, const char* name) {
  hid_t a = H5Aopen(obj, name, H5P_DEFAULT);
  if (a < 0) throw std::runtime_error(std::string("missing attribute '") + name + "'");
  double v = 0;
  check(H5Aread(a, H5T_NATIVE_DOUBLE, &v), std::string("reading attribute ") + name);
  H5Aclose(a);
  return v;
}

std::vector<double> read_dataset(hid_t loc, const std::string& name, std::size_t expect) {
  hid_t d = H5Dopen2(loc, name.c_str(), H5P_DEFAULT);
  if (d < 0) throw std::runtime_error("missing dataset '" + name + "'");
  hid_t sp = H5Dget_space(d);
  const hssize_t n = H5Sget_simple_extent_npoints(sp);
  H5Sclose(sp);
  if (std::size_t(n) != expect) {
    H5Dclose(d);
    throw std::runtime_error("dataset '" + name + "' has " + std::to_string(n) + " entries, expected " +
                             std::to_string(expect));
  }
  std::vector<double> v(expect);
  if (expect) check(H5Dread(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, v.data()), "reading " + name);
  H5Dclose(d);
  return v;
}

herr_t collect_attr_name(hid_t, const char* name, const H5A_info_t*, void* out) {
  static_cast<std::vector<std::string>*>(out)->push_back(name);
  return 0;
}

void read_file(const std::string& path, Model* m) {
  hid_t f = H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  if (f < 0) throw std::runtime_error("cannot open");
  try {
    if (read_attr_string(f, "format") != "specavg-model")
      throw std::runtime_error("not a specavg model (attribute format)");
    if (int(read_attr_double(f, "format_version")) != kFormatVersion)
      throw std::runtime_error("unsupported format_version");
    m->manifold = read_attr_string(f, "manifold");
    m->dim = int(read_attr_double(f, "dim"));
    if (m->manifold != "sphere" || m->dim != 3)
      throw std::runtime_error("manifold '" + m->manifold + "' is not supported by this version");
    const int lmax = int(read_attr_double(f, "lmax"));
    m->group_spec = read_attr_string(f, "group_spec");
    m->estimator = parse_estimator(read_attr_string(f, "estimator"));
    m->tau = read_attr_double(f, "tau");
    m->sobolev_s = read_attr_double(f, "sobolev_s");
    m->ntargets = int(read_attr_double(f, "ntargets"));

    hid_t g = H5Gopen2(f, "group", H5P_DEFAULT);
    if (g < 0) throw std::runtime_error("missing group 'group'");
    hid_t gd = H5Dopen2(g, "generators", H5P_DEFAULT);
    hid_t sp = H5Dget_space(gd);
    hsize_t gdims[3] = {0, 0, 0};
    H5Sget_simple_extent_dims(sp, gdims, nullptr);
    H5Sclose(sp);
    H5Dclose(gd);
    auto gens = read_dataset(g, "generators", gdims[0] * 9);
    H5Gclose(g);
    m->generators.assign(gdims[0], Mat3{});
    for (std::size_t j = 0; j < gdims[0]; ++j)
      for (int e = 0; e < 9; ++e) m->generators[j][e] = gens[9 * j + e];

    m->basis = InvariantBasis{};
    m->basis.lmax = lmax;
    auto counts = read_dataset(f, "basis/invariant_counts", std::size_t(lmax) + 1);
    for (int l = 0; l <= lmax; ++l) {
      DegreeInvariants d;
      d.l = l;
      d.m = 2 * l + 1;
      d.k = int(counts[l]);
      if (d.k > 0) d.Q = read_dataset(f, "basis/Q/" + std::to_string(l), std::size_t(d.k) * d.m);
      m->basis.degrees.push_back(std::move(d));
    }
    m->coef = read_dataset(f, "coefficients", std::size_t(m->basis.dinv()) * m->ntargets);
    hid_t p = H5Gopen2(f, "provenance", H5P_DEFAULT);
    if (p >= 0) {
      m->prov.version = read_attr_string(p, "version");
      m->prov.options = read_attr_string(p, "options");
      m->prov.created = read_attr_string(p, "created");
      m->prov.nranks = int(read_attr_double(p, "nranks"));
      m->prov.n_train = (long long)read_attr_double(p, "n_train");
      m->prov.weight_sum = read_attr_double(p, "weight_sum");
      hid_t t = H5Gopen2(p, "timings", H5P_DEFAULT);
      m->prov.timings.clear();
      if (t >= 0) {
        std::vector<std::string> names;
        hsize_t idx = 0;
        if (H5Aiterate2(t, H5_INDEX_CRT_ORDER, H5_ITER_INC, &idx, collect_attr_name, &names) < 0) {
          names.clear();  // no creation order recorded: alphabetical
          idx = 0;
          H5Aiterate2(t, H5_INDEX_NAME, H5_ITER_INC, &idx, collect_attr_name, &names);
        }
        for (const auto& nm : names) m->prov.timings.emplace_back(nm, read_attr_double(t, nm.c_str()));
      }
      if (t >= 0) H5Gclose(t);
      H5Gclose(p);
    }
  } catch (...) {
    H5Fclose(f);
    throw;
  }
  H5Fclose(f);
}

}  // namespace

PetscErrorCode write_model(MPI_Comm comm, const Model& model, const std::string& path) {
  PetscFunctionBeginUser;
  h5_silence_errors();
  PetscCall(collective_check(comm, !path.empty(), "no model file given: pass -model <model.h5>"));
  int rank;
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  std::string msg;
  if (rank == 0) {
    const std::string tmp = path + ".tmp";
    try {
      write_file(model, tmp);
      if (std::rename(tmp.c_str(), path.c_str()) != 0) throw std::runtime_error("cannot rename " + tmp + " to " + path);
    } catch (const std::exception& e) {
      std::remove(tmp.c_str());
      msg = "writing model '" + path + "' failed: " + e.what();
    }
  }
  PetscCall(collective_check(comm, msg.empty(), msg));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode read_model(MPI_Comm comm, const std::string& path, Model* model) {
  PetscFunctionBeginUser;
  h5_silence_errors();
  PetscCall(collective_check(comm, !path.empty(), "no model file given: pass -model <model.h5>"));
  PetscCall(collective_check(comm, file_exists(path), "-model file '" + path + "' does not exist"));
  std::string msg;
  try {
    read_file(path, model);
  } catch (const std::exception& e) {
    msg = "-model file '" + path + "' is not a valid specavg model: " + e.what();
  }
  PetscCall(collective_check(comm, msg.empty(), msg));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode read_generator_file(MPI_Comm comm, const std::string& path, std::vector<Mat3>* gens) {
  PetscFunctionBeginUser;
  H5Reader r;
  PetscCall(r.open(comm, path, "-group_file"));
  std::vector<hsize_t> dims;
  PetscCall(r.shape("generators", &dims));
  PetscCall(collective_check(comm, dims.size() == 3 && dims[1] == 3 && dims[2] == 3,
                             "dataset 'generators' in -group_file '" + path + "' must have shape (m, 3, 3)"));
  std::vector<double> buf(dims[0] * 9);
  PetscCall(r.read_rows("generators", 0, PetscInt(dims[0]), buf.data()));
  gens->assign(dims[0], Mat3{});
  for (std::size_t j = 0; j < dims[0]; ++j)
    for (int e = 0; e < 9; ++e) (*gens)[j][e] = buf[9 * j + e];
  SPECAVG_CALL_CXX(comm, validate_generators(*gens, "-group_file '" + path + "'"));
  PetscFunctionReturn(PETSC_SUCCESS);
}

}  // namespace specavg
