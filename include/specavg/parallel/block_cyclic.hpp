#pragma once
// ScaLAPACK's two-dimensional block-cyclic layout of an n × n matrix over P ranks, the
// layout of the owned-row Gram matrix (parallel/owned_gram.hpp), so that ScaLAPACK factors
// the very array the assembly summed into (no second copy).
//
// Conventions (ScaLAPACK's): square blocks of nb × nb; the process grid is nprow × npcol
// with nprow the largest divisor of P not above √P; rank r sits at (r / npcol, r % npcol)
// (BLACS row-major order); block (I, J) lives on process (I mod nprow, J mod npcol),
// the first block on process (0, 0). A rank stores its locr × locc entries column-major
// with leading dimension lld(). The layout depends on (n, P) only, so every rank can
// compute every other rank's share.
#include <cstddef>
#include <vector>

#include "specavg/util/index_run.hpp"

namespace specavg {

struct BlockCyclic {
  long long n = 0;
  int nb = 1, nprow = 1, npcol = 1, myrow = 0, mycol = 0;
  long long locr = 0, locc = 0;  // this rank's rows and columns (ScaLAPACK's numroc)

  long long lld() const { return locr > 0 ? locr : 1; }
  std::size_t local_size() const { return std::size_t(locr) * std::size_t(locc); }
  // Global index of local row li / local column lj.
  long long global_row(long long li) const { return global(li, myrow, nprow); }
  long long global_col(long long lj) const { return global(lj, mycol, npcol); }
  // The first local row (column) whose global index is ≥ g; locr (locc) if none.
  long long first_local_row_from(long long g) const { return first_from(g, myrow, nprow, locr); }
  long long first_local_col_from(long long g) const { return first_from(g, mycol, npcol, locc); }
  // Local row (column) of global index g, or −1 when another process row (column) has it.
  long long local_row(long long g) const { return local(g, myrow, nprow); }
  long long local_col(long long g) const { return local(g, mycol, npcol); }

 private:
  long long global(long long l, int me, int np) const { return (l / nb * np + me) * nb + l % nb; }
  long long local(long long g, int me, int np) const {
    const long long blk = g / nb;
    return blk % np == me ? blk / np * nb + g % nb : -1;
  }
  long long first_from(long long g, int me, int np, long long count) const;
};

// Number of rows (or columns) of an n-long dimension on process coordinate `me` of `np`
// (ScaLAPACK's numroc with the first block on coordinate 0).
long long block_cyclic_count(long long n, int nb, int me, int np);

// The layout of an n × n matrix for `rank` of `size`: the grid described above, and
// nb = 64 (ScaLAPACK's usual block; smaller when n is small, so each rank gets a block).
BlockCyclic block_cyclic_layout(long long n, int rank, int size);

// One dimension of a block-cyclic share is at most two runs (util/index_run.hpp): the
// whole blocks, then a shorter last block. The global indices of local columns [lj0, lj0 + ncols) as runs, in
// increasing order; lj0 and ncols are multiples of nb except at the end of the share.
std::vector<IndexRun> column_runs(const BlockCyclic& L, long long lj0, long long ncols);
// All of this rank's global rows as runs.
std::vector<IndexRun> row_runs(const BlockCyclic& L);

}  // namespace specavg
