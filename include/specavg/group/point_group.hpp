#pragma once
// Finite groups of isometries of S² given by generators (3×3 orthogonal matrices).
//
// Conventions
//  * Mat3 is row-major: y = g x means y_i = Σ_j g[3i+j] x_j.
//  * A group is only ever handled through its generators; enumerate_group() exists for
//    `specavg info` (order on request) and for synthesizing targets, never for learning.
//  * Plain C++ (no MPI/PETSc): errors are std::invalid_argument with a user-facing text.
#include <array>
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "specavg/basis/isometry.hpp"

namespace specavg {

using Mat3 = std::array<double, 9>;

Mat3 mat3_identity();
Mat3 mat3_mul(const Mat3& a, const Mat3& b);  // a·b
Mat3 mat3_transpose(const Mat3& a);
void mat3_apply(const Mat3& g, const double* x, double* y);  // y = g x (3-vectors)
Mat3 rotation_about_axis(double ax, double ay, double az, double angle);
Isometry isometry_from_mat3(const Mat3& g);  // x → g x on S² (t = 0)

// Generators for a `-group` spec string. Accepted (case-sensitive, Schoenflies):
//   C1, C<n>, D<n>, C<n>h, C<n>v, D<n>h, D<n>d (n ≥ 1), S<m> (m even), T, Td, Th, O,
//   Oh, I, Ih, Ci, Cs, and comma lists merging generator sets ("C6,Cs").
// Axis conventions: principal axis z; D<n>'s 2-fold axis x; C<n>v's mirror y → −y;
// C<n>h/D<n>h/Cs's mirror z → −z; S<m> the rotation by 2π/m about z followed by the
// mirror z → −z; D<n>d = <S<2n>, the 2-fold about x> (mirrors through z bisecting the
// 2-fold axes); T/O/I share the coordinate 2-fold axes and the (1,1,1) 3-fold axis.
// C1 has no generators. Orders: |D<n>h| = |D<n>d| = 4n, |S<m>| = m. Throws std::invalid_argument naming the
// offending token and listing the valid forms.
std::vector<Mat3> generators_from_spec(const std::string& spec);

// Every generator must be finite and orthogonal: max|gᵀg − I| ≤ tol. Throws
// std::invalid_argument naming `source` and the index of the first bad generator.
void validate_generators(const std::vector<Mat3>& gens, const std::string& source, double tol = 1e-9);

// Closure of the generators under multiplication (breadth first, elements compared
// entrywise to 1e-8). Returns std::nullopt once more than `cap` elements are found.
std::optional<std::vector<Mat3>> enumerate_group(const std::vector<Mat3>& gens, std::size_t cap);

}  // namespace specavg
