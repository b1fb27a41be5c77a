#include "specavg/app/options.hpp"

#include <vector>

#include "specavg/util/petsc_util.hpp"

namespace specavg {

PetscErrorCode option_string(PetscOptionItems* PetscOptionsObject, const char* name, const char* help,
                             std::string* value) {
  PetscFunctionBeginUser;
  std::vector<char> buf(PETSC_MAX_PATH_LEN, '\0');
  value->copy(buf.data(), buf.size() - 1);
  PetscCall(PetscOptionsString(name, help, "", buf.data(), buf.data(), buf.size(), nullptr));
  *value = buf.data();
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode options_group(PetscOptionItems* PetscOptionsObject, std::string* spec, std::string* file) {
  PetscFunctionBeginUser;
  PetscCall(option_string(
      PetscOptionsObject, "-group",
      "Symmetry group: C<n>, D<n>, C<n>h, C<n>v, T, Td, Th, O, Oh, I, Ih, Ci, Cs, C1 or a comma list", spec));
  PetscCall(option_string(PetscOptionsObject, "-group_file",
                          "HDF5 file with dataset 'generators' (m x 3 x 3 orthogonal matrices), merged with -group",
                          file));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode options_train(PetscOptionItems* PetscOptionsObject, TrainOptions* opt) {
  PetscFunctionBeginUser;
  PetscCall(options_group(PetscOptionsObject, &opt->group, &opt->group_file));
  PetscInt lmax = opt->lmax;
  PetscCall(
      PetscOptionsInt("-lmax", "Spherical-harmonic degree cutoff L (all degrees 0..L)", "", lmax, &lmax, nullptr));
  opt->lmax = int(lmax);
  std::string est = estimator_name(opt->estimator);
  PetscCall(option_string(PetscOptionsObject, "-estimator",
                          "ridge (invariant least squares, default) or spectral (spectral averaging)", &est));
  SPECAVG_CALL_CXX(PetscOptionsObject->comm, opt->estimator = parse_estimator(est));
  PetscCall(
      PetscOptionsReal("-tau", "Ridge penalty tau in tau * sum (1+lambda)^s a^2", "", opt->tau, &opt->tau, nullptr));
  PetscCall(PetscOptionsReal("-sobolev_s", "Sobolev exponent s of the ridge penalty, lambda = l(l+1)", "",
                             opt->sobolev_s, &opt->sobolev_s, nullptr));
  PetscCall(PetscOptionsInt("-block_rows", "Rows per feature block (0: automatic, about 16 MiB of harmonics)", "",
                            opt->block_rows, &opt->block_rows, nullptr));
  PetscFunctionReturn(PETSC_SUCCESS);
}

bool help_requested() {
  PetscBool h = PETSC_FALSE;
  PetscOptionsHasHelp(nullptr, &h);
  return h;
}

std::string options_string() {
  char* all = nullptr;
  if (PetscOptionsGetAll(nullptr, &all) || !all) return {};
  std::string s(all);
  PetscFree(all);
  return s;
}

}  // namespace specavg
