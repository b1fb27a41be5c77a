// Generic pieces of EigenspaceAction (dense transpose, the constraint operator C) and the
// sparse (CSR) action used for exact permutation-like representations.
#include "specavg/basis/eigenspace_action.hpp"

#include <algorithm>
#include <stdexcept>
#include <string>
#include <utility>

namespace specavg {

std::vector<double> EigenspaceAction::dense_transpose(int j) const {
  const int n = m();
  std::vector<double> out(static_cast<std::size_t>(n) * n);
  // Blocks of identity columns keep the workspace bounded and let apply() use BLAS-3.
  constexpr int kBlock = 64;
  std::vector<double> eye;
  for (int c0 = 0; c0 < n; c0 += kBlock) {
    const int nb = std::min(kBlock, n - c0);
    eye.assign(static_cast<std::size_t>(n) * nb, 0.0);
    for (int c = 0; c < nb; ++c) eye[static_cast<std::size_t>(c) * n + c0 + c] = 1.0;
    apply(j, true, nb, eye.data(), n, out.data() + static_cast<std::size_t>(c0) * n, n);
  }
  return out;
}

void apply_constraint(const EigenspaceAction& a, int nv, const double* X, int ldx, double* Y, int ldy) {
  const int n = a.m(), r = a.ngenerators();
  if (n <= 0 || nv <= 0) return;
  for (int c = 0; c < nv; ++c) {
    const double* x = X + static_cast<std::size_t>(c) * ldx;
    double* y = Y + static_cast<std::size_t>(c) * ldy;
    for (int i = 0; i < n; ++i) y[i] = 2.0 * r * x[i];
  }
  if (r == 0) return;
  // One m × nv workspace per call: apply() writes D_j X there, then it is subtracted.
  std::vector<double> w(static_cast<std::size_t>(n) * nv);
  for (int j = 0; j < r; ++j) {
    for (bool t : {false, true}) {
      a.apply(j, t, nv, X, ldx, w.data(), n);
      for (int c = 0; c < nv; ++c) {
        const double* wc = w.data() + static_cast<std::size_t>(c) * n;
        double* y = Y + static_cast<std::size_t>(c) * ldy;
        for (int i = 0; i < n; ++i) y[i] -= wc[i];
      }
    }
  }
}

namespace {

class SparseAction final : public EigenspaceAction {
 public:
  explicit SparseAction(std::vector<SparseRows> g) : g_(std::move(g)) {
    if (g_.empty())
      throw std::invalid_argument("sparse_action: at least one generator is needed to know the dimension");
    const int n = g_[0].m;
    for (std::size_t j = 0; j < g_.size(); ++j) validate(g_[j], n, static_cast<int>(j));
    double nnz = 0;
    for (const auto& s : g_) nnz += static_cast<double>(s.val.size());
    flops_ = 2.0 * nnz / static_cast<double>(g_.size());
  }
  int m() const override { return g_[0].m; }
  int ngenerators() const override { return static_cast<int>(g_.size()); }
  double apply_flops() const override { return flops_; }
  const std::vector<SparseRows>* sparse_rows() const override { return &g_; }

  void apply(int j, bool transpose, int nv, const double* X, int ldx, double* Y, int ldy) const override {
    if (j < 0 || j >= ngenerators()) throw std::out_of_range("sparse_action: generator index out of range");
    const SparseRows& s = g_[j];
    for (int c = 0; c < nv; ++c) {
      const double* x = X + static_cast<std::size_t>(c) * ldx;
      double* y = Y + static_cast<std::size_t>(c) * ldy;
      if (!transpose) {
        for (int a = 0; a < s.m; ++a) {
          double acc = 0.0;
          for (int p = s.rowptr[a]; p < s.rowptr[a + 1]; ++p) acc += s.val[p] * x[s.col[p]];
          y[a] = acc;
        }
      } else {  // scatter row a of D_j into the columns it touches: (D_jᵀ x)[col] += val·x[a]
        std::fill(y, y + s.m, 0.0);
        for (int a = 0; a < s.m; ++a)
          for (int p = s.rowptr[a]; p < s.rowptr[a + 1]; ++p) y[s.col[p]] += s.val[p] * x[a];
      }
    }
  }

 private:
  static void validate(const SparseRows& s, int n, int j) {
    const std::string who = "sparse_action: generator " + std::to_string(j) + ": ";
    if (s.m <= 0 || s.m != n)
      throw std::invalid_argument(who + "dimension m = " + std::to_string(s.m) + ", expected " + std::to_string(n) +
                                  " (positive, equal for all generators)");
    if (s.rowptr.size() != static_cast<std::size_t>(s.m) + 1)
      throw std::invalid_argument(who + "rowptr must have m + 1 = " + std::to_string(s.m + 1) + " entries, has " +
                                  std::to_string(s.rowptr.size()));
    if (s.col.size() != s.val.size()) throw std::invalid_argument(who + "col and val must have the same length");
    if (s.rowptr[0] != 0 || s.rowptr[s.m] != static_cast<int>(s.col.size()))
      throw std::invalid_argument(who + "rowptr must start at 0 and end at the number of entries (" +
                                  std::to_string(s.col.size()) + ")");
    for (int a = 0; a < s.m; ++a)
      if (s.rowptr[a + 1] < s.rowptr[a]) throw std::invalid_argument(who + "rowptr must be non-decreasing");
    for (int c : s.col)
      if (c < 0 || c >= s.m)
        throw std::invalid_argument(who + "column index " + std::to_string(c) + " outside [0, " + std::to_string(s.m) +
                                    ")");
  }

  std::vector<SparseRows> g_;
  double flops_ = 0.0;
};

}  // namespace

std::unique_ptr<EigenspaceAction> sparse_action(std::vector<SparseRows> generators) {
  return std::make_unique<SparseAction>(std::move(generators));
}

}  // namespace specavg
