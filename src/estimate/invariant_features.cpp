#include "specavg/estimate/invariant_features.hpp"

#include <algorithm>

#include "specavg/group/ring_invariants.hpp"
#include "specavg/util/dense_linalg.hpp"

namespace specavg {
namespace {

// Spaces to evaluate together: with recurrences every label up to the top one; with
// partial evaluation none (each block evaluates its own functions).
std::vector<Eigenspace> needed_spaces(const InvariantBasis& b) {
  std::vector<Eigenspace> out;
  const int top = b.top_label();
  for (const SpaceInvariants& s : b.spaces) {
    const bool need = !b.manifold->partial_evaluation() && s.label <= top;
    if (need) out.push_back(Eigenspace{s.label, s.lambda, std::size_t(s.m)});
  }
  return out;
}

}  // namespace

InvariantFeatures::InvariantFeatures(const InvariantBasis& basis)
    : basis_(basis), dinv_(basis.dinv()) {
  if (basis.ring) {
    ring_ = std::make_unique<OrbitSumEvaluator>(basis.ring);
    values_ = ring_->size();
    return;
  }
  if (basis.torus_ring) {  // one feature per mode orbit
    torus_ = std::make_unique<TorusOrbitEvaluator>(*basis.torus_ring);
    values_ = torus_->size();
    for (const SpaceInvariants& s : basis.spaces) torus_cols_.insert(torus_cols_.end(), s.ring_terms.begin(), s.ring_terms.end());
    bool identity = torus_cols_.size() == values_;
    for (std::size_t j = 0; j < torus_cols_.size() && identity; ++j) identity = torus_cols_[j] == int(j);
    if (identity) torus_cols_.clear();  // the usual case: every orbit, in feature order
    return;
  }
  eval_ = basis.manifold->eigenbasis(needed_spaces(basis));
  values_ = eval_->size();
  const bool partial = basis.manifold->partial_evaluation();
  std::size_t s_eval = 0;
  for (const SpaceInvariants& s : basis.spaces) {
    if (partial ? s.k > 0 : s_eval < eval_->spaces().size() && eval_->spaces()[s_eval].label == s.label) {
      if (s.k > 0 && s.sparse) {
        blocks_.push_back(sparse_block(s, partial ? 0 : eval_->offset(s_eval), partial));
      } else if (s.k > 0) {
        Block b;
        b.col = partial ? 0 : eval_->offset(s_eval);  // partial blocks evaluate their own functions
        b.k = s.k;
        for (int r = 0; r < s.m; ++r) {
          bool nz = false;
          for (int j = 0; j < s.k && !nz; ++j) nz = s.Q[std::size_t(j) * s.m + r] != 0.0;
          if (nz) b.support.push_back(r);
        }
        b.m = int(b.support.size());
        if (partial) {
          b.partial = int(partial_.size());
          partial_.push_back(basis.manifold->eigenbasis({Eigenspace{s.label, s.lambda, std::size_t(s.m)}}));
          values_ += b.support.size();
        }
        if (b.m == s.m && !partial) {
          b.support.clear();  // dense: multiply the contiguous columns directly
          b.Q = s.Q;
        } else {
          b.Q.resize(std::size_t(b.m) * s.k);
          for (int j = 0; j < s.k; ++j)
            for (int i = 0; i < b.m; ++i) b.Q[std::size_t(j) * b.m + i] = s.Q[std::size_t(j) * s.m + b.support[i]];
        }
        bool singles = true;  // one non-zero per column (e.g. cosine products under sign flips)
        for (int j = 0; j < b.k && singles; ++j) {
          int nz = 0, row = -1;
          for (int i = 0; i < b.m; ++i)
            if (b.Q[std::size_t(j) * b.m + i] != 0.0) ++nz, row = i;
          singles = nz == 1;
          b.single.push_back(row);
          b.scale.push_back(row >= 0 ? b.Q[std::size_t(j) * b.m + row] : 0.0);
        }
        if (!singles) b.single.clear(), b.scale.clear();
        blocks_.push_back(std::move(b));
      }
      ++s_eval;
    }
  }
}

InvariantFeatures::Block InvariantFeatures::sparse_block(const SpaceInvariants& s, std::size_t col, bool partial) {
  Block b;
  b.col = col;
  b.k = s.k;
  b.m = s.m;
  b.pair_rows = s.sparse_rows;
  b.pair_vals = s.sparse_vals;
  if (partial) {  // evaluate the rows the columns touch; index them within that support
    b.support = s.sparse_rows;
    std::sort(b.support.begin(), b.support.end());
    b.support.erase(std::unique(b.support.begin(), b.support.end()), b.support.end());
    b.m = int(b.support.size());
    for (int& r : b.pair_rows) r = int(std::lower_bound(b.support.begin(), b.support.end(), r) - b.support.begin());
    b.partial = int(partial_.size());
    partial_.push_back(basis_.manifold->eigenbasis({Eigenspace{s.label, s.lambda, std::size_t(s.m)}}));
    values_ += b.support.size();
  }
  return b;
}

void InvariantFeatures::evaluate(const double* x, std::size_t nb, double* psi) {
  if (ring_) {
    const int d = dim();
    orbit_.resize(nb * ring_->size());
    r2_.resize(nb);
    ring_->evaluate(x, nb, orbit_.data(), nb);
    for (std::size_t i = 0; i < nb; ++i) {
      double s = 0.0;
      for (int c = 0; c < d; ++c) s += x[i * d + c] * x[i * d + c];
      r2_[i] = s;
    }
    std::size_t col = 0;
    for (const SpaceInvariants& s : basis_.spaces) {
      if (s.k == 0) continue;
      ring_space_values(s, *basis_.ring, orbit_.data(), r2_.data(), nb, psi + col * nb, nb);
      col += std::size_t(s.k);
    }
    return;
  }
  if (torus_) {
    if (torus_cols_.empty()) return torus_->evaluate(x, nb, psi, nb);
    orbit_.resize(nb * torus_->size());
    torus_->evaluate(x, nb, orbit_.data(), nb);
    for (std::size_t j = 0; j < torus_cols_.size(); ++j)
      std::copy_n(orbit_.data() + std::size_t(torus_cols_[j]) * nb, nb, psi + j * nb);
    return;
  }
  phi_.resize(nb * eval_->size());
  eval_->evaluate(x, nb, phi_.data(), nb);
  std::size_t col = 0;
  for (const Block& b : blocks_) {
    const double* src = phi_.data() + b.col * nb;
    if (b.partial >= 0) {  // evaluate the supported functions only
      gather_.resize(nb * b.support.size());
      partial_[b.partial]->evaluate_functions(0, b.support, x, nb, gather_.data(), nb);
      src = gather_.data();
    }
    if (!b.pair_rows.empty()) {  // block sparse: ψ_j = v0 φ_r0 + v1 φ_r1, a gather per column
      for (int j = 0; j < b.k; ++j) {
        const int r0 = b.pair_rows[2 * j], r1 = b.pair_rows[2 * j + 1];
        const double v0 = b.pair_vals[2 * j], v1 = b.pair_vals[2 * j + 1];
        const double *f0 = src + std::size_t(r0) * nb, *f1 = src + std::size_t(r1) * nb;
        double* p = psi + (col + std::size_t(j)) * nb;
        if (r0 == r1)
          for (std::size_t i = 0; i < nb; ++i) p[i] = v0 * f0[i];
        else
          for (std::size_t i = 0; i < nb; ++i) p[i] = v0 * f0[i] + v1 * f1[i];
      }
      col += std::size_t(b.k);
      continue;
    }
    if (b.partial < 0 && !b.support.empty()) {  // gather the supported columns into a contiguous block
      gather_.resize(nb * b.support.size());
      for (std::size_t i = 0; i < b.support.size(); ++i)
        std::copy_n(src + std::size_t(b.support[i]) * nb, nb, gather_.data() + i * nb);
      src = gather_.data();
    }
    if (!b.single.empty()) {
      for (int j = 0; j < b.k; ++j) {
        const double* f = src + std::size_t(b.single[j]) * nb;
        double* p = psi + (col + std::size_t(j)) * nb;
        const double a = b.scale[j];
        for (std::size_t i = 0; i < nb; ++i) p[i] = a * f[i];
      }
    } else if (b.m > 0)
      dgemm(false, false, int(nb), b.k, b.m, 1.0, src, int(nb), b.Q.data(), b.m, 0.0, psi + col * nb, int(nb));
    else
      std::fill_n(psi + col * nb, nb * std::size_t(b.k), 0.0);
    col += std::size_t(b.k);
  }
}

double InvariantFeatures::flops_per_point() const {
  if (ring_) {
    double f = ring_->flops_per_point() + 2.0 * dim();
    for (const SpaceInvariants& s : basis_.spaces) f += 2.0 * double(s.ring_terms.size()) * (s.k + 1);
    return f;
  }
  if (torus_) return torus_->flops_per_point();
  double f = eval_->flops_per_point() + 3.0 * double(values_ - eval_->size());
  for (const Block& b : blocks_)
    f += !b.pair_rows.empty() ? 3.0 * b.k : b.single.empty() ? 2.0 * b.m * b.k : double(b.k);
  return f;
}

std::size_t InvariantFeatures::tile_rows() const {
  const double budget = 1024.0 * 1024.0 / 8.0;  // values in 1 MiB
  const double per_row = double(values_ + std::size_t(dinv_));
  return std::clamp<std::size_t>(std::size_t(budget / per_row), 64, 8192);
}

std::size_t InvariantFeatures::default_block_rows() const {
  const double per_row = double(values_ + std::size_t(dinv_));
  return std::clamp<std::size_t>(std::size_t((2u << 20) / per_row), 64, 8192);
}

void predict_block(InvariantFeatures& feats, const Model& model, const double* x, std::size_t nb, double* out,
                   std::vector<double>& psi_work) {
  const int D = feats.dinv(), k = model.ntargets;
  psi_work.resize(nb * std::size_t(D));
  feats.evaluate(x, nb, psi_work.data());
  // out row-major nb × k is column-major k × nb: outᵀ = coefᵀ(k × D) · ψᵀ.
  // coef row-major D × k is column-major k × D with ld = k.
  dgemm(false, true, k, int(nb), D, 1.0, model.coef.data(), k, psi_work.data(), int(nb), 0.0, out, k);
}

}  // namespace specavg
