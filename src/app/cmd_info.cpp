#include <algorithm>
#include <sstream>

#include "app_internal.hpp"
#include "specavg/app/commands.hpp"
#include "specavg/app/options.hpp"
#include "specavg/dist/collective.hpp"
#include "specavg/dist/distributed_basis.hpp"
#include "specavg/io/model_file.hpp"
#include "specavg/util/petsc_util.hpp"

namespace specavg {
namespace {

PetscErrorCode print_group(MPI_Comm comm, const std::string& label, const std::vector<Mat3>& gens, bool order,
                           PetscInt cap) {
  PetscFunctionBeginUser;
  PetscCall(PetscPrintf(comm, "group        %s, %zu generator(s)\n", label.c_str(), gens.size()));
  for (std::size_t j = 0; j < gens.size(); ++j) {
    const Mat3& g = gens[j];
    PetscCall(PetscPrintf(comm, "  g%-2zu [% .6f % .6f % .6f; % .6f % .6f % .6f; % .6f % .6f % .6f]\n", j, g[0], g[1],
                          g[2], g[3], g[4], g[5], g[6], g[7], g[8]));
  }
  if (order) {
    const auto el = enumerate_group(gens, std::size_t(cap));
    if (el)
      PetscCall(PetscPrintf(comm, "order |G|    %zu (closure of the generators)\n", el->size()));
    else
      PetscCall(PetscPrintf(comm, "order |G|    > %lld (closure stopped at -max_group_order)\n", (long long)cap));
  } else {
    PetscCall(PetscPrintf(comm, "order |G|    not computed (pass -order to enumerate, capped by -max_group_order)\n"));
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode print_basis(MPI_Comm comm, const InvariantBasis& b) {
  PetscFunctionBeginUser;
  double res = 0;
  std::ostringstream counts;
  for (const auto& d : b.degrees) {
    counts << (d.l ? " " : "") << d.k;
    res = std::max(res, d.residual);
  }
  PetscCall(PetscPrintf(comm, "cutoff       lmax %d: D = %zu harmonics, D_inv = %d invariant features\n", b.lmax,
                        b.dharm(), b.dinv()));
  PetscCall(PetscPrintf(comm, "invariants per degree l = 0..%d: %s\n", b.lmax, counts.str().c_str()));
  if (res > 0) PetscCall(PetscPrintf(comm, "max invariance residual max_j |D_l(g_j)^T Q_l - Q_l| = %.2e\n", res));
  PetscFunctionReturn(PETSC_SUCCESS);
}

}  // namespace

PetscErrorCode cmd_info(MPI_Comm comm) {
  PetscFunctionBeginUser;
  std::string model_path, spec, file;
  PetscBool order = PETSC_FALSE;
  PetscInt cap = 100000, lmax = 20;
  PetscOptionsBegin(comm, nullptr, "specavg info: describe a model, or a group and its invariant subspaces", "specavg");
  PetscCall(option_string(PetscOptionsObject, "-model", "Model file to describe", &model_path));
  PetscCall(options_group(PetscOptionsObject, &spec, &file));
  PetscCall(
      PetscOptionsInt("-lmax", "Degree cutoff when describing a group without a model", "", lmax, &lmax, nullptr));
  PetscCall(
      PetscOptionsBool("-order", "Compute the group order by closure of the generators", "", order, &order, nullptr));
  PetscCall(PetscOptionsInt("-max_group_order", "Cap on the closure used by -order", "", cap, &cap, nullptr));
  PetscOptionsEnd();
  if (help_requested()) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCall(collective_check(comm, !model_path.empty() || !spec.empty() || !file.empty(),
                             "nothing to describe: pass -model <model.h5>, or -group <spec> [-lmax L]"));
  if (model_path.empty()) {
    std::vector<Mat3> gens;
    std::string label;
    PetscCall(resolve_group(comm, spec, file, &gens, &label));
    PetscCall(PetscPrintf(comm, "manifold     sphere S^2 (dim 3)\n"));
    PetscCall(print_group(comm, label, gens, order, cap));
    InvariantBasis b;
    PetscCall(build_invariant_basis_distributed(comm, int(lmax), gens, &b));
    PetscCall(print_basis(comm, b));
    PetscFunctionReturn(PETSC_SUCCESS);
  }
  Model m;
  PetscCall(read_model(comm, model_path, &m));
  PetscCall(PetscPrintf(comm, "model        %s\n", model_path.c_str()));
  PetscCall(PetscPrintf(comm, "manifold     %s (dim %d)\n", m.manifold.c_str(), m.dim));
  PetscCall(print_group(comm, m.group_spec, m.generators, order, cap));
  PetscCall(print_basis(comm, m.basis));
  PetscCall(PetscPrintf(comm, "estimator    %s, tau %g, sobolev_s %g, %d target(s)\n", estimator_name(m.estimator),
                        m.tau, m.sobolev_s, m.ntargets));
  PetscCall(PetscPrintf(comm, "provenance   specavg %s, created %s on %d rank(s), n_train %lld, weight sum %g\n",
                        m.prov.version.c_str(), m.prov.created.c_str(), m.prov.nranks, m.prov.n_train,
                        m.prov.weight_sum));
  PetscCall(PetscPrintf(comm, "options     %s\n", m.prov.options.c_str()));
  std::ostringstream t;
  for (const auto& [name, sec] : m.prov.timings) t << " " << name << " " << sec << " s;";
  PetscCall(PetscPrintf(comm, "timings     %s\n", t.str().c_str()));
  PetscFunctionReturn(PETSC_SUCCESS);
}

}  // namespace specavg
