#include "specavg/parallel/dataset.hpp"

#include "specavg/comm/petsc_util.hpp"

namespace specavg {

PetscErrorCode peek_point_dim(MPI_Comm comm, const std::string& path, const std::string& role, int* dim) {
  PetscInt rows;
  return peek_points_shape(comm, path, role, &rows, dim);
}

PetscErrorCode peek_rows(MPI_Comm comm, const std::string& path, const std::string& role, PetscInt* rows) {
  int dim;
  return peek_points_shape(comm, path, role, rows, &dim);
}

PetscErrorCode gather_rows(RowSource& src, PetscInt block_rows, LocalData* d) {
  PetscFunctionBeginUser;
  PetscCall(src.rewind());
  *d = LocalData{};
  d->n_global = src.rows_total();
  d->begin = src.local_begin();
  d->count = src.local_count();
  d->dim = src.dim();
  d->ntargets = src.ntargets();
  d->has_truth = src.has_truth();
  const std::size_t c = std::size_t(d->count);
  d->points.reserve(c * d->dim);
  d->values.reserve(c * d->ntargets);
  if (d->has_truth) d->truth.reserve(c * d->ntargets);
  if (src.has_weights()) d->weights.reserve(c);
  RowBlock b;
  for (bool done = false;;) {
    PetscCall(src.next_block(block_rows, &b, &done));
    if (done) break;
    d->points.insert(d->points.end(), b.points.begin(), b.points.end());
    d->values.insert(d->values.end(), b.values.begin(), b.values.end());
    d->truth.insert(d->truth.end(), b.truth.begin(), b.truth.end());
    d->weights.insert(d->weights.end(), b.weights.begin(), b.weights.end());
  }
  PetscCall(src.close());
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode load_rows(MPI_Comm comm, const std::string& path, const RowRequest& req, LocalData* data) {
  PetscFunctionBeginUser;
  std::unique_ptr<RowSource> src;
  PetscCall(open_row_source(comm, path, req, &src));
  PetscCall(gather_rows(*src, kGatherBlockRows, data));
  PetscFunctionReturn(PETSC_SUCCESS);
}

}  // namespace specavg
