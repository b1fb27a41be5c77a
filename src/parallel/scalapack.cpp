#include "specavg/parallel/scalapack.hpp"

#include <algorithm>

#include "specavg/comm/petsc_util.hpp"

// BLACS' C interface and ScaLAPACK's Fortran routines (libscalapack-openmpi), which ship
// no C header.
extern "C" {
int Csys2blacs_handle(MPI_Comm comm);
void Cfree_blacs_system_handle(int handle);
void Cblacs_gridinit(int* context, const char* order, int nprow, int npcol);
void Cblacs_gridinfo(int context, int* nprow, int* npcol, int* myrow, int* mycol);
void Cblacs_gridexit(int context);
void descinit_(int* desc, const int* m, const int* n, const int* mb, const int* nb, const int* irsrc, const int* icsrc,
               const int* ictxt, const int* lld, int* info);
void pdpotrf_(const char* uplo, const int* n, double* a, const int* ia, const int* ja, const int* desca, int* info);
void pdpotrs_(const char* uplo, const int* n, const int* nrhs, const double* a, const int* ia, const int* ja,
              const int* desca, double* b, const int* ib, const int* jb, const int* descb, int* info);
}

namespace specavg {
namespace {

PetscErrorCode descriptor(const BlacsGrid& grid, const BlockCyclic& L, long long cols, long long lld, int* desc) {
  PetscFunctionBeginUser;
  const int m = int(L.n), n = int(cols), nb = L.nb, zero = 0, ctxt = grid.context(), ld = int(lld);
  int info = 0;
  descinit_(desc, &m, &n, &nb, &nb, &zero, &zero, &ctxt, &ld, &info);
  PetscCheck(info == 0, PETSC_COMM_SELF, PETSC_ERR_LIB, "ScaLAPACK descinit failed (info %d)", info);
  PetscFunctionReturn(PETSC_SUCCESS);
}

}  // namespace

BlacsGrid::~BlacsGrid() {
  if (ctxt_ >= 0) Cblacs_gridexit(ctxt_);
  if (handle_ >= 0) Cfree_blacs_system_handle(handle_);
}

PetscErrorCode BlacsGrid::init(MPI_Comm comm, const BlockCyclic& L) {
  PetscFunctionBeginUser;
  int size;
  PetscCallMPI(MPI_Comm_size(comm, &size));
  PetscCheck(L.nprow * L.npcol == size, comm, PETSC_ERR_ARG_SIZ, "BLACS grid %d x %d on %d ranks", L.nprow, L.npcol,
             size);
  handle_ = Csys2blacs_handle(comm);
  ctxt_ = handle_;
  Cblacs_gridinit(&ctxt_, "Row", L.nprow, L.npcol);
  int pr, pc, r, c;
  Cblacs_gridinfo(ctxt_, &pr, &pc, &r, &c);
  PetscCheck(pr == L.nprow && pc == L.npcol && r == L.myrow && c == L.mycol, PETSC_COMM_SELF, PETSC_ERR_PLIB,
             "BLACS placed this rank at (%d, %d) of %d x %d, the layout at (%d, %d) of %d x %d", r, c, pr, pc, L.myrow,
             L.mycol, L.nprow, L.npcol);
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode block_cyclic_cholesky(MPI_Comm comm, const BlacsGrid& grid, const BlockCyclic& L, double* a, int* info) {
  PetscFunctionBeginUser;
  PetscCheck(L.n < 2147483647LL, comm, PETSC_ERR_ARG_OUTOFRANGE, "ScaLAPACK: order %lld exceeds its integers", L.n);
  int desc[9];
  PetscCall(descriptor(grid, L, L.n, L.lld(), desc));
  const int n = int(L.n), one = 1;
  double dummy = 0.0;
  *info = 0;
  pdpotrf_("L", &n, L.local_size() ? a : &dummy, &one, &one, desc, info);
  PetscCheck(*info >= 0, PETSC_COMM_SELF, PETSC_ERR_LIB, "ScaLAPACK pdpotrf: argument %d is wrong", -*info);
  int agreed = *info;  // pdpotrf reports the failing minor on every rank; agree all the same
  PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, &agreed, 1, MPI_INT, MPI_MAX, comm));
  *info = agreed;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode block_cyclic_cholesky_solve(MPI_Comm comm, const BlacsGrid& grid, const BlockCyclic& L, const double* a,
                                           const std::vector<double>& B, int k, std::vector<double>* X) {
  PetscFunctionBeginUser;
  PetscCheck(B.size() == std::size_t(L.n) * std::size_t(k), comm, PETSC_ERR_ARG_SIZ,
             "block_cyclic_cholesky_solve: B is not n x k");
  // B's columns are spread like A's (blocks of nb on process columns), its rows like A's.
  const long long locc = block_cyclic_count(k, L.nb, L.mycol, L.npcol), lld = L.lld();
  std::vector<double> local(std::max<std::size_t>(1, std::size_t(lld) * std::size_t(locc)), 0.0);
  for (long long lj = 0; lj < locc; ++lj) {
    const long long c = L.global_col(lj);
    for (long long li = 0; li < L.locr; ++li)
      local[std::size_t(lj * lld + li)] = B[std::size_t(L.global_row(li) * k + c)];
  }
  int desca[9], descb[9];
  PetscCall(descriptor(grid, L, L.n, L.lld(), desca));
  PetscCall(descriptor(grid, L, k, lld, descb));
  const int n = int(L.n), nrhs = k, one = 1;
  int info = 0;
  double dummy = 0.0;
  pdpotrs_("L", &n, &nrhs, L.local_size() ? a : &dummy, &one, &one, desca, local.data(), &one, &one, descb, &info);
  PetscCheck(info == 0, PETSC_COMM_SELF, PETSC_ERR_LIB, "ScaLAPACK pdpotrs failed (info %d)", info);
  // Every entry lives on exactly one rank: zeros elsewhere, summed.
  X->assign(B.size(), 0.0);
  for (long long lj = 0; lj < locc; ++lj) {
    const long long c = L.global_col(lj);
    for (long long li = 0; li < L.locr; ++li)
      (*X)[std::size_t(L.global_row(li) * k + c)] = local[std::size_t(lj * lld + li)];
  }
  PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, X->data(), int(X->size()), MPI_DOUBLE, MPI_SUM, comm));
  PetscFunctionReturn(PETSC_SUCCESS);
}

}  // namespace specavg
