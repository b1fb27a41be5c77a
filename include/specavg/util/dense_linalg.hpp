#pragma once
// Thin C++ wrappers over the optimized BLAS/LAPACK (OpenBLAS). Column-major throughout.
#include <vector>

namespace specavg {

// C = alpha·op(A)·op(B) + beta·C, op = transpose when the flag is set.
void dgemm(bool ta, bool tb, int m, int n, int k, double alpha, const double* A, int lda,
           const double* B, int ldb, double beta, double* C, int ldc);
// C(upper) = alpha·AᵀA + beta·C for A (k × n) when trans, else alpha·A·Aᵀ for A (n × k).
void dsyrk_upper(bool trans, int n, int k, double alpha, const double* A, int lda, double beta,
                 double* C, int ldc);
// Symmetric eigendecomposition of the n × n matrix A (column-major, full storage):
// eigenvalues ascending in w, orthonormal eigenvectors overwrite A (columns).
void symmetric_eigen(int n, std::vector<double>& A, std::vector<double>& w);
// Orthonormalize the columns of the m × k matrix A in place (Householder QR), with
// the signs fixed so that R has a non-negative diagonal (unique for full rank).
void orthonormalize_columns(int m, int k, std::vector<double>& A);
// Set the BLAS thread count (one MPI rank per core wants 1).
void blas_set_threads(int n);

}  // namespace specavg
