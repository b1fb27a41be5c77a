#include "specavg/parallel/condition_estimate.hpp"

#include <algorithm>
#include <cmath>

#include "specavg/comm/petsc_util.hpp"

namespace specavg {
namespace {

// The start vector's entries: a fixed function of the global index (any rank count).
double start_entry(long long i) {
  return 1.0 + 0.5 * std::sin(1.0 + 0.7 * double(i));
}

PetscErrorCode start_vector(Vec v) {
  PetscFunctionBeginUser;
  PetscInt r0, r1;
  PetscCall(VecGetOwnershipRange(v, &r0, &r1));
  PetscScalar* a;
  PetscCall(VecGetArrayWrite(v, &a));
  for (PetscInt i = r0; i < r1; ++i) a[i - r0] = start_entry((long long)i);
  PetscCall(VecRestoreArrayWrite(v, &a));
  PetscReal nv;
  PetscCall(VecNorm(v, NORM_2, &nv));
  PetscCall(VecScale(v, 1.0 / nv));
  PetscFunctionReturn(PETSC_SUCCESS);
}

std::vector<double> start_vector(std::size_t n) {
  std::vector<double> y(n);
  double nv = 0;
  for (std::size_t i = 0; i < n; ++i) nv += (y[i] = start_entry((long long)i)) * y[i];
  for (double& v : y) v /= std::sqrt(nv);
  return y;
}

double norm2(const std::vector<double>& v) {
  double s = 0;
  for (double x : v) s += x * x;
  return std::sqrt(s);
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

PetscErrorCode jacobi_inverse(const std::function<PetscErrorCode(Vec, Vec)>& solve, Vec s, Vec b, Vec x, double* inv) {
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

PetscErrorCode jacobi_lmax(const std::vector<double>& diag, const ReplicatedOp& times, std::vector<double>* s,
                           bool* positive, double* lmax) {
  PetscFunctionBeginUser;
  const std::size_t n = diag.size();
  *positive = !diag.empty() && *std::min_element(diag.begin(), diag.end()) > 0;
  *lmax = 0;
  if (!*positive) PetscFunctionReturn(PETSC_SUCCESS);
  s->resize(n);
  for (std::size_t i = 0; i < n; ++i) (*s)[i] = 1.0 / std::sqrt(diag[i]);
  std::vector<double> y = start_vector(n), b(n), x;
  double l = 0;
  for (int it = 0; it < 3; ++it) {  // y ← S y / ||S y||
    for (std::size_t i = 0; i < n; ++i) b[i] = (*s)[i] * y[i];
    PetscCall(times(b, &x));
    for (std::size_t i = 0; i < n; ++i) y[i] = (*s)[i] * x[i];
    l = norm2(y);
    if (!(l > 0 && std::isfinite(l))) break;
    for (double& v : y) v /= l;
  }
  *lmax = l;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode jacobi_inverse(const ReplicatedOp& solve, const std::vector<double>& s, double* inv) {
  PetscFunctionBeginUser;
  const std::size_t n = s.size();
  std::vector<double> y = start_vector(n), b(n), x;
  double v = 0;
  for (int it = 0; it < 3; ++it) {  // y ← S⁻¹ y / ||S⁻¹ y||
    for (std::size_t i = 0; i < n; ++i) b[i] = s[i] * y[i];
    PetscCall(solve(b, &x));
    for (std::size_t i = 0; i < n; ++i) y[i] = s[i] * x[i];
    v = norm2(y);
    if (!(v > 0 && std::isfinite(v))) {
      v = HUGE_VAL;
      break;
    }
    for (double& e : y) e /= v;
  }
  *inv = v;
  PetscFunctionReturn(PETSC_SUCCESS);
}

}  // namespace specavg
