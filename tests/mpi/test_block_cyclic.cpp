// ScaLAPACK's block-cyclic layout (parallel/block_cyclic.hpp) against brute force: every
// index on exactly one process coordinate, local ↔ global maps inverse to each other, the
// first local index from a global one, and the HDF5 runs listing exactly the local indices.
#include <gtest/gtest.h>

#include <vector>

#include "specavg/parallel/block_cyclic.hpp"

namespace specavg {
namespace {

std::vector<long long> expand(const std::vector<IndexRun>& runs) {
  std::vector<long long> out;
  for (const IndexRun& r : runs)
    for (long long c = 0; c < r.count; ++c)
      for (long long b = 0; b < r.block; ++b) out.push_back(r.start + c * r.stride + b);
  return out;
}

TEST(BlockCyclic, LayoutCoversEveryEntryOnce) {
  for (long long n : {1LL, 5LL, 63LL, 64LL, 65LL, 231LL, 1000LL, 5151LL})
    for (int size : {1, 2, 3, 4, 6, 7, 8, 9, 12}) {
      std::vector<int> row_owner(std::size_t(n), 0), col_owner(std::size_t(n), 0);
      long long total = 0;
      for (int rank = 0; rank < size; ++rank) {
        const BlockCyclic L = block_cyclic_layout(n, rank, size);
        ASSERT_EQ(L.nprow * L.npcol, size);
        ASSERT_LE(L.nprow, L.npcol);
        total += L.locr * L.locc;
        for (long long li = 0; li < L.locr; ++li) {
          const long long g = L.global_row(li);
          ASSERT_GE(g, 0);
          ASSERT_LT(g, n);
          ASSERT_EQ(L.local_row(g), li);
          if (L.mycol == 0) row_owner[std::size_t(g)] += 1;
        }
        for (long long lj = 0; lj < L.locc; ++lj) {
          const long long g = L.global_col(lj);
          ASSERT_EQ(L.local_col(g), lj);
          if (L.myrow == 0) col_owner[std::size_t(g)] += 1;
        }
        // first_local_row_from: the first local row with a global index ≥ g.
        for (long long g = 0; g <= n; g += 7) {
          long long want = L.locr;
          for (long long li = 0; li < L.locr; ++li)
            if (L.global_row(li) >= g) {
              want = li;
              break;
            }
          ASSERT_EQ(L.first_local_row_from(g), want) << "n " << n << " size " << size << " g " << g;
        }
        // Runs: exactly the local indices, in order, in at most two runs.
        const std::vector<long long> rows = expand(row_runs(L));
        ASSERT_EQ((long long)rows.size(), L.locr);
        for (long long li = 0; li < L.locr; ++li) ASSERT_EQ(rows[std::size_t(li)], L.global_row(li));
        for (long long lj0 = 0; lj0 < L.locc; lj0 += 2 * L.nb) {
          const std::vector<IndexRun> runs = column_runs(L, lj0, 2 * L.nb);
          ASSERT_LE(runs.size(), 2u);
          const std::vector<long long> cols = expand(runs);
          for (std::size_t t = 0; t < cols.size(); ++t) ASSERT_EQ(cols[t], L.global_col(lj0 + (long long)t));
          ASSERT_EQ((long long)cols.size(), std::min<long long>(2 * L.nb, L.locc - lj0));
        }
      }
      EXPECT_EQ(total, n * n) << "n " << n << " size " << size;
      for (long long g = 0; g < n; ++g) {
        ASSERT_EQ(row_owner[std::size_t(g)], 1) << "row " << g;
        ASSERT_EQ(col_owner[std::size_t(g)], 1) << "col " << g;
      }
    }
}

TEST(BlockCyclic, LargeMatrixIsBalanced) {
  // D_inv = 20301 (S² under Cs at lmax 200) on 2 and 4 ranks: every share within 1 % of n²/P.
  for (int size : {2, 4})
    for (int rank = 0; rank < size; ++rank) {
      const BlockCyclic L = block_cyclic_layout(20301, rank, size);
      EXPECT_EQ(L.nb, 64);
      EXPECT_LE(double(L.local_size()) / (20301.0 * 20301.0 / size), 1.01);
    }
}

}  // namespace
}  // namespace specavg
