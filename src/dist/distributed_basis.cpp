#include "specavg/dist/distributed_basis.hpp"

#include <algorithm>
#include <numeric>

#include "specavg/dist/collective.hpp"
#include "specavg/io/model_file.hpp"
#include "specavg/util/petsc_util.hpp"

namespace specavg {

PetscErrorCode resolve_group(MPI_Comm comm, const std::string& spec, const std::string& group_file,
                             std::vector<Mat3>* gens, std::string* label) {
  PetscFunctionBeginUser;
  PetscCall(
      collective_check(comm, !spec.empty() || !group_file.empty(),
                       "no symmetry group given: pass -group <spec> (e.g. -group Ih) or -group_file <generators.h5>"));
  gens->clear();
  label->clear();
  if (!spec.empty()) {
    SPECAVG_CALL_CXX(comm, *gens = generators_from_spec(spec));
    *label = spec;
  }
  if (!group_file.empty()) {
    std::vector<Mat3> extra;
    PetscCall(read_generator_file(comm, group_file, &extra));
    gens->insert(gens->end(), extra.begin(), extra.end());
    *label += (label->empty() ? "" : ",") + std::string("file:") + group_file;
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode build_invariant_basis_distributed(MPI_Comm comm, int lmax, const std::vector<Mat3>& gens,
                                                 InvariantBasis* basis) {
  PetscFunctionBeginUser;
  PetscCall(collective_check(comm, lmax >= 0, "-lmax must be >= 0"));
  int rank, size;
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  PetscCallMPI(MPI_Comm_size(comm, &size));
  // Cost of degree l: quadrature of (l+1)(2l+1) points times (2l+1)² per generator.
  std::vector<int> order(lmax + 1), owner(lmax + 1);
  std::iota(order.begin(), order.end(), 0);
  std::reverse(order.begin(), order.end());  // highest degree (most expensive) first
  std::vector<double> load(size, 0.0);
  for (int l : order) {
    const int r = int(std::min_element(load.begin(), load.end()) - load.begin());
    owner[l] = r;
    load[r] += double(l + 1) * (2 * l + 1) * (2 * l + 1) * (2 * l + 1) * std::max<std::size_t>(1, gens.size());
  }
  basis->lmax = lmax;
  basis->degrees.assign(lmax + 1, DegreeInvariants{});
  for (int l = 0; l <= lmax; ++l)
    if (owner[l] == rank) SPECAVG_CALL_CXX(PETSC_COMM_SELF, basis->degrees[l] = invariant_subspace(l, gens));
  for (int l = 0; l <= lmax; ++l) {
    DegreeInvariants& d = basis->degrees[l];
    int hdr[2] = {d.k, d.m};
    PetscCallMPI(MPI_Bcast(hdr, 2, MPI_INT, owner[l], comm));
    d.l = l;
    d.k = hdr[0];
    d.m = hdr[1];
    d.Q.resize(std::size_t(d.k) * d.m);
    PetscCallMPI(MPI_Bcast(d.Q.data(), int(d.Q.size()), MPI_DOUBLE, owner[l], comm));
    PetscCallMPI(MPI_Bcast(&d.residual, 1, MPI_DOUBLE, owner[l], comm));
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

}  // namespace specavg
