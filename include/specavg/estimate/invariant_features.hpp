#pragma once
// Block evaluation of the invariant features ψ(x) = (Q_λᵀ φ_λ(x))_λ and of predictions.
// Not thread-safe (owns workspaces); create one per thread.
//
// Only the eigenspaces carrying invariants are used (where the basis comes from a
// recurrence, e.g. spheres, every label up to the highest such one is evaluated). Where Q_λ
// is block sparse (SpaceInvariants::sparse) each feature is a gather of at most two basis
// values, ψ_j = v0 φ_r0 + v1 φ_r1, with no m × k product. Where Q_λ
// has rows that are exactly zero (basis functions outside the invariant support, e.g. sine
// products under sign flips), only the supported columns of φ_λ enter the product; where
// the manifold evaluates functions separately (Manifold::partial_evaluation(), the torus)
// only those functions are evaluated at all. A basis from the invariant-ring route
// (InvariantBasis::ring) is evaluated from orbit sums (group/orbit_sums.hpp) and never
// touches the eigenbasis: the cost per point depends on d and the orbit types, not on m.
// On the torus (InvariantBasis::torus_ring) the features are the normalized orbit sums of
// group/torus_orbits.hpp, evaluated from cos/sin tables of the coordinates without a shell.
#include <memory>
#include <vector>

#include "specavg/basis/eigen_basis.hpp"
#include "specavg/estimate/model.hpp"
#include "specavg/group/orbit_sums.hpp"
#include "specavg/group/torus_orbits.hpp"

namespace specavg {

class InvariantFeatures {
 public:
  explicit InvariantFeatures(const InvariantBasis& basis);
  int dinv() const { return dinv_; }
  int dim() const { return basis_.manifold->dim(); }
  // psi: nb × dinv, column-major with ld = nb. Points row-major nb × dim on the manifold.
  void evaluate(const double* x, std::size_t nb, double* psi);
  // Floating-point operations of one evaluate() call per point (for rate reports).
  double flops_per_point() const;
  // Basis functions evaluated per point.
  std::size_t values_per_point() const { return values_; }
  // Rows per block so that basis values and features of a block take about 16 MiB.
  std::size_t default_block_rows() const;
  // Rows per evaluate() call inside a block so that its basis values and features stay in
  // a core's cache (about 1 MiB, at least 64 rows for the BLAS-3 products).
  std::size_t tile_rows() const;

 private:
  struct Block {
    std::size_t col = 0;        // first column of the space in the evaluated φ
    int m = 0, k = 0;           // rows used (support size) and features
    std::vector<int> support;   // empty: all m rows of Q
    std::vector<double> Q;      // m × k, column-major (support rows only)
    int partial = -1;           // index into partial_ (its support functions are evaluated directly)
    std::vector<int> single;    // when every column of Q has one non-zero: its row, and
    std::vector<double> scale;  // its value (ψ_j = scale_j · φ_row), no product needed
    // Block-sparse Q (SpaceInvariants::sparse): two rows and values per column (rows within
    // the space, or within `support` for partial blocks); Q, single and scale stay empty.
    std::vector<int> pair_rows;
    std::vector<double> pair_vals;
  };
  Block sparse_block(const SpaceInvariants& s, std::size_t col, bool partial);
  const InvariantBasis& basis_;
  std::unique_ptr<EigenBasis> eval_;            // null on the ring route
  std::unique_ptr<OrbitSumEvaluator> ring_;     // ring route only
  std::unique_ptr<TorusOrbitEvaluator> torus_;  // ring route on the torus only
  std::vector<int> torus_cols_;                 // orbit of each feature (empty: all, in order)
  std::vector<double> orbit_, r2_;
  int dinv_ = 0;
  std::vector<Block> blocks_;
  std::vector<std::unique_ptr<EigenBasis>> partial_;  // one eigenspace each
  std::size_t values_ = 0;  // basis values per point
  std::vector<double> phi_, gather_;
};

// Predictions out (nb × ntargets, row-major) = ψ(x) · coef for a block of points.
// psi_work is resized as needed.
void predict_block(InvariantFeatures& feats, const Model& model, const double* x, std::size_t nb, double* out,
                   std::vector<double>& psi_work);

}  // namespace specavg
