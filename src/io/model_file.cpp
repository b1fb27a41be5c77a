#include "specavg/io/model_file.hpp"

#include "specavg/group/orbit_types.hpp"
#include "specavg/group/torus_orbits.hpp"

#include <hdf5.h>

#include <algorithm>
#include <cstdio>
#include <stdexcept>

#include "specavg/comm/collective.hpp"
#include "specavg/io/file_format.hpp"
#include "specavg/io/h5_handle.hpp"
#include "specavg/io/h5_parallel.hpp"
#include "specavg/io/sparse_basis_file.hpp"
#include "specavg/comm/petsc_util.hpp"
#include "specavg/util/failure.hpp"

namespace specavg {
namespace {

constexpr int kFormatVersion = 4;  // 1: S² only (lmax, Q/<l>); 2: no `method`; 3: no Q_sparse; all still readable

// Serial HDF5 helpers for the small model file; throw std::runtime_error on failure.
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

H5Group create_group(hid_t loc, const char* name, hid_t gcpl = H5P_DEFAULT) {
  H5Group g(H5Gcreate2(loc, name, H5P_DEFAULT, gcpl, H5P_DEFAULT));
  if (!g.valid()) throw std::runtime_error(std::string("cannot create group ") + name);
  return g;
}

// Variable-length UTF-8 string dataset (h5py reads it as bytes/str objects).
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

// selection/: the criterion curve and the choice per target (-select).
void write_selection(hid_t f, const Model& m) {
  const SelectionResult& s = m.selection;
  const H5Group g = create_group(f, "selection");
  attr_string(g, "criterion", select_criterion_name(s.criterion));
  attr_number(g, "pooled", int(s.pooled));
  attr_number(g, "folds", s.folds);
  attr_string(g, "scores_layout", "cutoff x tau x target: weighted mean squared prediction error");
  dataset(g, "taus", {hsize_t(s.taus.size())}, s.taus.data());
  std::vector<long long> p, ci(s.chosen_cutoff.begin(), s.chosen_cutoff.end()),
      ti(s.chosen_tau.begin(), s.chosen_tau.end()), cp;
  std::vector<std::string> labels;
  for (const auto& c : s.cutoffs) p.push_back(c.p), labels.push_back(c.label);
  std::vector<double> ct;
  for (int t = 0; t < s.ntargets; ++t) ct.push_back(s.taus[s.chosen_tau[t]]), cp.push_back(s.cutoffs[s.chosen_cutoff[t]].p);
  dataset_int(g, "cutoff_p", p);
  dataset_strings(g, "cutoff_labels", labels);
  dataset(g, "scores", {hsize_t(s.cutoffs.size()), hsize_t(s.taus.size()), hsize_t(s.ntargets)}, s.scores.data());
  dataset_int(g, "chosen_cutoff_index", ci);
  dataset_int(g, "chosen_tau_index", ti);
  dataset_int(g, "chosen_p", cp);
  dataset(g, "chosen_tau", {hsize_t(ct.size())}, ct.data());
}

// uncertainty/: noise variance per target and the unit coefficient covariances.
void write_uncertainty(hid_t f, const Model& m) {
  const ModelUncertainty& u = m.uncertainty;
  const H5Group g = create_group(f, "uncertainty");
  attr_string(g, "model", "y = psi(x)^T a + eps, eps ~ N(0, noise_variance / w); Cov(a_t) = noise_variance[t] * "
                          "unit_covariance[target_group[t]]; truncation bias not included");
  const hsize_t D = hsize_t(m.basis.dinv());
  dataset(g, "noise_variance", {hsize_t(u.noise_variance.size())}, u.noise_variance.data());
  dataset_int(g, "target_group", std::vector<long long>(u.target_group.begin(), u.target_group.end()));
  std::vector<double> all;
  for (const auto& c : u.unit_covariance) all.insert(all.end(), c.begin(), c.end());
  dataset(g, "unit_covariance", {hsize_t(u.unit_covariance.size()), D, D}, all.data());
}

// basis/ring/: the invariant-ring representation (group/ring_invariants.hpp) instead of Q:
// the orbit types (representative exponents, types × dim) and, per eigenspace, the terms
// (type indices) and the coefficients (k × terms): ψ_j = Σ_i coef[j, i] |x|^{l − deg_i} O_i.
void write_ring(hid_t b, const InvariantBasis& basis) {
  const OrbitTypes& T = *basis.ring;
  const H5Group r = create_group(b, "ring");
  attr_string(r, "kind", orbit_kind_name(T.kind()));
  attr_number(r, "kmax", T.kmax());
  attr_string(r, "convention", "psi_j(x) = sum_i coef[j, i] |x|^(label - degree(term_i)) O_(term_i)(x), O_t the signed "
                               "orbit sum of the monomial x^types[t] under the group (sign +1 at the representative)");
  std::vector<double> reps(std::size_t(T.size()) * T.dim());
  std::vector<long long> deg;
  for (int t = 0; t < T.size(); ++t) {
    std::copy_n(T.rep(t), T.dim(), reps.begin() + std::ptrdiff_t(t) * T.dim());
    deg.push_back(T.degree(t));
  }
  dataset(r, "types", {hsize_t(T.size()), hsize_t(T.dim())}, reps.data());
  dataset_int(r, "type_degrees", deg);
  const H5Group terms = create_group(r, "terms"), coef = create_group(r, "coef");
  for (const auto& sp : basis.spaces) {
    if (sp.k == 0) continue;
    dataset_int(terms, std::to_string(sp.label), std::vector<long long>(sp.ring_terms.begin(), sp.ring_terms.end()));
    dataset(coef, std::to_string(sp.label), {hsize_t(sp.k), hsize_t(sp.ring_terms.size())}, sp.ring_coef.data());
  }
}

// basis/ring/ on the torus (group/torus_orbits.hpp): the mode orbits' representatives
// (frequencies and sine coordinates, orbits × dim), shells and sizes; per shell the orbit
// indices of its features. The orbits are rebuilt from the generators when read.
void write_torus_ring(hid_t b, const InvariantBasis& basis) {
  const TorusOrbits& O = *basis.torus_ring;
  const H5Group r = create_group(b, "ring");
  attr_string(r, "kind", std::string("torus-") + torus_orbit_kind_name(O.kind()));
  attr_string(r, "convention", "psi_j(x) = |orbit|^(-1/2) sum_beta sigma_beta phi_beta(x) over the real Fourier modes "
                               "beta of the orbit of mode (orbit_kappa[j], orbit_sines[j]) under the group, sigma = +1 "
                               "at the representative");
  const std::size_t n = std::size_t(O.size()), d = std::size_t(O.dim());
  std::vector<double> kappa(n * d), sines(n * d), sizes(n);
  std::vector<long long> shells;
  for (std::size_t o = 0; o < n; ++o) {
    const TorusOrbit& t = O.orbit(int(o));
    for (std::size_t c = 0; c < d; ++c) {
      kappa[o * d + c] = t.kappa[c];
      sines[o * d + c] = double((t.sine_mask >> c) & 1);
    }
    sizes[o] = t.size;
    shells.push_back(t.shell);
  }
  dataset(r, "orbit_kappa", {hsize_t(n), hsize_t(d)}, kappa.data());
  dataset(r, "orbit_sines", {hsize_t(n), hsize_t(d)}, sines.data());
  dataset(r, "orbit_sizes", {hsize_t(n)}, sizes.data());
  dataset_int(r, "orbit_shells", shells);
  const H5Group terms = create_group(r, "terms");
  for (const auto& sp : basis.spaces)
    if (sp.k > 0)
      dataset_int(terms, std::to_string(sp.label), std::vector<long long>(sp.ring_terms.begin(), sp.ring_terms.end()));
}

void write_basis(hid_t f, const Model& m) {
  const int D = m.basis.dinv();
  const H5Group b = create_group(f, "basis");
  std::vector<long long> labels, mult, counts;
  std::vector<double> lambdas, residuals;
  for (const auto& sp : m.basis.spaces) {
    labels.push_back(sp.label);
    mult.push_back(sp.m);
    counts.push_back(sp.k);
    lambdas.push_back(sp.lambda);
    residuals.push_back(sp.residual);
  }
  dataset_int(b, "labels", labels);
  dataset(b, "eigenvalues", {hsize_t(lambdas.size())}, lambdas.data());
  dataset_int(b, "multiplicities", mult);
  dataset_int(b, "invariant_counts", counts);
  dataset(b, "residuals", {hsize_t(residuals.size())}, residuals.data());
  const H5Group q = create_group(b, "Q");
  for (const auto& sp : m.basis.spaces)
    if (sp.k > 0 && sp.method != "ring" && !sp.sparse)
      dataset(q, std::to_string(sp.label), {hsize_t(sp.k), hsize_t(sp.m)}, sp.Q.data());
  write_sparse_basis(b, m.basis.spaces);
  if (m.basis.ring) write_ring(b, m.basis);
  if (m.basis.torus_ring) write_torus_ring(b, m.basis);

  dataset(f, "coefficients", {hsize_t(D), hsize_t(m.ntargets)}, m.coef.data());
  std::vector<long long> lab;
  for (int l : m.basis.feature_label()) lab.push_back(l);
  dataset_int(f, "feature_label", lab);
  const std::vector<double> lam = m.basis.feature_lambda();
  dataset(f, "feature_eigenvalue", {hsize_t(D)}, lam.data());
}

void write_krr(hid_t f, const Model& m) {
  const KrrModel& k = m.krr;
  const std::size_t d = std::size_t(m.manifold().dim()), N = std::size_t(k.ncenters(m.manifold().dim()));
  const H5Group g = create_group(f, "krr");
  attr_string(g, "kernel", kernel_name(k.kernel.kind));
  attr_number(g, "width", k.kernel.width);
  attr_number(g, "lambda", k.lambda);
  attr_number(g, "order", k.order);
  dataset(g, "centers", {hsize_t(N), hsize_t(d)}, k.centers.data());
  dataset(g, "alpha", {hsize_t(N), hsize_t(m.ntargets)}, k.alpha.data());
  if (!k.elements.empty()) {
    std::vector<double> P, t;
    for (const auto& e : k.elements) {
      P.insert(P.end(), e.P.begin(), e.P.end());
      t.insert(t.end(), e.t.begin(), e.t.end());
      if (e.t.empty()) t.resize(t.size() + d, 0.0);
    }
    dataset(g, "elements", {hsize_t(k.elements.size()), hsize_t(d), hsize_t(d)}, P.data());
    dataset(g, "element_shifts", {hsize_t(k.elements.size()), hsize_t(d)}, t.data());
  }
}

void write_file(const Model& m, const std::string& tmp) {
  H5File f(H5Fcreate(tmp.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT));
  if (!f.valid()) throw std::runtime_error("cannot create '" + tmp + "': check that the directory exists and is writable");
  const int D = m.basis.dinv();
  attr_string(f, "format", "specavg-model");
  attr_number(f, "format_version", kFormatVersion);
  inject_failure("writer");  // test hook: a failure with a partial temporary on disk
  const Manifold& M = m.manifold();
  const std::size_t r = m.generators.size(), d = std::size_t(M.dim());
  attr_string(f, "manifold", M.name());
  attr_number(f, "dim", M.dim());
  attr_string(f, "cutoff", m.basis.cutoff);
  attr_string(f, "group_spec", m.group_spec);
  attr_string(f, "estimator", m.estimator->name());
  attr_number(f, "tau", m.tau);
  attr_number(f, "sobolev_s", m.sobolev_s);
  attr_string(f, "penalty", m.penalty);
  attr_number(f, "ntargets", m.ntargets);
  attr_number(f, "dinv", D);
  attr_number(f, "dtotal", (long long)m.basis.dtotal());
  attr_string(f, "method", m.estimator->uses_invariant_basis() ? "specavg" : m.estimator->name());  // format 3
  const BasisConventions conv = M.basis_conventions();
  attr_string(f, "basis_ordering", conv.ordering);
  attr_string(f, "basis_normalization", conv.normalization);
  attr_string(f, "basis_phase", conv.phase);

  H5Group g = create_group(f, "group");
  std::vector<double> P, shifts;
  for (const auto& x : m.generators) {
    P.insert(P.end(), x.P.begin(), x.P.end());
    shifts.insert(shifts.end(), x.t.begin(), x.t.end());
    if (x.t.empty()) shifts.resize(shifts.size() + d, 0.0);
  }
  dataset(g, "generators", {hsize_t(r), hsize_t(d), hsize_t(d)}, P.data());
  if (M.translation_period() > 0) dataset(g, "shifts", {hsize_t(r), hsize_t(d)}, shifts.data());
  g.reset();

  if (m.estimator->uses_invariant_basis())
    write_basis(f, m);
  else
    write_krr(f, m);
  if (m.has_selection) write_selection(f, m);
  if (!m.uncertainty.empty()) write_uncertainty(f, m);

  const H5Group p = create_group(f, "provenance");
  attr_string(p, "version", m.prov.version);
  attr_string(p, "options", m.prov.options);
  attr_string(p, "created", m.prov.created);
  attr_number(p, "nranks", m.prov.nranks);
  attr_number(p, "n_train", m.prov.n_train);
  attr_number(p, "weight_sum", m.prov.weight_sum);
  const H5Plist gcpl(H5Pcreate(H5P_GROUP_CREATE));  // keep the phases in pipeline order
  H5Pset_attr_creation_order(gcpl, H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED);
  {
    const H5Group t = create_group(p, "timings", gcpl);
    for (const auto& [name, sec] : m.prov.timings) attr_number(t, name.c_str(), sec);
  }
  check(f.reset(), "closing " + tmp);
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

void read_krr(hid_t f, const Manifold& M, int ntargets, KrrModel* k) {
  const H5Group g(H5Gopen2(f, "krr", H5P_DEFAULT));
  if (!g.valid()) throw std::runtime_error("missing group 'krr' of a kernel-ridge model");
  {
    k->kernel.kind = parse_kernel(read_attr_string(g, "kernel"));
    k->kernel.width = read_attr_double(g, "width");
    k->lambda = read_attr_double(g, "lambda");
    k->order = (long long)read_attr_double(g, "order");
    const std::size_t d = std::size_t(M.dim());
    int nd;
    const std::size_t N = dataset_rows(g, "centers", &nd);
    k->centers = read_dataset(g, "centers", N * d);
    k->alpha = read_dataset(g, "alpha", N * std::size_t(ntargets));
    k->elements.clear();
    if (H5Lexists(g, "elements", H5P_DEFAULT) > 0) {
      const std::size_t r = dataset_rows(g, "elements", &nd);
      const auto P = read_dataset(g, "elements", r * d * d);
      const auto t = read_dataset(g, "element_shifts", r * d);
      for (std::size_t j = 0; j < r; ++j) {
        Isometry iso = isometry_identity(int(d));
        std::copy_n(P.begin() + j * d * d, d * d, iso.P.begin());
        std::copy_n(t.begin() + j * d, d, iso.t.begin());
        k->elements.push_back(std::move(iso));
      }
    }
  }
}

// The torus's mode orbits are rebuilt from the generators and must match the stored ones.
void read_torus_ring(hid_t r, const Manifold& M, Model* m) {
  auto O = std::make_shared<TorusOrbits>(M.dim(), m->generators);
  const std::string kind = std::string("torus-") + torus_orbit_kind_name(O->kind());
  if (read_attr_string(r, "kind") != kind)
    throw std::runtime_error("'basis/ring' names orbit kind '" + read_attr_string(r, "kind") +
                             "' but the model's generators give '" + kind + "'");
  for (SpaceInvariants& si : m->basis.spaces) {
    si.method = "ring";
    const int first = O->size();
    if (O->add_shell(si.label) != si.k)
      throw std::runtime_error("'basis/invariant_counts' does not match the mode orbits of the model's generators");
    for (int j = 0; j < si.k; ++j) si.ring_terms.push_back(first + j);
  }
  const std::size_t n = std::size_t(O->size()), d = std::size_t(O->dim());
  const std::vector<double> kappa = read_dataset(r, "orbit_kappa", n * d), sines = read_dataset(r, "orbit_sines", n * d);
  for (std::size_t o = 0; o < n; ++o)
    for (std::size_t c = 0; c < d; ++c)
      if (int(kappa[o * d + c]) != O->orbit(int(o)).kappa[c] ||
          int(sines[o * d + c]) != int((O->orbit(int(o)).sine_mask >> c) & 1))
        throw std::runtime_error("'basis/ring/orbit_kappa' does not match the mode orbits of the model's generators");
  m->basis.torus_ring = std::move(O);
}

// The orbit types are rebuilt from the generators (deterministic) and must match the stored ones.
void read_ring(hid_t f, const Manifold& M, Model* m) {
  const H5Group r(H5Gopen2(f, "basis/ring", H5P_DEFAULT));
  if (M.supports_mode_orbit_route()) return read_torus_ring(r, M, m);
  const int kmax = int(read_attr_double(r, "kmax"));
  auto T = std::make_shared<const OrbitTypes>(M.dim(), kmax, m->generators);
  if (read_attr_string(r, "kind") != orbit_kind_name(T->kind()))
    throw std::runtime_error("'basis/ring' names orbit kind '" + read_attr_string(r, "kind") +
                             "' but the model's generators give '" + orbit_kind_name(T->kind()) + "'");
  const std::vector<double> reps = read_dataset(r, "types", std::size_t(T->size()) * T->dim());
  for (int t = 0; t < T->size(); ++t)
    for (int c = 0; c < T->dim(); ++c)
      if (int(reps[std::size_t(t) * T->dim() + c]) != T->rep(t)[c])
        throw std::runtime_error("'basis/ring/types' does not match the orbit types of the model's generators");
  for (SpaceInvariants& si : m->basis.spaces) {
    si.method = "ring";
    if (si.k == 0) continue;
    int nd;
    const std::string name = std::to_string(si.label);
    const std::size_t nt = dataset_rows(r, "terms/" + name, &nd);
    for (double v : read_dataset(r, "terms/" + name, nt)) {
      if (!(v >= 0 && v < T->size() && T->degree(int(v)) <= si.label && (si.label - T->degree(int(v))) % 2 == 0))
        throw std::runtime_error("'basis/ring/terms/" + name + "' names an invalid orbit type");
      si.ring_terms.push_back(int(v));
    }
    si.ring_coef = read_dataset(r, "coef/" + name, nt * std::size_t(si.k));
  }
  m->basis.ring = std::move(T);
}

void read_basis(hid_t f, int version, const Manifold& M, Model* m) {
  const bool ring = version >= 2 && H5Lexists(f, "basis/ring", H5P_DEFAULT) > 0;
  std::vector<int> labels;
  if (version == 1) {
    const int lmax = int(read_attr_double(f, "lmax"));
    for (int l = 0; l <= lmax; ++l) labels.push_back(l);
    m->basis.cutoff = "lmax " + std::to_string(lmax);
  } else {
    m->basis.cutoff = read_attr_string(f, "cutoff");
    int nd;
    const std::size_t ns = dataset_rows(f, "basis/labels", &nd);
    for (double v : read_dataset(f, "basis/labels", std::size_t(ns))) labels.push_back(int(v));
  }
  const auto counts = read_dataset(f, "basis/invariant_counts", labels.size());
  std::vector<double> residuals(labels.size(), 0.0);
  if (version >= 2) residuals = read_dataset(f, "basis/residuals", labels.size());
  const std::vector<int> sparse = version >= 4 ? sparse_basis_labels(f) : std::vector<int>{};
  for (std::size_t s = 0; s < labels.size(); ++s) {
    const Eigenspace e = M.eigenspace_of(labels[s]);
    SpaceInvariants si;
    si.label = e.label;
    si.lambda = e.lambda;
    si.m = int(e.m);
    si.k = int(counts[s]);
    si.residual = residuals[s];
    si.method = "file";
    if (si.k < 0 || si.k > si.m) throw std::runtime_error("invalid invariant count in 'basis/invariant_counts'");
    if (si.k > 0 && !ring && !std::binary_search(sparse.begin(), sparse.end(), si.label))
      si.Q = read_dataset(f, "basis/Q/" + std::to_string(si.label), std::size_t(si.k) * si.m);
    m->basis.spaces.push_back(std::move(si));
  }
  if (!sparse.empty()) read_sparse_basis(f, &m->basis.spaces);
  if (ring) read_ring(f, M, m);
  m->coef = read_dataset(f, "coefficients", std::size_t(m->basis.dinv()) * m->ntargets);
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

void read_selection(hid_t f, Model* m) {
  const H5Group g(H5Gopen2(f, "selection", H5P_DEFAULT));
  if (!g.valid()) return;
  SelectionResult& s = m->selection;
  s = SelectionResult{};
  s.criterion = parse_select_criterion(read_attr_string(g, "criterion"));
  s.pooled = read_attr_double(g, "pooled") != 0;
  s.folds = int(read_attr_double(g, "folds"));
  s.spectral = !m->estimator->penalized();
  int nd = 0;
  const std::size_t nt = dataset_rows(g, "taus", &nd), nc = dataset_rows(g, "cutoff_p", &nd);
  const std::size_t k = std::size_t(m->ntargets);
  s.ntargets = int(k);
  s.taus = read_dataset(g, "taus", nt);
  const auto p = read_dataset(g, "cutoff_p", nc);
  const auto labels = read_strings(g, "cutoff_labels", nc);
  for (std::size_t c = 0; c < nc; ++c) s.cutoffs.push_back({int(p[c]), labels[c]});
  s.scores = read_dataset(g, "scores", nc * nt * k);
  for (double v : read_dataset(g, "chosen_cutoff_index", k)) s.chosen_cutoff.push_back(int(v));
  for (double v : read_dataset(g, "chosen_tau_index", k)) s.chosen_tau.push_back(int(v));
  m->has_selection = true;
}

void read_uncertainty(hid_t f, Model* m) {
  const H5Group g(H5Gopen2(f, "uncertainty", H5P_DEFAULT));
  if (!g.valid()) return;
  const std::size_t k = std::size_t(m->ntargets), D = std::size_t(m->basis.dinv());
  ModelUncertainty& u = m->uncertainty;
  u.noise_variance = read_dataset(g, "noise_variance", k);
  u.target_group.clear();
  for (double v : read_dataset(g, "target_group", k)) u.target_group.push_back(int(v));
  int nd = 0;
  const std::size_t ng = dataset_rows(g, "unit_covariance", &nd);
  const auto all = read_dataset(g, "unit_covariance", ng * D * D);
  u.unit_covariance.assign(ng, {});
  for (std::size_t i = 0; i < ng; ++i) u.unit_covariance[i].assign(all.begin() + i * D * D, all.begin() + (i + 1) * D * D);
  for (int t : u.target_group)
    if (t < 0 || std::size_t(t) >= ng) throw std::runtime_error("uncertainty/target_group out of range");
}

void read_file(const std::string& path, Model* m) {
  const H5File f(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT));
  if (!f.valid()) throw std::runtime_error("not an HDF5 file or truncated");
  {
    if (read_attr_string(f, "format") != "specavg-model")
      throw std::runtime_error("not a specavg model (attribute format)");
    const int fv = int(read_attr_double(f, "format_version"));
    if (fv < 1 || fv > kFormatVersion)
      throw std::runtime_error("unsupported format_version " + std::to_string(fv) + " (this build reads 1.." +
                               std::to_string(kFormatVersion) + "): update specavg");
    const int version = int(read_attr_double(f, "format_version"));
    std::string mname = read_attr_string(f, "manifold");
    const int dim = int(read_attr_double(f, "dim"));
    if (version == 1 && mname == "sphere" && dim == 3) mname = "s2";  // format 1 knew S² only
    m->basis = InvariantBasis{};
    m->basis.manifold = make_manifold(mname, dim);
    const Manifold& M = *m->basis.manifold;
    m->group_spec = read_attr_string(f, "group_spec");
    m->tau = read_attr_double(f, "tau");
    m->sobolev_s = read_attr_double(f, "sobolev_s");
    m->penalty = H5Aexists(f, "penalty") > 0 ? read_attr_string(f, "penalty") : "sobolev";
    m->ntargets = int(read_attr_double(f, "ntargets"));

    H5Group g(H5Gopen2(f, "group", H5P_DEFAULT));
    if (!g.valid()) throw std::runtime_error("missing group 'group'");
    hsize_t gdims[3] = {0, 0, 0};
    int grank = 0;
    {
      const H5Dataset gd(H5Dopen2(g, "generators", H5P_DEFAULT));
      if (!gd.valid()) throw std::runtime_error("missing dataset 'group/generators'");
      const H5Space sp(H5Dget_space(gd));
      grank = H5Sget_simple_extent_ndims(sp);
      if (grank == 3) H5Sget_simple_extent_dims(sp, gdims, nullptr);
    }
    const std::size_t r = gdims[0], d = std::size_t(dim);
    if (grank != 3 || gdims[1] != d || gdims[2] != d)
      throw std::runtime_error("dataset 'group/generators' must have shape (r, dim, dim)");
    const auto P = read_dataset(g, "generators", r * d * d);
    std::vector<double> t(r * d, 0.0);
    if (M.translation_period() > 0 && H5Lexists(g, "shifts", H5P_DEFAULT) > 0) t = read_dataset(g, "shifts", r * d);
    g.reset();
    m->generators.clear();
    for (std::size_t j = 0; j < r; ++j) {
      Isometry iso = isometry_identity(dim);
      std::copy_n(P.begin() + j * d * d, d * d, iso.P.begin());
      std::copy_n(t.begin() + j * d, d, iso.t.begin());
      m->generators.push_back(std::move(iso));
    }

    // Format 3 before the estimator seam wrote method = krr* next to estimator = ridge.
    const std::string method = version >= 3 ? read_attr_string(f, "method") : "specavg";
    m->estimator = &find_estimator(method != "specavg" ? method : read_attr_string(f, "estimator"));
    if (!m->estimator->uses_invariant_basis()) {
      m->basis.cutoff = read_attr_string(f, "cutoff");
      read_krr(f, M, m->ntargets, &m->krr);
    } else {
      read_basis(f, version, M, m);
      read_selection(f, m);
      read_uncertainty(f, m);
    }
    const H5Group p(H5Gopen2(f, "provenance", H5P_DEFAULT));
    if (p.valid()) {
      m->prov.version = read_attr_string(p, "version");
      m->prov.options = read_attr_string(p, "options");
      m->prov.created = read_attr_string(p, "created");
      m->prov.nranks = int(read_attr_double(p, "nranks"));
      m->prov.n_train = (long long)read_attr_double(p, "n_train");
      m->prov.weight_sum = read_attr_double(p, "weight_sum");
      const H5Group t(H5Gopen2(p, "timings", H5P_DEFAULT));
      m->prov.timings.clear();
      if (t.valid()) {
        std::vector<std::string> names;
        hsize_t idx = 0;
        if (H5Aiterate2(t, H5_INDEX_CRT_ORDER, H5_ITER_INC, &idx, collect_attr_name, &names) < 0) {
          names.clear();  // no creation order recorded: alphabetical
          idx = 0;
          H5Aiterate2(t, H5_INDEX_NAME, H5_ITER_INC, &idx, collect_attr_name, &names);
        }
        for (const auto& nm : names) m->prov.timings.emplace_back(nm, read_attr_double(t, nm.c_str()));
      }
    }
  }
}

}  // namespace

PetscErrorCode write_model(MPI_Comm comm, const Model& model, const std::string& path) {
  PetscFunctionBeginUser;
  h5_silence_errors();
  PetscCall(collective_check(comm, !path.empty(), "no model file given: pass -model <model.h5>"));
  int rank;
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  std::string msg;
  const std::string tmp = path + ".tmp";
  track_temporary(tmp);  // every rank: whichever aborts the job removes it
  if (rank == 0) {
    try {
      write_file(model, tmp);
      if (std::rename(tmp.c_str(), path.c_str()) != 0) throw std::runtime_error("cannot rename " + tmp + " to " + path);
    } catch (const std::exception& e) {
      std::remove(tmp.c_str());
      msg = "writing model '" + path + "' failed: " + exception_message(e);
    }
  }
  untrack_temporary(tmp);
  PetscCall(collective_check(comm, msg.empty(), msg));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode read_model(MPI_Comm comm, const std::string& path, Model* model) {
  PetscFunctionBeginUser;
  h5_silence_errors();
  PetscCall(collective_check(comm, !path.empty(), "no model file given: pass -model <model.h5>"));
  FileFormat format;
  PetscCall(agree_file_format(comm, path, &format));
  const std::string bad = unusable_input_message(format, "-model", path);
  PetscCall(collective_check(comm, bad.empty(), bad));
  std::string msg;
  try {
    read_file(path, model);
  } catch (const std::exception& e) {
    msg = "-model file '" + path + "' is not a valid specavg model: " + e.what();
  }
  PetscCall(collective_check(comm, msg.empty(), msg));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode read_generator_file(MPI_Comm comm, const std::string& path, const Manifold& M,
                                   std::vector<Isometry>* gens) {
  PetscFunctionBeginUser;
  H5Reader r;
  PetscCall(r.open(comm, path, "-group_file"));
  std::vector<hsize_t> dims;
  PetscCall(r.shape("generators", &dims));
  const hsize_t d = hsize_t(M.dim());
  PetscCall(r.agree(dims.size() == 3 && dims[1] == d && dims[2] == d,
                             "dataset 'generators' in -group_file '" + path + "' must have shape (m, " +
                                 std::to_string(d) + ", " + std::to_string(d) + ") for " + M.describe()));
  PetscCall(r.agree(dims[0] > 0, "dataset 'generators' in -group_file '" + path +
                                     "' is empty (0 generators): give at least one generator, or use -group"));
  std::vector<double> P(dims[0] * d * d), t(dims[0] * d, 0.0);
  PetscCall(r.read_rows("generators", 0, PetscInt(dims[0]), P.data()));
  std::vector<hsize_t> sd;
  bool has_shifts = false;
  PetscCall(r.shape("shifts", &sd, &has_shifts));
  if (has_shifts) {
    PetscCall(r.agree(M.translation_period() > 0,
                      "-group_file '" + path + "' has a 'shifts' dataset, but the isometries of " + M.describe() +
                          " carry no shift t (x -> Px + t): remove it, or use a manifold with translations (e.g. "
                          "-manifold torus)"));
    PetscCall(r.agree(sd.size() == 2 && sd[0] == dims[0] && sd[1] == d,
                               "dataset 'shifts' in -group_file '" + path + "' must have shape (m, " +
                                   std::to_string(d) + ") like 'generators'"));
    PetscCall(r.read_rows("shifts", 0, PetscInt(dims[0]), t.data()));
  }
  PetscCall(r.close());
  gens->clear();
  for (std::size_t j = 0; j < dims[0]; ++j) {
    Isometry iso = isometry_identity(M.dim());
    std::copy_n(P.begin() + j * d * d, d * d, iso.P.begin());
    std::copy_n(t.begin() + j * d, d, iso.t.begin());
    gens->push_back(std::move(iso));
  }
  SPECAVG_CALL_CXX(comm, M.validate_isometries(*gens, "-group_file '" + path + "'"));
  PetscFunctionReturn(PETSC_SUCCESS);
}

}  // namespace specavg
