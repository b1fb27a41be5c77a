#include "specavg/io/row_sink.hpp"

#include "formats.hpp"
#include "specavg/io/file_format.hpp"
#include "specavg/comm/petsc_util.hpp"

namespace specavg {

PetscErrorCode create_row_sink(MPI_Comm comm, const std::string& path, const std::string& option, PetscInt rows_total,
                               const std::vector<SinkArray>& arrays, std::unique_ptr<RowSink>* sink) {
  PetscFunctionBeginUser;
  // One branch per format, by extension.
  if (is_fits_path(path))
    PetscCall(create_healpix_row_sink(comm, path, option, rows_total, arrays, sink));
  else if (is_netcdf_path(path))
    PetscCall(create_nc_row_sink(comm, path, option, rows_total, arrays, sink));
  else
    PetscCall(create_h5_row_sink(comm, path, option, rows_total, arrays, sink));
  PetscFunctionReturn(PETSC_SUCCESS);
}

void add_basis_conventions(const Manifold& M, Attributes* a) {
  const BasisConventions c = M.basis_conventions();
  a->set("manifold", M.name());
  a->set("dim", double(M.dim()));
  a->set("basis_ordering", c.ordering);
  a->set("basis_normalization", c.normalization);
  a->set("basis_phase", c.phase);
}

}  // namespace specavg
