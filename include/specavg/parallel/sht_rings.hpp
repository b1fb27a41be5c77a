#pragma once
// Spherical-harmonic transforms of gridded S² data, distributed by whole rings
// (libsharp, Debian's libsharp-dev). Collective on the communicator given at gathering.
//
// Why libsharp: it takes any set of iso-latitude rings (HEALPix, Gauss, equiangular, or
// the rings of a rectilinear lat/lon grid read from netCDF) through sharp_make_geom_info,
// and has synthesis and adjoint synthesis; HEALPix C++'s map2alm handles HEALPix maps only.
//
// Distribution: ring r goes to rank ⌊P (ring_begin[r] + nphi[r]/2) / N⌋ (N cells in all
// rings), so each rank owns a contiguous run of whole rings with about N/P cells. A rank's
// libsharp geometry holds only its rings that carry at least one row; cells of those rings
// without a row (masked, dropped) have weight 0.
//
// Conventions (specavg's real harmonics, basis/sphere_harmonics.hpp): coefficient vectors
// have (lmax+1)² entries, index l² + l + m, for harmonics orthonormal under dσ/(4π)
// (Y_00 = 1), cos(mφ) for m > 0 and sin(|m|φ) for m < 0, without the Condon–Shortley
// factor. libsharp's complex a_lm (m ≥ 0, orthonormal under dΩ, with (−1)^m) map to them by
//   c_l0 = √(4π) a_l0,  c_lm = √(8π) (−1)^m Re a_lm,  c_l,−m = −√(8π) (−1)^m Im a_lm
// for the adjoint (Σ_i v_i Y(x_i)), and the transpose of that map for synthesis.
//
// Geometry: each ring's colatitude θ_r and first longitude φ0_r come from the layout when it
// carries them (HEALPix: rows then travel without points), else from its rows' points (the
// one with the lowest position j), and every row must lie within 1e-11 rad of
// (θ_r, φ0_r + 2πj/nphi_r); otherwise the grid is not one libsharp can transform exactly
// and gathering reports why (the caller falls back to pointwise features or refuses).
#include <mpi.h>
#include <petscsys.h>

#include <string>
#include <vector>

#include "specavg/io/row_source.hpp"

namespace specavg {

class ShtGrid {
 public:
  ShtGrid() = default;
  ShtGrid(const ShtGrid&) = delete;
  ShtGrid& operator=(const ShtGrid&) = delete;
  ~ShtGrid();

  // Local: this rank's cells (the local map size) and the grid's global counts.
  std::size_t local_cells() const { return weight.size(); }
  int lmax() const { return lmax_; }
  std::size_t ncoef() const { return std::size_t(lmax_ + 1) * std::size_t(lmax_ + 1); }
  std::string describe() const { return kind_; }

  // Per local cell (ring after ring, cell j of a ring at offset + j): the row's weight
  // (1 without weights, 0 where no row), and with values the products w·y per target
  // (target-major: values[t · local_cells() + i]).
  std::vector<double> weight;
  std::vector<double> values;
  int ntargets = 0;
  // For reports and the model's provenance (global).
  long long n = 0, n_positive = 0;
  double wsum = 0.0;
  int local_rings = 0, total_rings = 0;

  // Local: coef ((lmax+1)², overwritten) = Σ over this rank's cells of map_i · Y(x_i).
  void adjoint(const double* map, double* coef) const;
  // Local: map (local cells, overwritten) = Σ coef · Y at this rank's cells.
  void synthesis(const double* coef, double* map) const;

  // Gathering (below) fills these.
  struct Ring {
    long long begin = 0;  // first ring-order cell of the ring
    long long nphi = 0;
    double theta = 0, phi0 = 0;
    std::size_t offset = 0;  // first local cell
  };
  std::vector<Ring> rings;  // this rank's rings with rows, ascending
  // Local cell index of ring-order cell `cell` on this rank, or -1 when none of its rings has it.
  long long local_cell(long long cell) const;
  void setup_transforms(int lmax, const std::string& kind);

 private:
  int lmax_ = -1;
  std::string kind_;
  void* geom_ = nullptr;  // sharp_geom_info (libsharp's types are anonymous typedefs)
  void* alm_ = nullptr;   // sharp_alm_info
};

// Collective. Reads every block of `src` (which must have a ring_layout(); blocks of at
// most block_rows rows), sends each row to the rank owning its ring and builds `g` with
// transforms up to lmax. with_values: the products w·y (src->ntargets() targets) are kept.
// *why_not is empty on success, else (on every rank) the reason the grid cannot take the
// transform path; `g` is then unusable and `src` has been read to the end.
PetscErrorCode sht_gather(MPI_Comm comm, RowSource& src, int lmax, bool with_values, PetscInt block_rows,
                          ShtGrid* g, std::string* why_not);

// Local: the rank owning each ring of a layout (the distribution above).
std::vector<int> sht_ring_owners(const RingLayout& L, int size);
// Local: the ring of ring-order cell `cell` (-1 when outside the layout).
long long sht_ring_of(const RingLayout& L, long long cell);

// Collective: sum of a local (lmax+1)² coefficient vector over the ranks, in place.
PetscErrorCode sht_allreduce(MPI_Comm comm, std::vector<double>* coef);

}  // namespace specavg
