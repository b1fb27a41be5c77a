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
#include "specavg/io/nc_field.hpp"

namespace specavg {
namespace {

// A reader option meant for another format would otherwise be ignored without a word
// (e.g. -var with an HDF5 file): refuse it. -like names the grid of a prediction, which
// may be of the option's format while -points is not, so nothing is refused then.
PetscErrorCode refuse_options_of_other_formats(MPI_Comm comm, FileFormat format, const std::string& role,
                                               const std::string& path) {
  PetscFunctionBeginUser;
  PetscBool like = PETSC_FALSE;
  PetscCall(PetscOptionsHasName(nullptr, nullptr, "-like", &like));
  if (like) PetscFunctionReturn(PETSC_SUCCESS);
  const bool netcdf = format == FileFormat::NetCDF3 || format == FileFormat::NetCDF4;
  const bool fits = format == FileFormat::FITS;
  struct FormatOption {
    const char* name;
    bool applies;
    const char* format;
  };
  const FormatOption options[] = {{"-var", netcdf, "netCDF"},
                                  {"-time_range", netcdf, "netCDF"},
                                  {"-columns", fits, "HEALPix FITS"},
                                  {"-mask", fits, "HEALPix FITS"},
                                  {"-polarization_as_scalars", fits, "HEALPix FITS"}};
  const char* kind = netcdf ? "netCDF" : fits ? "HEALPix FITS" : "HDF5";
  for (const FormatOption& o : options) {
    PetscBool set = PETSC_FALSE;
    PetscCall(PetscOptionsHasName(nullptr, nullptr, o.name, &set));
    PetscCall(collective_check(comm, !set || o.applies,
                               std::string(o.name) + " applies to " + o.format + " input, but " + role + " file '" +
                                   path + "' is " + kind + ": remove " + o.name + " (it would be ignored)"));
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

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
  PetscCall(refuse_options_of_other_formats(comm, format, req.role, path));
  // One branch per format.
  if (format == FileFormat::FITS)
    PetscCall(open_healpix_row_source(comm, path, req, source));
  else if (format == FileFormat::NetCDF3 || format == FileFormat::NetCDF4)
    PetscCall(open_nc_row_source(comm, path, req, source));
  else
    PetscCall(open_h5_row_source(comm, path, req, source));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode peek_points_shape(MPI_Comm comm, const std::string& path, const std::string& role, PetscInt* rows,
                                 int* dim) {
  PetscFunctionBeginUser;
  FileFormat format = FileFormat::Missing;
  if (!path.empty()) PetscCall(agree_file_format(comm, path, &format));
  if (format == FileFormat::NetCDF3 || format == FileFormat::NetCDF4) {
    NcFieldRequest fr;
    fr.path = path;
    fr.role = role;
    PetscCall(nc_input_options(comm, &fr.var, &fr.time_range));
    NcField f;
    PetscCall(read_nc_field_meta(comm, fr, &f));
    *rows = PetscInt(f.ncells);
    *dim = 3;
    PetscFunctionReturn(PETSC_SUCCESS);
  }
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

namespace {

// The problem with row i of the block (column c, value x), as a message; called only for
// the first offending row, so the common path builds no strings.
enum class Defect { None, PointNonFinite, OffManifold, ValueNonFinite, FillValue, WeightNonFinite, NegativeWeight };

std::string describe_defect(Defect what, const Manifold& M, const std::string& where, PetscInt row, int c,
                            double x) {
  std::ostringstream os;
  switch (what) {
    case Defect::PointNonFinite:
      os << "dataset 'points' in " << where << " has a non-finite value (" << x << ") at row " << row
         << ": remove or repair NaN/Inf entries";
      break;
    case Defect::OffManifold:
      os << "point at row " << row << " of " << where << " " << M.off_manifold(x);
      break;
    case Defect::ValueNonFinite:
      os << "dataset 'values' in " << where << " has a non-finite value (" << x << ") at row " << row
         << ": remove or repair NaN/Inf entries";
      break;
    case Defect::FillValue:
      os << "dataset 'values' in " << where << " has |value| = " << std::fabs(x) << " >= " << kFillValueThreshold
         << " at row " << row << " (column " << c
         << "): this looks like an unmasked fill value; remove those rows or mask them before fitting";
      break;
    case Defect::WeightNonFinite:
      os << "dataset 'weights' in " << where << " has a non-finite value (" << x << ") at row " << row
         << ": remove or repair NaN/Inf entries";
      break;
    case Defect::NegativeWeight:
      os << "dataset 'weights' in " << where << " has a negative weight at row " << row << ": weights must be >= 0";
      break;
    case Defect::None:
      break;
  }
  return os.str();
}

}  // namespace

std::string validate_block(const Manifold& M, int ntargets, const std::string& where, RowBlock* b,
                           PetscInt* bad_row) {
  const int dim = M.dim();
  const double tol = M.point_tolerance();
  const bool points = b->points.size() >= std::size_t(b->count) * std::size_t(dim);  // none: a cells-only block
  for (PetscInt i = 0; i < b->count; ++i) {
    Defect what = Defect::None;
    int col = 0;
    double x = 0;
    const double* p = points ? &b->points[std::size_t(i) * dim] : nullptr;
    for (int c = 0; p && c < dim && what == Defect::None; ++c)
      if (!std::isfinite(p[c])) what = Defect::PointNonFinite, x = p[c];
    if (p && what == Defect::None && (x = M.defect(p)) > tol) what = Defect::OffManifold;
    const double* v = b->values.empty() ? nullptr : &b->values[std::size_t(i) * ntargets];
    for (int c = 0; v && c < ntargets && what == Defect::None; ++c) {
      if (!std::isfinite(v[c]))
        what = Defect::ValueNonFinite, x = v[c];
      else if (std::fabs(v[c]) >= kFillValueThreshold)
        what = Defect::FillValue, x = v[c], col = c;
    }
    if (what == Defect::None && !b->weights.empty()) {
      x = b->weights[std::size_t(i)];
      if (!std::isfinite(x))
        what = Defect::WeightNonFinite;
      else if (x < 0)
        what = Defect::NegativeWeight;
    }
    if (what != Defect::None) {
      *bad_row = b->offset + i;
      return describe_defect(what, M, where, *bad_row, col, x);
    }
  }
  // Validated: project onto the manifold in double precision (renormalizes float32 input).
  if (points)
    for (PetscInt i = 0; i < b->count; ++i) M.project(&b->points[std::size_t(i) * dim]);
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
