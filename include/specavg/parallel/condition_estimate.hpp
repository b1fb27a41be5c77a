#pragma once
// Condition number of a symmetric positive definite matrix A after Jacobi scaling,
// S = D^{-1/2} A D^{-1/2} (D = diag A), which is what limits a Cholesky solve (a huge
// penalty on some features only scales their rows): κ(S) = λ_max(S) / λ_min(S), with
// λ_max from three power iterations (products with A) and 1/λ_min from three inverse
// iterations (solves with A's factor), O(n²) each, from a fixed start vector (a function of
// the global index, so the same on any rank count). The two halves are separate so a
// matrix factored in place can have λ_max estimated before the factorization. A singular
// matrix whose factorization went through on rounding shows κ ≳ 1/ε. Collective on A's
// communicator.
#include <petscmat.h>

#include <functional>
#include <vector>

namespace specavg {

// s ← D^{-1/2} and *lmax ≈ λ_max(S); *positive = false (and nothing else computed) when
// the diagonal is not positive. b, x, s: vectors of A's layout (work space).
PetscErrorCode jacobi_lmax(Mat A, Vec s, Vec b, Vec x, bool* positive, double* lmax);
// *inv ≈ 1/λ_min(S) = λ_max(S⁻¹), with solve(rhs, sol) solving A sol = rhs; +inf when the
// iteration breaks down. s from jacobi_lmax.
PetscErrorCode jacobi_inverse(const std::function<PetscErrorCode(Vec, Vec)>& solve, Vec s, Vec b, Vec x, double* inv);

// The same two halves with vectors whole on every rank (length n), for a matrix known only
// through collective callbacks: times(x, &y) gives y = A x, solve(b, &x) x = A⁻¹ b.
using ReplicatedOp = std::function<PetscErrorCode(const std::vector<double>& in, std::vector<double>* out)>;
// diag = diag A; s ← D^{-1/2} (n entries). Collective (through times).
PetscErrorCode jacobi_lmax(const std::vector<double>& diag, const ReplicatedOp& times, std::vector<double>* s,
                           bool* positive, double* lmax);
PetscErrorCode jacobi_inverse(const ReplicatedOp& solve, const std::vector<double>& s, double* inv);

}  // namespace specavg
