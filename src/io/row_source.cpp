// Factories for row sources and sinks, and the validation every source applies.
#include "specavg/io/row_source.hpp"

#include <cmath>
#include <limits>
#include <sstream>

#include "formats.hpp"
#include "specavg/comm/collective.hpp"
#include "specavg/comm/petsc_util.hpp"
#include "specavg/io/file_format.hpp"
#include "specavg/io/h5_parallel.hpp"

namespace specavg {
namespace {

constexpr double kSphereTol = 1e-6;
constexpr double kTorusTol = 1e-9;

}  // namespace

PetscErrorCode open_row_source(MPI_Comm comm, const std::string& path, const RowRequest& req,
                               std::unique_ptr<RowSource>* source) {
  PetscFunctionBeginUser;
  PetscCall(collective_check(comm, !path.empty(),
                             "no file given for " + req.role + ": pass " + req.role + " <file.h5>"));
  FileFormat format;
  PetscCall(agree_file_format(comm, path, &format));
  const std::string bad = unusable_input_message(format, req.role, path);
  PetscCall(collective_check(comm, bad.empty(), bad));
  // One branch per format; HDF5 (and netCDF-4, which is HDF5) is the only one so far.
  PetscCall(open_h5_row_source(comm, path, req, source));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode peek_points_shape(MPI_Comm comm, const std::string& path, const std::string& role, PetscInt* rows,
                                 int* dim) {
  PetscFunctionBeginUser;
  RowRequest req;
  req.role = role;
  req.values = ValuesNeed::None;
  std::unique_ptr<RowSource> src;
  PetscCall(open_row_source(comm, path, req, &src));
  *rows = src->rows_total();
  *dim = src->dim();
  PetscCall(src->close());
  PetscFunctionReturn(PETSC_SUCCESS);
}

std::string validate_block(const Manifold& M, int ntargets, const std::string& where, RowBlock* b,
                           PetscInt* bad_row) {
  const int dim = M.dim;
  const double tol = M.is_torus() ? kTorusTol : kSphereTol;
  for (PetscInt i = 0; i < b->count; ++i) {
    const PetscInt row = b->offset + i;
    std::ostringstream os;
    double* x = &b->points[std::size_t(i) * dim];
    for (int c = 0; c < dim && os.tellp() == 0; ++c)
      if (!std::isfinite(x[c]))
        os << "dataset 'points' in " << where << " has a non-finite value (" << x[c] << ") at row " << row
           << ": remove or repair NaN/Inf entries";
    if (os.tellp() == 0) {
      const double defect = manifold_defect(M, x);
      if (defect > tol) {
        os << "point at row " << row << " of " << where << " ";
        if (M.is_torus())
          os << "is outside the torus [-1, 1]^" << dim << " (a coordinate lies " << defect
             << " beyond it): map coordinates into [-1, 1) (period 2)";
        else
          os << "is off the unit sphere in R^" << dim << " (| |x| - 1 | = " << defect << ", tolerance " << tol
             << "): normalize the points to unit length";
      }
    }
    const double* v = b->values.empty() ? nullptr : &b->values[std::size_t(i) * ntargets];
    for (int c = 0; v && c < ntargets && os.tellp() == 0; ++c) {
      if (!std::isfinite(v[c]))
        os << "dataset 'values' in " << where << " has a non-finite value (" << v[c] << ") at row " << row
           << ": remove or repair NaN/Inf entries";
      else if (std::fabs(v[c]) >= kFillValueThreshold)
        os << "dataset 'values' in " << where << " has |value| = " << std::fabs(v[c]) << " >= " << kFillValueThreshold
           << " at row " << row << " (column " << c
           << "): this looks like an unmasked fill value; remove those rows or mask them before fitting";
    }
    if (!b->weights.empty() && os.tellp() == 0) {
      const double w = b->weights[std::size_t(i)];
      if (!std::isfinite(w))
        os << "dataset 'weights' in " << where << " has a non-finite value (" << w << ") at row " << row
           << ": remove or repair NaN/Inf entries";
      else if (w < 0)
        os << "dataset 'weights' in " << where << " has a negative weight at row " << row
           << ": weights must be >= 0";
    }
    if (os.tellp() != 0) {
      *bad_row = row;
      return os.str();
    }
  }
  // Validated: project onto the manifold in double precision (renormalizes float32 input).
  for (PetscInt i = 0; i < b->count; ++i) project_to_manifold(M, &b->points[std::size_t(i) * dim]);
  *bad_row = -1;
  return {};
}

PetscErrorCode agree_first_bad_row(MPI_Comm comm, PetscInt bad_row, const std::string& message) {
  PetscFunctionBeginUser;
  long long mine = bad_row >= 0 ? (long long)bad_row : std::numeric_limits<long long>::max(), first = 0;
  PetscCallMPI(MPI_Allreduce(&mine, &first, 1, MPI_LONG_LONG, MPI_MIN, comm));
  // Rows are disjoint across ranks, so exactly one rank owns the first bad row.
  PetscCall(collective_check(comm, mine != first || first == std::numeric_limits<long long>::max(), message));
  PetscFunctionReturn(PETSC_SUCCESS);
}

}  // namespace specavg
