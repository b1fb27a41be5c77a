#include "specavg/io/model_file.hpp"

#include <hdf5.h>

#include <algorithm>
#include <cstdio>
#include <stdexcept>

#include "model_h5.hpp"
#include "model_sections.hpp"
#include "specavg/comm/collective.hpp"
#include "specavg/io/file_format.hpp"
#include "specavg/io/h5_handle.hpp"
#include "specavg/io/h5_parallel.hpp"
#include "specavg/comm/petsc_util.hpp"
#include "specavg/util/failure.hpp"

namespace specavg {
namespace {
using namespace serial_h5;

constexpr int kFormatVersion = 4;  // 1: S² only (lmax, Q/<l>); 2: no `method`; 3: no Q_sparse; all still readable

// krr/: the kernel-ridge expansion of the estimators without an invariant basis.
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
