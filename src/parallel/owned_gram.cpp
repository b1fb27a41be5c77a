#include "specavg/parallel/owned_gram.hpp"

#include <algorithm>
#include <cmath>
#include <utility>

#include "specavg/comm/petsc_util.hpp"
#include "specavg/util/dense_linalg.hpp"
#include "specavg/util/failure.hpp"

namespace specavg {
namespace {

constexpr long long kPanelColumns = 512;  // local Gram columns per DGEMM of the owned assembly

// Ψ ← W^{1/2}Ψ and Y ← W^{1/2}Y for a tile of nb rows (Ψ nb × D column-major), adding the
// tile's Σw, counts, Σwy² and ΨᵀWY to ne, as accumulate_rows does.
void weigh_tile(const double* weights, const double* values, int nb, int D, int k, double* psi, std::vector<double>* yw,
                NormalEquations* ne) {
  const double* y = values;
  if (weights) {
    yw->resize(std::size_t(nb) * k);
    for (int i = 0; i < nb; ++i) {
      const double w = weights[i], sw = std::sqrt(w);
      ne->wsum += w;
      ne->n_positive += w > 0;
      for (int c = 0; c < k; ++c) (*yw)[std::size_t(i) * k + c] = sw * values[std::size_t(i) * k + c];
      for (int j = 0; j < D; ++j) psi[std::size_t(j) * nb + i] *= sw;
    }
    y = yw->data();
  } else {
    ne->wsum += nb;
    ne->n_positive += nb;
  }
  for (std::size_t i = 0; i < std::size_t(nb) * k; ++i) ne->yy[i % k] += y[i] * y[i];
  dgemm(false, false, k, D, nb, 1.0, y, k, psi, nb, 1.0, ne->rhs.data(), k);
  ne->n += nb;
}

}  // namespace

void start_owned_normal_equations(int dinv, int ntargets, int rank, int size, NormalEquations* ne) {
  start_normal_equations(dinv, ntargets, false, ne);
  ne->with_gram = true;
  ne->owned = true;
  ne->layout = block_cyclic_layout(dinv, rank, size);
  const BlockCyclic& L = ne->layout;
  const std::size_t n = L.local_size();
  allocating("this rank's " + std::to_string(L.locr) + " x " + std::to_string(L.locc) + " block-cyclic share of the " +
                 std::to_string(dinv) + " x " + std::to_string(dinv) + " Gram matrix",
             8.0 * double(n), [&] {
               inject_failure("alloc");  // test hook
               ne->gram.assign(n, 0.0);
             });
}

PetscErrorCode accumulate_owned_round(MPI_Comm comm, InvariantFeatures& feats, const double* points,
                                      const double* values, const double* weights, PetscInt count, PetscInt block_rows,
                                      NormalEquations* ne, OwnedRing* ring) {
  PetscFunctionBeginUser;
  int rank, size;
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  PetscCallMPI(MPI_Comm_size(comm, &size));
  const int D = ne->dinv, k = ne->ntargets, dim = feats.dim();
  PetscCheck(ne->owned && !ne->finished && feats.dinv() == D, PETSC_COMM_SELF, PETSC_ERR_ARG_WRONGSTATE,
             "accumulate_owned_round: owned sums of this basis, not finished, expected");
  PetscCheck(count <= block_rows && double(block_rows) * D < 2147483647.0, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE,
             "accumulate_owned_round: %" PetscInt_FMT " rows of a block of %" PetscInt_FMT " x %d features", count,
             block_rows, D);
  ne->values_per_point = double(feats.values_per_point());
  const std::size_t block = std::size_t(block_rows) * D;
  if (ring->mine.size() < block) ring->mine.resize(block), ring->other.resize(block);
  // This rank's weighted features, evaluated in cache-sized tiles, into `mine` (count × D).
  const double t0 = MPI_Wtime();
  const PetscInt tile = std::max<PetscInt>(1, std::min<PetscInt>(PetscInt(feats.tile_rows()), count));
  ring->tile.resize(std::size_t(tile) * D);
  for (PetscInt i0 = 0; i0 < count; i0 += tile) {
    const int nb = int(std::min(tile, count - i0));
    double* t = ring->tile.data();
    feats.evaluate(points + std::size_t(i0) * dim, std::size_t(nb), t);
    weigh_tile(weights ? weights + i0 : nullptr, values + std::size_t(i0) * k, nb, D, k, t, &ring->yw, ne);
    for (int j = 0; j < D; ++j)
      std::copy(t + std::size_t(j) * nb, t + std::size_t(j + 1) * nb, ring->mine.data() + std::size_t(j) * count + i0);
    ne->flops_features += nb * feats.flops_per_point();
    ne->flops_assembly += 2.0 * nb * D * k;
  }
  const double t1 = MPI_Wtime();
  // Round the ring: at step s this rank holds the block of rank − s and multiplies it
  // while it passes it on to rank + 1 (the same order on every run: bitwise repeatable).
  const int right = (rank + 1) % size, left = (rank + size - 1) % size;
  const BlockCyclic& L = ne->layout;
  const long long lld = L.lld();
  double* cur = ring->mine.data();
  double* nxt = ring->other.data();
  long long cur_count = count;
  for (int s = 0; s < size; ++s) {
    long long next_count = 0;
    MPI_Request req[2] = {MPI_REQUEST_NULL, MPI_REQUEST_NULL};
    if (s + 1 < size) {
      PetscCallMPI(MPI_Sendrecv(&cur_count, 1, MPI_LONG_LONG, right, 71, &next_count, 1, MPI_LONG_LONG, left, 71, comm,
                                MPI_STATUS_IGNORE));
      PetscCallMPI(MPI_Irecv(nxt, int(next_count * D), MPI_DOUBLE, left, 72, comm, &req[0]));
      PetscCallMPI(MPI_Isend(cur, int(cur_count * D), MPI_DOUBLE, right, 72, comm, &req[1]));
    }
    if (cur_count > 0 && L.local_size() > 0) {
      const int b = int(cur_count);
      // Ψ[:, R] for this rank's global rows R (b × locr, column-major): Ψ itself on a
      // one-row grid, else gathered a block of columns at a time.
      const double* psi_r = cur;
      if (L.nprow > 1) {
        ring->rows.resize(std::size_t(b) * L.locr);
        for (long long li = 0; li < L.locr; li += L.nb) {
          const long long len = std::min<long long>(L.nb, L.locr - li);
          std::copy(cur + std::size_t(L.global_row(li)) * b, cur + std::size_t(L.global_row(li) + len) * b,
                    ring->rows.data() + std::size_t(li) * b);
        }
        psi_r = ring->rows.data();
      }
      // Per panel of local columns J (a few blocks, from global column c0): the rows
      // i ≥ c0 only, the lower triangle ScaLAPACK reads, plus the few entries above the
      // diagonal inside the panel (undefined, never read).
      //   G[R_{≥c0}, J] += Ψ[:, R_{≥c0}]ᵀ Ψ[:, J]
      // Panels of ~512 columns, gathered from their blocks, keep DGEMM fast: on this VM one
      // core gets 33 GFLOP/s with 64 columns, 47 with 512 (D_inv = 20301, 826 rows).
      const long long panel = std::max<long long>(1, kPanelColumns / L.nb) * L.nb;
      ring->panel.resize(std::size_t(b) * std::size_t(std::min(panel, L.locc)));
      for (long long lj = 0; lj < L.locc; lj += panel) {
        const long long w = std::min(panel, L.locc - lj), c0 = L.global_col(lj);
        const long long li = L.first_local_row_from(c0), m = L.locr - li;
        if (m <= 0) continue;
        for (long long t = 0; t < w; t += L.nb) {  // block by block: each is contiguous in Ψ
          const long long len = std::min<long long>(L.nb, w - t), g = L.global_col(lj + t);
          std::copy(cur + std::size_t(g) * b, cur + std::size_t(g + len) * b, ring->panel.data() + std::size_t(t) * b);
        }
        dgemm(true, false, int(m), int(w), b, 1.0, psi_r + std::size_t(li) * b, b, ring->panel.data(), b, 1.0,
              ne->gram.data() + std::size_t(lj * lld + li), int(lld));
        ne->flops_assembly += 2.0 * double(b) * double(m) * double(w);
      }
    }
    if (s + 1 < size) {
      PetscCallMPI(MPI_Waitall(2, req, MPI_STATUSES_IGNORE));
      std::swap(cur, nxt);
      cur_count = next_count;
    }
  }
  ne->t_features += t1 - t0;
  ne->t_assembly += MPI_Wtime() - t1;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode gram_times_streamed(MPI_Comm comm, RowSource& src, InvariantFeatures& feats, PetscInt block_rows,
                                   const std::vector<double>& X, int k, std::vector<double>* gx) {
  PetscFunctionBeginUser;
  const int D = feats.dinv(), dim = feats.dim();
  PetscCheck(X.size() == std::size_t(D) * k, comm, PETSC_ERR_ARG_SIZ, "gram_times_streamed: X is not D_inv x k");
  gx->assign(std::size_t(D) * k, 0.0);
  PetscCall(src.rewind());
  const PetscInt tile = std::max<PetscInt>(1, std::min<PetscInt>(PetscInt(feats.tile_rows()), block_rows));
  std::vector<double> psi(std::size_t(tile) * D), t(std::size_t(tile) * k);
  RowBlock blk;
  for (bool done = false;;) {
    PetscCall(src.next_block(block_rows, &blk, &done));
    if (done) break;
    for (PetscInt i0 = 0; i0 < blk.count; i0 += tile) {
      const int nb = int(std::min(tile, blk.count - i0));
      feats.evaluate(blk.points.data() + std::size_t(i0) * dim, std::size_t(nb), psi.data());
      // T = Ψ X (nb × k), then W T, then G X += Ψᵀ (W T).
      dgemm(false, true, nb, k, D, 1.0, psi.data(), nb, X.data(), k, 0.0, t.data(), nb);
      if (!blk.weights.empty())
        for (int c = 0; c < k; ++c)
          for (int i = 0; i < nb; ++i) t[std::size_t(c) * nb + i] *= blk.weights[std::size_t(i0 + i)];
      dgemm(true, false, k, D, nb, 1.0, t.data(), nb, psi.data(), nb, 1.0, gx->data(), k);
    }
  }
  PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, gx->data(), int(gx->size()), MPI_DOUBLE, MPI_SUM, comm));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode gather_owned_gram(MPI_Comm comm, const NormalEquations& ne, std::vector<double>* full) {
  PetscFunctionBeginUser;
  const long long D = ne.dinv;
  PetscCheck(ne.owned, comm, PETSC_ERR_ARG_WRONGSTATE, "gather_owned_gram: owned sums expected");
  PetscCheck(double(D) * D < 2147483647.0, comm, PETSC_ERR_ARG_OUTOFRANGE,
             "gather_owned_gram: a %lld x %lld Gram matrix is too large to gather", D, D);
  const BlockCyclic& L = ne.layout;
  // Each entry of the lower triangle lives on one rank: placed and mirrored, zeros
  // elsewhere, summed.
  full->assign(std::size_t(D * D), 0.0);
  for (long long lj = 0; lj < L.locc; ++lj) {
    const long long gj = L.global_col(lj);
    for (long long li = L.first_local_row_from(gj); li < L.locr; ++li) {
      const long long gi = L.global_row(li);
      const double v = ne.gram[std::size_t(lj * L.lld() + li)];
      (*full)[std::size_t(gi * D + gj)] = v;
      (*full)[std::size_t(gj * D + gi)] = v;
    }
  }
  PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, full->data(), int(full->size()), MPI_DOUBLE, MPI_SUM, comm));
  PetscFunctionReturn(PETSC_SUCCESS);
}

}  // namespace specavg
