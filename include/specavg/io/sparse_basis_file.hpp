#pragma once
// Block-sparse invariant bases (SpaceInvariants::sparse) in model files: the datasets of
// basis/Q_sparse/, next to basis/Q/<label> for the dense degrees (docs/file-formats.md).
//
// Layout (format 4), over the degrees held in block-sparse form, labels ascending:
//   basis/Q_sparse/labels  (s') int64    the eigenspace labels stored here (none in basis/Q/)
//   basis/Q_sparse/rows    (2K) int64    two rows per column (0 ≤ row < m_λ), the columns of
//                                        each label in order, labels in the order above
//   basis/Q_sparse/values  (2K) float64  the two values of each column
// with K = Σ k_λ over those labels (k_λ from basis/invariant_counts). Column j of Q_λ is
// values[2j] e_rows[2j] + values[2j+1] e_rows[2j+1]; equal rows mean one entry (the second
// value is then 0). Serial HDF5 on the caller's file; throws std::runtime_error.
#include <hdf5.h>

#include <vector>

#include "specavg/group/invariant_basis.hpp"

namespace specavg {

// Writes basis/Q_sparse under `basis_group` when some space is block sparse (else nothing).
void write_sparse_basis(hid_t basis_group, const std::vector<SpaceInvariants>& spaces);

// The labels stored in block-sparse form (empty when the file has no basis/Q_sparse).
std::vector<int> sparse_basis_labels(hid_t file);

// Fills the block-sparse form of the spaces listed in basis/Q_sparse; `spaces` already hold
// label, m and k (from basis/invariant_counts). Checks counts and row ranges.
void read_sparse_basis(hid_t file, std::vector<SpaceInvariants>* spaces);

}  // namespace specavg
