#include "model_sections.hpp"

#include <hdf5.h>

#include <algorithm>
#include <stdexcept>
#include <string>
#include <vector>

#include "model_h5.hpp"
#include "specavg/group/orbit_types.hpp"
#include "specavg/group/torus_orbits.hpp"
#include "specavg/io/sparse_basis_file.hpp"

namespace specavg {
using namespace serial_h5;
namespace {

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

}  // namespace

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

}  // namespace specavg
