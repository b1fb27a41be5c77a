#include "specavg/app/options.hpp"

#include <vector>

#include "specavg/comm/petsc_util.hpp"

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
  PetscCall(option_string(PetscOptionsObject, "-group",
                          "Symmetry group: Sym, Alt, Cyc, Dih, Signs, Hyperoct (coordinates of R^d); for d = 3 also "
                          "C<n>, D<n>, C<n>h, C<n>v, T, Td, Th, O, Oh, I, Ih, Ci, Cs, C1; or a comma list",
                          spec));
  PetscCall(option_string(PetscOptionsObject, "-group_file",
                          "HDF5 file with 'generators' (m x d x d) and, on the torus, optional 'shifts' (m x d); "
                          "merged with -group",
                          file));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode options_manifold(PetscOptionItems* PetscOptionsObject, std::string* name, int* dim) {
  PetscFunctionBeginUser;
  PetscCall(option_string(PetscOptionsObject, "-manifold",
                          "s2 (real spherical harmonics, default), sphere (S^{d-1} in R^d) or torus ([-1,1)^d)", name));
  PetscInt d = *dim;
  PetscCall(PetscOptionsInt("-dim", "Coordinates per point d (default: the columns of the data's points)", "", d, &d,
                            nullptr));
  *dim = int(d);
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode options_cutoff(PetscOptionItems* PetscOptionsObject, Cutoff* c) {
  PetscFunctionBeginUser;
  PetscInt lmax = c->lmax, nbasis = PetscInt(c->nbasis);
  PetscBool set_l = PETSC_FALSE, set_lam = PETSC_FALSE, set_n = PETSC_FALSE;
  PetscCall(PetscOptionsInt("-lmax", "Sphere degree cutoff L: all degrees 0..L", "", lmax, &lmax, &set_l));
  PetscCall(PetscOptionsReal("-lambda_max", "Eigenvalue cutoff: all eigenspaces with lambda <= lambda_max", "",
                             c->lambda_max, &c->lambda_max, &set_lam));
  PetscCall(PetscOptionsInt("-nbasis",
                            "Smallest cutoff holding at least this many basis functions (whole eigenspaces; default "
                            "625 when no cutoff is given, = lmax 24 on S^2)",
                            "", nbasis, &nbasis, &set_n));
  PetscCheck(int(set_l) + int(set_lam) + int(set_n) <= 1, PetscOptionsObject->comm, PETSC_ERR_USER_INPUT,
             "give only one of -lmax, -lambda_max and -nbasis");
  PetscCheck(!set_l || (lmax >= 0 && lmax <= 2000), PetscOptionsObject->comm, PETSC_ERR_USER_INPUT,
             "-lmax must be between 0 and 2000");
  PetscCheck(!set_lam || c->lambda_max >= 0, PetscOptionsObject->comm, PETSC_ERR_USER_INPUT,
             "-lambda_max must be >= 0");
  PetscCheck(!set_n || nbasis >= 1, PetscOptionsObject->comm, PETSC_ERR_USER_INPUT, "-nbasis must be >= 1");
  c->lmax = int(lmax);
  c->nbasis = nbasis;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode options_basis(PetscOptionItems* PetscOptionsObject, BasisOptions* b) {
  PetscFunctionBeginUser;
  PetscCall(option_string(PetscOptionsObject, "-basis_method",
                          "Invariant-subspace solver: auto (dense up to -basis_dense_max; above it the monomial route "
                          "for signed-permutation groups on spheres, else SLEPc), dense, slepc, monomial",
                          &b->method));
  PetscCheck(b->method == "auto" || b->method == "dense" || b->method == "slepc" || b->method == "monomial",
             PetscOptionsObject->comm, PETSC_ERR_USER_INPUT,
             "unknown -basis_method '%s': expected auto, dense, slepc or monomial", b->method.c_str());
  PetscCall(PetscOptionsInt("-basis_dense_max", "Largest eigenspace dimension solved densely by auto", "", b->dense_max,
                            &b->dense_max, nullptr));
  PetscCall(PetscOptionsReal("-basis_null_tol", "Eigenvalues of C below tol * max(1, #generators) count as invariant",
                             "", b->null_tol, &b->null_tol, nullptr));
  PetscCall(PetscOptionsReal("-basis_eps_null_tol", "SLEPc relative convergence tolerance of the null space", "",
                             b->eps.eps_tol, &b->eps.eps_tol, nullptr));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode options_train(PetscOptionItems* PetscOptionsObject, TrainOptions* opt) {
  PetscFunctionBeginUser;
  PetscCall(options_manifold(PetscOptionsObject, &opt->manifold, &opt->dim));
  PetscCall(options_group(PetscOptionsObject, &opt->group, &opt->group_file));
  PetscCall(options_cutoff(PetscOptionsObject, &opt->cutoff));
  PetscCall(options_basis(PetscOptionsObject, &opt->basis));
  std::string est = estimator_name(opt->estimator);
  PetscCall(option_string(PetscOptionsObject, "-estimator",
                          "ridge (invariant least squares, default) or spectral (spectral averaging)", &est));
  SPECAVG_CALL_CXX(PetscOptionsObject->comm, opt->estimator = parse_estimator(est));
  PetscCall(
      PetscOptionsReal("-tau", "Ridge penalty tau in tau * sum (1+lambda)^s a^2", "", opt->tau, &opt->tau, nullptr));
  PetscCall(PetscOptionsReal("-sobolev_s", "Sobolev exponent s of the ridge penalty (lambda: Laplace eigenvalue)", "",
                             opt->sobolev_s, &opt->sobolev_s, nullptr));
  PetscCall(option_string(PetscOptionsObject, "-penalty",
                          "Ridge penalty weights: sobolev ((1+lambda)^s, default) or kernel (mu_0/mu_lambda of the "
                          "-krr_kernel/-krr_width kernel: the group-averaged KRR truncated at the cutoff)",
                          &opt->penalty));
  PetscCheck(opt->penalty == "sobolev" || opt->penalty == "kernel", PetscOptionsObject->comm, PETSC_ERR_USER_INPUT,
             "unknown -penalty '%s': expected sobolev or kernel", opt->penalty.c_str());
  PetscCall(PetscOptionsInt("-block_rows", "Rows per feature block (0: automatic, about 16 MiB of basis values)", "",
                            opt->block_rows, &opt->block_rows, nullptr));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode options_krr(PetscOptionItems* PetscOptionsObject, KrrOptions* k) {
  PetscFunctionBeginUser;
  PetscCall(option_string(PetscOptionsObject, "-krr_kernel",
                          "Kernel of the krr methods: vmf (spheres, default there), vonmises (torus, default there), "
                          "heat, sobolev (spheres)",
                          &k->kernel));
  if (!k->kernel.empty()) SPECAVG_CALL_CXX(PetscOptionsObject->comm, (void)parse_kernel(k->kernel));
  PetscCall(PetscOptionsReal("-krr_width",
                             "Kernel parameter: vmf kappa (default 10), vonmises eta (1), heat t (0.05), sobolev s (d)",
                             "", k->width, &k->width, nullptr));
  PetscCall(PetscOptionsReal("-krr_lambda", "Regularization lambda of (K + lambda I) alpha = y", "", k->lambda,
                             &k->lambda, nullptr));
  PetscInt rows = PetscInt(k->max_rows), cap = PetscInt(k->max_group_order);
  PetscCall(PetscOptionsInt("-krr_max_rows", "Largest kernel matrix N x N attempted (N = n, or n|G| for krr-aug)", "",
                            rows, &rows, nullptr));
  PetscCall(
      PetscOptionsInt("-max_group_order", "Largest group enumerated by krr-ga and krr-aug", "", cap, &cap, nullptr));
  PetscCheck(rows > 0 && cap > 0, PetscOptionsObject->comm, PETSC_ERR_USER_INPUT,
             "-krr_max_rows and -max_group_order must be positive");
  k->max_rows = rows;
  k->max_group_order = std::size_t(cap);
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
