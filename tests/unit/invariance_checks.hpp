#pragma once
// Checks shared by the unit tests of invariant bases: orthonormality and invariance of a
// basis Q of one eigenspace, and invariance of a model's predictions under random words
// in its generators.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

#include "specavg/basis/isometry.hpp"
#include "specavg/basis/manifold.hpp"
#include "specavg/estimate/model.hpp"
#include "specavg/group/point_group.hpp"
#include "specavg/util/counter_rng.hpp"

namespace specavg::test {

struct BasisErrors {
  double orth = 0;  // max |Qᵀ Q − I| entry
  double inv = 0;   // max over generators g of the largest |D_l(g)ᵀ q_t − q_t| entry
};

// Q holds the k invariant functions of degree l as rows of length m = 2l + 1 in the real
// spherical-harmonic basis; rep(l, g) is the row-major m × m representation matrix.
inline BasisErrors basis_errors(int l, const std::vector<double>& Q, int k, const std::vector<Mat3>& gens,
                                std::vector<double> (*rep)(int, const Mat3&)) {
  const int m = 2 * l + 1;
  BasisErrors e;
  for (int a = 0; a < k; ++a)
    for (int b = 0; b < k; ++b) {
      double v = 0;
      for (int i = 0; i < m; ++i) v += Q[std::size_t(a) * m + i] * Q[std::size_t(b) * m + i];
      e.orth = std::max(e.orth, std::fabs(v - (a == b ? 1.0 : 0.0)));
    }
  for (const Mat3& g : gens) {
    const std::vector<double> D = rep(l, g);
    for (int t = 0; t < k; ++t)
      for (int i = 0; i < m; ++i) {
        double v = 0;
        for (int j = 0; j < m; ++j) v += D[std::size_t(j) * m + i] * Q[std::size_t(t) * m + j];
        e.inv = std::max(e.inv, std::fabs(v - Q[std::size_t(t) * m + i]));
      }
  }
  return e;
}

struct WordInvariance {
  double fmax = 0;   // max |f(x)| over the points
  double worst = 0;  // max |f(w x) − f(x)| over the points and words
};

// Predictions of `model` at 200 uniform points of M against those at the same points moved
// by 10 random words (length 1..40) in model.generators; move(g, x, y) applies one generator
// in place (y == x), e.g. isometry_apply or M.map_point.
template <typename Move>
WordInvariance predictions_under_random_words(const Model& model, const Manifold& M, Move move) {
  const std::vector<Isometry>& gens = model.generators;
  const int d = M.dim();
  const std::size_t n = 200;
  std::vector<double> x(n * d), gx(n * d), f(n), fg(n);
  for (std::size_t i = 0; i < n; ++i) M.sample_uniform(23, i, &x[i * d]);
  model.predict(x.data(), n, f.data());
  WordInvariance r;
  for (double v : f) r.fmax = std::max(r.fmax, std::fabs(v));
  for (int w = 0; w < 10; ++w) {
    for (std::size_t i = 0; i < n; ++i) {
      std::copy_n(&x[i * d], d, &gx[i * d]);
      const int len = 1 + int(40 * rng_uniform(29, std::uint64_t(w), i * 41));
      for (int l = 0; l < len; ++l) {
        const std::size_t j = std::size_t(rng_uniform(31, std::uint64_t(w), i * 41 + l) * gens.size());
        move(gens[std::min(j, gens.size() - 1)], &gx[i * d], &gx[i * d]);
      }
    }
    model.predict(gx.data(), n, fg.data());
    for (std::size_t i = 0; i < n; ++i) r.worst = std::max(r.worst, std::fabs(fg[i] - f[i]));
  }
  return r;
}

}  // namespace specavg::test
