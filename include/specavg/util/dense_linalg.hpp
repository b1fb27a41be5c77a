#pragma once
// Thin C++ wrappers over the optimized BLAS/LAPACK (OpenBLAS). Column-major throughout.
#include <vector>

namespace specavg {

// C = alpha·op(A)·op(B) + beta·C, op = transpose when the flag is set.
void dgemm(bool ta, bool tb, int m, int n, int k, double alpha, const double* A, int lda, const double* B, int ldb,
           double beta, double* C, int ldc);
// C(upper) = alpha·AᵀA + beta·C for A (k × n) when trans, else alpha·A·Aᵀ for A (n × k).
void dsyrk_upper(bool trans, int n, int k, double alpha, const double* A, int lda, double beta, double* C, int ldc);
// Symmetric eigendecomposition of the n × n matrix A (column-major, full storage):
// eigenvalues ascending in w, orthonormal eigenvectors overwrite A (columns).
void symmetric_eigen(int n, std::vector<double>& A, std::vector<double>& w);
// Orthonormalize the columns of the m × k matrix A in place (Householder QR), with
// the signs fixed so that R has a non-negative diagonal (unique for full rank).
void orthonormalize_columns(int m, int k, std::vector<double>& A);
// Least squares min ||A X − B|| for a full-column-rank rows × cols matrix A (rows ≥ cols):
// A is factored once (Householder QR), then any number of right-hand sides are solved.
class LeastSquares {
 public:
  LeastSquares(int rows, int cols, std::vector<double> A);  // A column-major, ld = rows
  // B: rows × nrhs (column-major, ld = rows) on entry; X in its first cols rows on exit.
  void solve(int nrhs, double* B) const;

 private:
  int rows_, cols_;
  std::vector<double> qr_, tau_;
};
// Set the BLAS (OpenBLAS) thread count of this process; one MPI rank per core wants 1.
void blas_set_threads(int n);
// The BLAS threads this process uses (OpenBLAS's own count).
int blas_threads();

}  // namespace specavg
