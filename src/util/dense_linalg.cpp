#include "specavg/util/dense_linalg.hpp"

#include <algorithm>
#include <stdexcept>
#include <string>

extern "C" {
void dgemm_(const char*, const char*, const int*, const int*, const int*, const double*, const double*, const int*,
            const double*, const int*, const double*, double*, const int*);
void dsyrk_(const char*, const char*, const int*, const int*, const double*, const double*, const int*, const double*,
            double*, const int*);
void dsyevd_(const char*, const char*, const int*, double*, const int*, double*, double*, const int*, int*, const int*,
             int*);
void dgeqrf_(const int*, const int*, double*, const int*, double*, double*, const int*, int*);
void dorgqr_(const int*, const int*, const int*, double*, const int*, const double*, double*, const int*, int*);
void dormqr_(const char*, const char*, const int*, const int*, const int*, const double*, const int*, const double*,
             double*, const int*, double*, const int*, int*);
void dtrtrs_(const char*, const char*, const char*, const int*, const int*, const double*, const int*, double*,
             const int*, int*);
void openblas_set_num_threads(int);
int openblas_get_num_threads(void);
}

namespace specavg {

void dgemm(bool ta, bool tb, int m, int n, int k, double alpha, const double* A, int lda, const double* B, int ldb,
           double beta, double* C, int ldc) {
  if (m == 0 || n == 0) return;
  const char a = ta ? 'T' : 'N', b = tb ? 'T' : 'N';
  dgemm_(&a, &b, &m, &n, &k, &alpha, A, &lda, B, &ldb, &beta, C, &ldc);
}

void dsyrk_upper(bool trans, int n, int k, double alpha, const double* A, int lda, double beta, double* C, int ldc) {
  if (n == 0) return;
  const char u = 'U', t = trans ? 'T' : 'N';
  dsyrk_(&u, &t, &n, &k, &alpha, A, &lda, &beta, C, &ldc);
}

void symmetric_eigen(int n, std::vector<double>& A, std::vector<double>& w) {
  w.assign(n, 0.0);
  if (n == 0) return;
  const char jobz = 'V', uplo = 'U';
  int info = 0, lwork = -1, liwork = -1, iwq = 0;
  double wq = 0;
  dsyevd_(&jobz, &uplo, &n, A.data(), &n, w.data(), &wq, &lwork, &iwq, &liwork, &info);
  lwork = int(wq);
  liwork = iwq;
  std::vector<double> work(std::max(1, lwork));
  std::vector<int> iwork(std::max(1, liwork));
  dsyevd_(&jobz, &uplo, &n, A.data(), &n, w.data(), work.data(), &lwork, iwork.data(), &liwork, &info);
  if (info != 0) throw std::runtime_error("symmetric_eigen: LAPACK dsyevd failed, info = " + std::to_string(info));
}

void orthonormalize_columns(int m, int k, std::vector<double>& A) {
  if (k == 0) return;
  if (k > m) throw std::invalid_argument("orthonormalize_columns: more columns than rows");
  std::vector<double> tau(k);
  int info = 0, lwork = -1;
  double wq = 0;
  dgeqrf_(&m, &k, A.data(), &m, tau.data(), &wq, &lwork, &info);
  lwork = std::max(int(wq), k);
  std::vector<double> work(lwork);
  dgeqrf_(&m, &k, A.data(), &m, tau.data(), work.data(), &lwork, &info);
  if (info != 0) throw std::runtime_error("orthonormalize_columns: dgeqrf failed");
  std::vector<double> rdiag(k);
  for (int j = 0; j < k; ++j) rdiag[j] = A[std::size_t(j) * m + j];
  lwork = -1;
  dorgqr_(&m, &k, &k, A.data(), &m, tau.data(), &wq, &lwork, &info);
  lwork = std::max(int(wq), k);
  work.assign(lwork, 0.0);
  dorgqr_(&m, &k, &k, A.data(), &m, tau.data(), work.data(), &lwork, &info);
  if (info != 0) throw std::runtime_error("orthonormalize_columns: dorgqr failed");
  for (int j = 0; j < k; ++j)
    if (rdiag[j] < 0)
      for (int i = 0; i < m; ++i) A[std::size_t(j) * m + i] = -A[std::size_t(j) * m + i];
}

LeastSquares::LeastSquares(int rows, int cols, std::vector<double> A)
    : rows_(rows), cols_(cols), qr_(std::move(A)), tau_(std::max(1, cols)) {
  if (rows < cols) throw std::invalid_argument("LeastSquares: need rows >= cols");
  int info = 0, lwork = -1;
  double wq = 0;
  dgeqrf_(&rows_, &cols_, qr_.data(), &rows_, tau_.data(), &wq, &lwork, &info);
  lwork = std::max(int(wq), 1);
  std::vector<double> work(lwork);
  dgeqrf_(&rows_, &cols_, qr_.data(), &rows_, tau_.data(), work.data(), &lwork, &info);
  if (info != 0) throw std::runtime_error("LeastSquares: dgeqrf failed");
}

void LeastSquares::solve(int nrhs, double* B) const {
  const char left = 'L', trans = 'T', up = 'U', notrans = 'N', nonunit = 'N';
  int info = 0, lwork = -1;
  double wq = 0;
  dormqr_(&left, &trans, &rows_, &nrhs, &cols_, qr_.data(), &rows_, tau_.data(), B, &rows_, &wq, &lwork, &info);
  lwork = std::max(int(wq), 1);
  std::vector<double> work(lwork);
  dormqr_(&left, &trans, &rows_, &nrhs, &cols_, qr_.data(), &rows_, tau_.data(), B, &rows_, work.data(), &lwork, &info);
  if (info != 0) throw std::runtime_error("LeastSquares: dormqr failed");
  dtrtrs_(&up, &notrans, &nonunit, &cols_, &nrhs, qr_.data(), &rows_, B, &rows_, &info);
  if (info != 0) throw std::runtime_error("LeastSquares: rank-deficient collocation matrix");
}

void blas_set_threads(int n) {
  openblas_set_num_threads(n);
}

int blas_threads() {
  return openblas_get_num_threads();
}

}  // namespace specavg
