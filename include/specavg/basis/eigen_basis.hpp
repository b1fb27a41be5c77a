#pragma once
// Block evaluation of the eigenbasis of a manifold over a list of its eigenspaces.
//
// Conventions
//  * Columns: the spaces in the order given, each contiguous (offset(s) .. offset(s)+m_s),
//    inside a space the order of the manifold's basis header.
//  * Output: column-major point block, out[column * ld + i]; points row-major n × dim.
// Thread-safety: evaluate() is const and reentrant.
#include <memory>
#include <vector>

#include "specavg/basis/hypersphere_harmonics.hpp"
#include "specavg/basis/manifold.hpp"
#include "specavg/basis/sphere_harmonics.hpp"
#include "specavg/basis/torus_fourier.hpp"

namespace specavg {

class EigenBasis {
 public:
  EigenBasis(const Manifold& M, std::vector<Eigenspace> spaces);
  const Manifold& manifold() const { return M_; }
  const std::vector<Eigenspace>& spaces() const { return spaces_; }
  std::size_t size() const { return offset_.back(); }
  std::size_t offset(std::size_t s) const { return offset_[s]; }
  // All spaces: out has ≥ ld · size() doubles.
  void evaluate(const double* x, std::size_t n, double* out, std::size_t ld) const;
  // One space: out[r * ld + i], r < m_s.
  void evaluate_space(std::size_t s, const double* x, std::size_t n, double* out, std::size_t ld) const;
  // Rough flops per point of evaluate() (for rate reports).
  double flops_per_point() const;

 private:
  Manifold M_;
  std::vector<Eigenspace> spaces_;
  std::vector<std::size_t> offset_;
  int top_ = 0;  // highest sphere degree
  std::unique_ptr<SphereHarmonics> s2_;
  std::unique_ptr<HypersphereHarmonics> hs_;
  std::vector<TorusShell> shells_;
  // Spheres evaluate every degree ≤ top_; map space s to its columns there.
  std::vector<std::size_t> sphere_col_;
};

}  // namespace specavg
