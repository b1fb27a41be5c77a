#include "specavg/parallel/condition_estimate.hpp"

#include <cmath>

#include "specavg/comm/petsc_util.hpp"

namespace specavg {
namespace {

PetscErrorCode start_vector(Vec v) {
  PetscFunctionBeginUser;
  PetscInt r0, r1;
  PetscCall(VecGetOwnershipRange(v, &r0, &r1));
  PetscScalar* a;
  PetscCall(VecGetArrayWrite(v, &a));
  for (PetscInt i = r0; i < r1; ++i) a[i - r0] = 1.0 + 0.5 * std::sin(1.0 + 0.7 * double(i));
  PetscCall(VecRestoreArrayWrite(v, &a));
  PetscReal nv;
  PetscCall(VecNorm(v, NORM_2, &nv));
  PetscCall(VecScale(v, 1.0 / nv));
  PetscFunctionReturn(PETSC_SUCCESS);
}

}  // namespace

PetscErrorCode jacobi_lmax(Mat A, Vec s, Vec b, Vec x, bool* positive, double* lmax) {
  PetscFunctionBeginUser;
  PetscCall(MatGetDiagonal(A, s));
  PetscReal dmin;
  PetscCall(VecMin(s, nullptr, &dmin));
  *positive = dmin > 0;
  *lmax = 0;
  if (!*positive) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCall(VecSqrtAbs(s));
  PetscCall(VecReciprocal(s));  // s = D^{-1/2}
  PetscHandle<Vec, VecDestroy> y;
  PetscCall(VecDuplicate(b, y.address()));
  PetscCall(start_vector(y));
  PetscReal l = 0;
  for (int it = 0; it < 3; ++it) {  // y ← S y / ||S y||
    PetscCall(VecPointwiseMult(b, s, y));
    PetscCall(MatMult(A, b, x));
    PetscCall(VecPointwiseMult(y, s, x));
    PetscCall(VecNorm(y, NORM_2, &l));
    if (!(l > 0 && std::isfinite(double(l)))) break;
    PetscCall(VecScale(y, 1.0 / l));
  }
  *lmax = double(l);
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode jacobi_inverse(const std::function<PetscErrorCode(Vec, Vec)>& solve, Vec s, Vec b, Vec x,
                              double* inv) {
  PetscFunctionBeginUser;
  PetscHandle<Vec, VecDestroy> y;
  PetscCall(VecDuplicate(b, y.address()));
  PetscCall(start_vector(y));
  PetscReal v = 0;
  for (int it = 0; it < 3; ++it) {  // y ← S⁻¹ y / ||S⁻¹ y||
    PetscCall(VecPointwiseMult(b, s, y));
    PetscCall(solve(b, x));
    PetscCall(VecPointwiseMult(y, s, x));
    PetscCall(VecNorm(y, NORM_2, &v));
    if (!(v > 0 && std::isfinite(double(v)))) {
      v = HUGE_VAL;
      break;
    }
    PetscCall(VecScale(y, 1.0 / v));
  }
  *inv = double(v);
  PetscFunctionReturn(PETSC_SUCCESS);
}

}  // namespace specavg
