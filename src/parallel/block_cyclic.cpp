#include "specavg/parallel/block_cyclic.hpp"

#include <algorithm>
#include <cmath>

namespace specavg {

long long block_cyclic_count(long long n, int nb, int me, int np) {
  const long long blocks = n / nb, extra = n % nb;  // whole blocks, then a shorter one
  long long count = blocks / np * nb;
  const long long rest = blocks % np;
  if (me < rest)
    count += nb;
  else if (me == rest)
    count += extra;
  return count;
}

long long BlockCyclic::first_from(long long g, int me, int np, long long count) const {
  if (g <= 0) return 0;
  const long long blk = g / nb;     // global block holding g
  const long long mine = blk / np;  // blocks of ours before cycle blk / np
  long long l;
  if (blk % np == me)
    l = mine * nb + g % nb;
  else if (blk % np < me)
    l = mine * nb;
  else
    l = (mine + 1) * nb;
  return std::min(l, count);
}

BlockCyclic block_cyclic_layout(long long n, int rank, int size) {
  BlockCyclic L;
  L.n = n;
  L.nprow = 1;
  for (int r = 1; r * r <= size; ++r)
    if (size % r == 0) L.nprow = r;
  L.npcol = size / L.nprow;
  L.myrow = rank / L.npcol;
  L.mycol = rank % L.npcol;
  const long long per = (n + std::max(L.nprow, L.npcol) - 1) / std::max(L.nprow, L.npcol);
  L.nb = int(std::max<long long>(1, std::min<long long>(64, per)));
  L.locr = block_cyclic_count(n, L.nb, L.myrow, L.nprow);
  L.locc = block_cyclic_count(n, L.nb, L.mycol, L.npcol);
  return L;
}

namespace {

std::vector<IndexRun> runs(long long n, int nb, int me, int np, long long l0, long long count) {
  std::vector<IndexRun> out;
  if (count <= 0) return out;
  const long long first = (l0 / nb * np + me) * nb;  // global start of local block l0 / nb
  const long long blocks = (count + nb - 1) / nb;
  const long long last_start = first + (blocks - 1) * np * nb;
  const long long last_len = std::min<long long>(nb, n - last_start);
  if (last_len == nb) {
    out.push_back({first, (long long)np * nb, blocks, nb});
  } else {
    if (blocks > 1) out.push_back({first, (long long)np * nb, blocks - 1, nb});
    out.push_back({last_start, (long long)np * nb, 1, last_len});
  }
  return out;
}

}  // namespace

std::vector<IndexRun> column_runs(const BlockCyclic& L, long long lj0, long long ncols) {
  return runs(L.n, L.nb, L.mycol, L.npcol, lj0, std::min(ncols, L.locc - lj0));
}

std::vector<IndexRun> row_runs(const BlockCyclic& L) {
  return runs(L.n, L.nb, L.myrow, L.nprow, 0, L.locr);
}

}  // namespace specavg
