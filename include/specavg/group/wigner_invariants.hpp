#pragma once
// Invariant subspaces of the degrees of S² under a finite subgroup of O(3) given by
// generators, from the exact action of group/wigner_rotation.hpp (no collocation).
//
// Structure used (the route is planned once, from the generators):
//  * Elements that map the z-axis to ±z (rotations about z, the mirror z → −z, the
//    inversion, 2-folds about axes in the xy plane, vertical mirrors) act within each
//    (Y_m, Y_−m) pair: their invariants are found pair by pair in O(l) per degree, exactly
//    (C_n keeps only m ≡ 0 mod n; inversion acts as (−1)^l).
//  * A working frame F is chosen among z and the axes of the generators: the one whose
//    z-axis generators (after conjugation g' = Fᵀ g F) leave the fewest pairs. Every other
//    generator ("general") acts through D_l(g') restricted to the surviving pairs, and the
//    invariants are the null space of Σ_j (2I − B_j − B_jᵀ), B_j = Uᵀ D_l(g'_j) U, on the
//    small surviving space U (dense symmetric eigensolver, eigenvalues < null_tol·max(1, r)
//    count as zero). Q = D_l(F) Q' maps them back; with F = I and no general generator, Q is
//    block sparse (each column on one pair).
//  * Canonical form: block-sparse Q: per pair, both functions (a 2-dimensional null space)
//    or the unit vector with its larger entry positive; dense Q: orth(P E) as in
//    group/invariant_basis.hpp (same E), so Q depends on the subspace only.
//  * Residual: max over generators and columns of |D_l(g'_j)ᵀ Q' − Q'|₂ in the working
//    frame; the 2-norm of a column does not depend on the (orthonormal) frame and bounds
//    the max-entry residual max_j max |D_l(g_j)ᵀ Q − Q|.
// The general generators' Wigner rows advance degree by degree: solve() must be called
// with increasing l. Plain C++; not thread-safe.
#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "specavg/group/invariant_basis.hpp"
#include "specavg/group/point_group.hpp"
#include "specavg/basis/wigner_rotation.hpp"

namespace specavg {

// One degree's invariant subspace before densification. Block-sparse form (sparse = true):
// column t lives on the real indices rows[2t], rows[2t+1] (equal when the pair is Y_0 or one
// function) with values vals[2t], vals[2t+1] (canonical already). Dense form: an orthonormal
// Q, column-major (2l+1) × k, not yet canonical (solve() makes it so).
struct WignerSpace {
  int l = 0, k = 0;
  bool sparse = true;
  std::vector<int> rows;
  std::vector<double> vals, Q;
  double residual = 0.0;
  std::vector<double> dense() const;  // (2l+1) × k column-major in either form
};

class WignerInvariants {
 public:
  // Plans the route (frame, pair-diagonal and general generators): O(lmax · r). The Wigner
  // rows (O(rows · lmax) memory) are made on the first solve, so a plan for cost estimates
  // is cheap.
  WignerInvariants(const std::vector<Mat3>& gens, int lmax, double null_tol = 1e-8);
  ~WignerInvariants();
  // Degrees in increasing order (repeats allowed), l ≤ lmax.
  WignerSpace solve_space(int l);
  // The same as SpaceInvariants (method "wigner"): block-sparse form when block_sparse(),
  // else dense Q.
  SpaceInvariants solve(int l);
  // e.g. "frame z; pair-diagonal generators 0, 1; general: none; orders kept 1/2"
  std::string route() const;
  // Estimated flops of degree l alone (eigensolver and products) and of advancing the
  // Wigner rows from degree l−1 to l (paid by every rank that solves a degree ≥ l).
  double degree_flops(int l) const;
  double advance_flops(int l) const;
  // Orders m ≤ l kept at degree l by the pair-diagonal generators (the reduced size).
  int kept_functions(int l) const;
  bool block_sparse() const { return general_.empty() && identity_frame_; }

 private:
  struct Pair {
    int m, dim;       // order and null dimension (1 or 2) at this parity
    double v0, v1;    // dim 1: the null vector on (Y_m, Y_−m)
  };
  std::vector<Pair> pairs(int l) const;  // the surviving pairs at degree l
  void make_rows();                      // the Wigner rows, on first use (a plan needs none)
  bool rows_made_ = false;
  int lmax_;
  double tol_;
  int r_;  // generators (non-identity)
  bool identity_frame_ = true;
  std::string frame_label_;
  double axis_[3] = {0, 0, 1}, theta_ = 0, phi_ = 0;
  std::vector<ZBlock> zblock_;     // in the frame, exactly pair-diagonal
  std::vector<int> zblock_idx_, general_idx_;
  std::vector<EulerZYZ> general_;  // Euler angles of the general generators in the frame
  std::vector<std::unique_ptr<WignerRows>> rows_;  // one per general generator
  std::unique_ptr<WignerRows> frame_rows_;         // rows of Dy(−θ) (the back rotation)
  std::vector<int> orders_;                        // row orders kept at some parity
  std::vector<std::vector<Pair>> parity_pairs_;    // [l % 2]: all orders ≤ lmax
  struct Work {  // reused across degrees (large buffers would page-fault on every call)
    std::vector<double> U, Qs, Dss, TF;
    std::vector<std::vector<double>> Dg;
    std::vector<std::vector<PairBlock>> zpairs;
  } ws_;
};

}  // namespace specavg
