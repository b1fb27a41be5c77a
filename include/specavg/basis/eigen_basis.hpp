#pragma once
// Block evaluation of the eigenbasis of a manifold over a list of its eigenspaces
// (made by Manifold::eigenbasis; each manifold implements it with its own basis).
//
// Conventions
//  * Columns: the spaces in the order given, each contiguous (offset(s) .. offset(s)+m_s),
//    inside a space the order of the manifold's basis header.
//  * Output: column-major point block, out[column * ld + i]; points row-major n × dim.
// Thread-safety: evaluation is const and reentrant.
#include <cstddef>
#include <vector>

#include "specavg/basis/manifold.hpp"

namespace specavg {

class EigenBasis {
 public:
  virtual ~EigenBasis() = default;
  const std::vector<Eigenspace>& spaces() const { return spaces_; }
  std::size_t size() const { return offset_.back(); }
  std::size_t offset(std::size_t s) const { return offset_[s]; }
  // All spaces: out has ≥ ld · size() doubles.
  virtual void evaluate(const double* x, std::size_t n, double* out, std::size_t ld) const = 0;
  // One space: out[r * ld + i], r < m_s.
  virtual void evaluate_space(std::size_t s, const double* x, std::size_t n, double* out, std::size_t ld) const = 0;
  // Only the functions `rows` (indices inside space s): out[r * ld + i] = φ_{s, rows[r]}(x_i).
  // The default evaluates the whole space and gathers; Manifold::partial_evaluation() tells
  // whether an implementation does better.
  virtual void evaluate_functions(std::size_t s, const std::vector<int>& rows, const double* x, std::size_t n,
                                  double* out, std::size_t ld) const;
  // Rough flops per point of evaluate() (for rate reports).
  virtual double flops_per_point() const = 0;

 protected:
  explicit EigenBasis(std::vector<Eigenspace> spaces);

 private:
  std::vector<Eigenspace> spaces_;
  std::vector<std::size_t> offset_;
};

}  // namespace specavg
