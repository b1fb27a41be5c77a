#pragma once
// Values of the orbit sums O_t (group/orbit_types.hpp) at blocks of points, without the
// eigenbasis: the cost per point depends on d and the number of orbit types, not on the
// multiplicities of the eigenspaces. Plain C++.
//
//  * sym: the monomial symmetric polynomials m_μ(x_1..x_d) for every partition μ of degree
//    ≤ kmax with at most d parts, by the recurrence over the coordinates
//      m_μ(x_1..x_t) = m_μ(x_1..x_{t−1}) + Σ_{distinct parts p of μ} x_t^p m_{μ∖p}(x_1..x_{t−1}),
//    about d · Σ_μ #distinct parts(μ) multiply-adds per point.
//  * hyperoct: the same recurrence in y_i = x_i² (parts halved).
//  * orbits: Σ_β σ_β x^β over the stored orbit members.
// Output column-major, out[t * ld + i] for type t and point i (points row-major nb × d).
// evaluate() is const and reentrant (scratch is allocated per call).
#include <cstddef>
#include <memory>
#include <vector>

#include "specavg/group/orbit_types.hpp"

namespace specavg {

class OrbitSumEvaluator {
 public:
  explicit OrbitSumEvaluator(std::shared_ptr<const OrbitTypes> types);
  std::size_t size() const { return std::size_t(types_->size()); }
  void evaluate(const double* x, std::size_t nb, double* out, std::size_t ld) const;
  double flops_per_point() const { return flops_; }

 private:
  std::shared_ptr<const OrbitTypes> types_;
  int unit_ = 1, pmax_ = 0;
  // Partitions (in parts of `unit_`) by increasing degree; for each, its distinct parts and
  // the index of the partition with one such part removed.
  std::vector<int> step_ptr_, step_part_, step_from_;
  std::vector<int> type_slot_;  // type → partition index (sym, hyperoct)
  double flops_ = 0.0;
};

}  // namespace specavg
