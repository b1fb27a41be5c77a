#include "specavg/parallel/dataset.hpp"

#include <cmath>
#include <sstream>

#include "specavg/comm/collective.hpp"
#include "specavg/io/h5_parallel.hpp"
#include "specavg/comm/petsc_util.hpp"

namespace specavg {
namespace {

constexpr double kSphereTol = 1e-6;
constexpr double kTorusTol = 1e-9;

// First non-finite entry in a row-major block, as a message (empty if all finite).
std::string find_non_finite(const std::vector<double>& v, int cols, PetscInt begin, const std::string& what,
                            const std::string& path) {
  for (std::size_t i = 0; i < v.size(); ++i)
    if (!std::isfinite(v[i])) {
      std::ostringstream os;
      os << what << " in '" << path << "' has a non-finite value (" << v[i] << ") at row " << begin + PetscInt(i / cols)
         << ": remove or repair NaN/Inf entries";
      return os.str();
    }
  return {};
}

}  // namespace

PetscErrorCode peek_point_dim(MPI_Comm comm, const std::string& path, const std::string& role, int* dim) {
  PetscInt rows;
  return peek_points_shape(comm, path, role, &rows, dim);
}

PetscErrorCode peek_rows(MPI_Comm comm, const std::string& path, const std::string& role, PetscInt* rows) {
  int dim;
  return peek_points_shape(comm, path, role, rows, &dim);
}

PetscErrorCode peek_points_shape(MPI_Comm comm, const std::string& path, const std::string& role, PetscInt* rows,
                                 int* dim) {
  PetscFunctionBeginUser;
  H5Reader r;
  PetscCall(r.open(comm, path, role));
  std::vector<hsize_t> pd;
  PetscCall(r.shape("points", &pd));
  PetscCall(collective_check(
      comm, pd.size() == 2,
      "dataset 'points' in '" + path + "' must have shape (n, dim), got rank " + std::to_string(pd.size())));
  *dim = int(pd[1]);
  *rows = PetscInt(pd[0]);
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode read_local_data(MPI_Comm comm, const std::string& path, const std::string& role, ValuesNeed need,
                               const Manifold& M, LocalData* d) {
  PetscFunctionBeginUser;
  H5Reader r;
  PetscCall(r.open(comm, path, role));
  std::vector<hsize_t> pd;
  PetscCall(r.shape("points", &pd));
  const int dim = M.dim;
  PetscCall(collective_check(comm, pd.size() == 2 && pd[1] == hsize_t(dim),
                             "dataset 'points' in '" + path + "' must have shape (n, " + std::to_string(dim) +
                                 ") for " + M.describe() + ", got rank " + std::to_string(pd.size()) +
                                 (pd.size() == 2 ? " with " + std::to_string(pd[1]) + " columns" : "") +
                                 ": check -manifold/-dim or the file"));
  PetscCall(collective_check(comm, pd[0] > 0, "dataset 'points' in '" + path + "' is empty"));
  d->n_global = PetscInt(pd[0]);
  d->dim = dim;
  row_block(comm, d->n_global, &d->begin, &d->count);
  d->points.resize(std::size_t(d->count) * dim);
  PetscCall(r.read_rows("points", d->begin, d->count, d->points.data()));
  std::string bad = find_non_finite(d->points, dim, d->begin, "dataset 'points'", path);
  const double tol = M.is_torus() ? kTorusTol : kSphereTol;
  if (bad.empty())
    for (PetscInt i = 0; i < d->count; ++i) {
      const double defect = manifold_defect(M, &d->points[std::size_t(i) * dim]);
      if (defect > tol) {
        std::ostringstream os;
        os << "point at row " << d->begin + i << " of '" << path << "' ";
        if (M.is_torus())
          os << "is outside the torus [-1, 1]^" << dim << " (a coordinate lies " << defect
             << " beyond it): map coordinates into [-1, 1) (period 2)";
        else
          os << "is off the unit sphere in R^" << dim << " (| |x| - 1 | = " << defect << ", tolerance " << tol
             << "): normalize the points to unit length";
        bad = os.str();
        break;
      }
    }
  PetscCall(collective_check(comm, bad.empty(), bad));

  d->ntargets = 0;
  if (need != ValuesNeed::None) {
    std::vector<hsize_t> vd;
    bool present = true;
    PetscCall(r.shape("values", &vd, need == ValuesNeed::Optional ? &present : nullptr));
    if (present) {
      PetscCall(collective_check(comm, (vd.size() == 1 || vd.size() == 2) && vd[0] == pd[0],
                                 "dataset 'values' in '" + path + "' must have shape (n) or (n, k) with n = " +
                                     std::to_string(pd[0]) + " rows like 'points'"));
      d->ntargets = vd.size() == 2 ? int(vd[1]) : 1;
      PetscCall(collective_check(comm, d->ntargets > 0, "dataset 'values' in '" + path + "' has no columns"));
      d->values.resize(std::size_t(d->count) * d->ntargets);
      PetscCall(r.read_rows("values", d->begin, d->count, d->values.data()));
      PetscCall(collective_check(
          comm, (bad = find_non_finite(d->values, d->ntargets, d->begin, "dataset 'values'", path)).empty(), bad));
      std::vector<hsize_t> td;
      bool has_truth = false;
      PetscCall(r.shape("truth", &td, &has_truth));
      d->has_truth = has_truth && td.size() == vd.size() && td[0] == vd[0] && (td.size() == 1 || td[1] == vd[1]);
      if (d->has_truth) {
        d->truth.resize(d->values.size());
        PetscCall(r.read_rows("truth", d->begin, d->count, d->truth.data()));
      }
    }
  }

  std::vector<hsize_t> wd;
  bool has_w = false;
  PetscCall(r.shape("weights", &wd, &has_w));
  d->weights.clear();
  if (has_w) {
    PetscCall(
        collective_check(comm, wd.size() == 1 && wd[0] == pd[0],
                         "dataset 'weights' in '" + path + "' must have shape (n) with n = " + std::to_string(pd[0])));
    d->weights.resize(d->count);
    PetscCall(r.read_rows("weights", d->begin, d->count, d->weights.data()));
    bad = find_non_finite(d->weights, 1, d->begin, "dataset 'weights'", path);
    for (PetscInt i = 0; bad.empty() && i < d->count; ++i)
      if (d->weights[i] < 0)
        bad = "dataset 'weights' in '" + path + "' has a negative weight at row " + std::to_string(d->begin + i);
    PetscCall(collective_check(comm, bad.empty(), bad));
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

}  // namespace specavg
