#include "specavg/parallel/sht_rings.hpp"

#include <libsharp/sharp.h>
#include <libsharp/sharp_almhelpers.h>

#include <algorithm>
#include <climits>
#include <cmath>
#include <complex>
#include <cstdlib>
#include <petscsys.h>

#include "specavg/comm/collective.hpp"
#include "specavg/util/huge_pages.hpp"
#include "specavg/comm/petsc_util.hpp"
#include "specavg/util/dense_linalg.hpp"

extern "C" void omp_set_num_threads(int);  // libgomp, which libsharp is built with

namespace specavg {
namespace {

constexpr double kRingTolerance = 1e-11;  // radians: a row further from its ring position is off-grid

// libsharp's OpenMP threads follow the BLAS thread count (one per rank by default) unless
// OMP_NUM_THREADS says otherwise: ranks already fill the cores.
void set_sharp_threads() {
  if (!std::getenv("OMP_NUM_THREADS")) omp_set_num_threads(std::max(1, blas_threads()));
}

// Owner rank of ring r: the rank whose share of the cells holds the ring's middle.
int ring_owner(const RingLayout& L, std::size_t r, int size) {
  const double total = double(L.ring_begin.back());
  const double mid = double(L.ring_begin[r]) + 0.5 * double(L.nphi[r]);
  return std::min(size - 1, int(double(size) * mid / total));
}

// The cells of this rank's rings [r0, r1) (a contiguous run, ring_owner being monotone),
// filled straight from rows when the layout gives the rings' geometry: weights, w·y per
// target (target-major) and which cells and rings have a row.
struct OwnedCells {
  std::size_t r0 = 0, r1 = 0, ncell = 0;
  long long begin = 0;  // first cell of ring r0
  int k = 0;
  std::vector<double> weight, values;
  std::vector<char> seen, ring_has_row;

  void setup(const RingLayout& L, int rank, int size, int ntargets) {
    r0 = 0;
    while (r0 < L.nrings() && ring_owner(L, r0, size) < rank) ++r0;
    r1 = r0;
    while (r1 < L.nrings() && ring_owner(L, r1, size) == rank) ++r1;
    begin = L.ring_begin[r0];
    ncell = std::size_t(L.ring_begin[r1] - begin);
    k = ntargets;
    weight.reserve(ncell);
    values.reserve(ncell * std::size_t(k));
    prefer_huge_pages(values.data(), values.capacity() * sizeof(double));
    weight.assign(ncell, 0.0);
    values.assign(ncell * std::size_t(k), 0.0);
    seen.assign(ncell, 0);
    ring_has_row.assign(r1 - r0, 0);
  }
  bool owns(std::size_t r) const { return r >= r0 && r < r1; }
  // Row (cell, w, y[0..k)) of ring r; false when the cell already has one.
  bool put(std::size_t r, long long cell, double w, const double* y) {
    const std::size_t c = std::size_t(cell - begin);
    if (seen[c]) return false;
    seen[c] = 1;
    ring_has_row[r - r0] = 1;
    weight[c] = w;
    for (int t = 0; t < k; ++t) values[std::size_t(t) * ncell + c] = w * y[t];
    return true;
  }
};

double wrap_angle(double a) {
  a = std::fmod(a, 2 * M_PI);
  if (a > M_PI) a -= 2 * M_PI;
  if (a < -M_PI) a += 2 * M_PI;
  return a;
}

}  // namespace

namespace {
sharp_geom_info* geom_of(void* p) { return static_cast<sharp_geom_info*>(p); }
sharp_alm_info* alm_of(void* p) { return static_cast<sharp_alm_info*>(p); }
}  // namespace

ShtGrid::~ShtGrid() {
  if (geom_) sharp_destroy_geom_info(geom_of(geom_));
  if (alm_) sharp_destroy_alm_info(alm_of(alm_));
}

void ShtGrid::setup_transforms(int lmax, const std::string& kind) {
  lmax_ = lmax;
  kind_ = kind;
  set_sharp_threads();
  if (alm_) sharp_destroy_alm_info(alm_of(alm_));
  sharp_alm_info* ainfo = nullptr;
  sharp_make_triangular_alm_info(lmax, lmax, 1, &ainfo);
  alm_ = ainfo;
  if (geom_) sharp_destroy_geom_info(geom_of(geom_));
  geom_ = nullptr;
  if (rings.empty()) return;
  const int nr = int(rings.size());
  std::vector<int> nph(nr), stride(nr, 1);
  std::vector<ptrdiff_t> ofs(nr);
  std::vector<double> phi0(nr), theta(nr);
  for (int r = 0; r < nr; ++r) {
    nph[r] = int(rings[r].nphi);
    ofs[r] = ptrdiff_t(rings[r].offset);
    phi0[r] = rings[r].phi0;
    theta[r] = rings[r].theta;
  }
  sharp_geom_info* ginfo = nullptr;
  sharp_make_geom_info(nr, nph.data(), ofs.data(), stride.data(), phi0.data(), theta.data(), nullptr, &ginfo);
  geom_ = ginfo;
}

void ShtGrid::adjoint(const double* map, double* coef) const {
  const std::size_t nc = ncoef();
  std::fill(coef, coef + nc, 0.0);
  if (!geom_) return;
  std::vector<std::complex<double>> alm(std::size_t(sharp_alm_count(alm_of(alm_))));
  void* a = alm.data();
  const void* m = map;
  sharp_execute(SHARP_Yt, 0, &a, const_cast<void**>(&m), geom_of(geom_), alm_of(alm_), SHARP_DP, nullptr, nullptr);
  const double s0 = std::sqrt(4 * M_PI), s1 = std::sqrt(8 * M_PI);
  for (int m = 0; m <= lmax_; ++m) {
    const double sign = (m % 2) ? -s1 : s1;
    for (int l = m; l <= lmax_; ++l) {
      const std::complex<double> z = alm[std::size_t(sharp_alm_index(alm_of(alm_), l, m))];
      const std::size_t c = std::size_t(l) * l + l;
      if (m == 0) {
        coef[c] = s0 * z.real();
      } else {
        coef[c + m] = sign * z.real();
        coef[c - m] = -sign * z.imag();
      }
    }
  }
}

void ShtGrid::synthesis(const double* coef, double* map) const {
  std::fill(map, map + local_cells(), 0.0);
  if (!geom_) return;
  std::vector<std::complex<double>> alm(std::size_t(sharp_alm_count(alm_of(alm_))));
  const double s0 = std::sqrt(4 * M_PI), s1 = std::sqrt(2 * M_PI);
  for (int m = 0; m <= lmax_; ++m) {
    const double sign = (m % 2) ? -s1 : s1;
    for (int l = m; l <= lmax_; ++l) {
      const std::size_t c = std::size_t(l) * l + l;
      alm[std::size_t(sharp_alm_index(alm_of(alm_), l, m))] =
          m == 0 ? std::complex<double>(s0 * coef[c], 0.0) : std::complex<double>(sign * coef[c + m], -sign * coef[c - m]);
    }
  }
  void* a = alm.data();
  void* mp = map;
  sharp_execute(SHARP_Y, 0, &a, &mp, geom_of(geom_), alm_of(alm_), SHARP_DP, nullptr, nullptr);
}

long long ShtGrid::local_cell(long long cell) const {
  auto it = std::upper_bound(rings.begin(), rings.end(), cell, [](long long c, const Ring& r) { return c < r.begin; });
  if (it == rings.begin()) return -1;
  --it;
  return cell - it->begin < it->nphi ? (long long)it->offset + (cell - it->begin) : -1;
}

std::vector<int> sht_ring_owners(const RingLayout& L, int size) {
  std::vector<int> o(L.nrings());
  for (std::size_t r = 0; r < L.nrings(); ++r) o[r] = ring_owner(L, r, size);
  return o;
}

long long sht_ring_of(const RingLayout& L, long long cell) {
  if (cell < 0 || cell >= L.ring_begin.back()) return -1;
  return (long long)(std::upper_bound(L.ring_begin.begin(), L.ring_begin.end(), cell) - L.ring_begin.begin()) - 1;
}

PetscErrorCode sht_allreduce(MPI_Comm comm, std::vector<double>* coef) {
  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, coef->data(), int(coef->size()), MPI_DOUBLE, MPI_SUM, comm));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode sht_gather(MPI_Comm comm, RowSource& src, int lmax, bool with_values, PetscInt block_rows, ShtGrid* g,
                          std::string* why_not) {
  PetscFunctionBeginUser;
  const RingLayout* layout = src.ring_layout();
  PetscCheck(layout, comm, PETSC_ERR_ARG_WRONG, "sht_gather: the source has no ring layout");
  const RingLayout& L = *layout;
  int size, rank;
  PetscCallMPI(MPI_Comm_size(comm, &size));
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  // Rows travel as (cell, w, x, y, z, values), or (cell, w, values) when the layout gives
  // every ring's geometry (then the source computes no points either).
  const bool geometry = L.points_from_layout && L.theta.size() == L.nrings() && L.phi0.size() == L.nrings();
  const int head = geometry ? 2 : 5;
  const int k = with_values ? src.ntargets() : 0, width = head + k;
  // Rows are packed once into one buffer sized from the source's row count (growing
  // per-owner vectors cost more than the transforms at NSIDE 2048: reallocation copies
  // and first touches of fresh pages), then grouped by owner unless already in order.
  const std::size_t W = std::size_t(width), P = static_cast<std::size_t>(size);
  std::vector<double> packed;
  packed.reserve(std::size_t(std::max<PetscInt>(src.local_count(), 0)) * W);
  prefer_huge_pages(packed.data(), packed.capacity() * sizeof(double));
  std::vector<int> owner;
  owner.reserve(std::size_t(std::max<PetscInt>(src.local_count(), 0)));
  RowBlock b;
  long long counts[2] = {0, 0};  // rows, rows with w > 0
  double wsum = 0;
  std::string local_problem;
  bool ordered = true;
  // With the rings' geometry from the layout, rows of this rank's own rings (all but about
  // one ring per rank boundary for a RING-ordered HEALPix map) go straight into the grid:
  // only the others are packed and exchanged.
  OwnedCells own;
  if (geometry) own.setup(L, rank, size, k);
  bool listed_twice = false;
  for (bool done = false;;) {
    if (geometry) PetscCall(src.next_cells(std::max<PetscInt>(block_rows, 1), &b, &done));
    else PetscCall(src.next_block(std::max<PetscInt>(block_rows, 1), &b, &done));
    if (done) break;
    for (PetscInt i = 0; i < b.count; ++i) {
      const long long cell = std::size_t(i) < b.cells.size() ? b.cells[std::size_t(i)] : -1;
      if (cell < 0 || cell >= L.ring_begin.back()) {
        if (local_problem.empty()) local_problem = "a row has no cell of the grid's rings";
        continue;
      }
      const std::size_t r = std::size_t(std::upper_bound(L.ring_begin.begin(), L.ring_begin.end(), cell) -
                                        L.ring_begin.begin()) - 1;
      const double w = b.weights.empty() ? 1.0 : b.weights[std::size_t(i)];
      ++counts[0];
      counts[1] += w > 0;
      wsum += w;
      if (geometry && own.owns(r)) {
        listed_twice = !own.put(r, cell, w, k ? &b.values[std::size_t(i) * std::size_t(src.ntargets())] : nullptr) ||
                       listed_twice;
        continue;
      }
      const int o = ring_owner(L, r, size);
      ordered = ordered && (owner.empty() || owner.back() <= o);
      owner.push_back(o);
      packed.push_back(double(cell));
      packed.push_back(w);
      if (!geometry) packed.insert(packed.end(), b.points.begin() + 3 * i, b.points.begin() + 3 * i + 3);
      for (int t = 0; t < k; ++t) packed.push_back(b.values[std::size_t(i) * std::size_t(src.ntargets()) + std::size_t(t)]);
    }
  }
  b = RowBlock{};
  // Exchange: every row to its ring's owner.
  std::vector<int> scount(P, 0), sdisp(P + 1, 0), rcount(P), rdisp(P + 1, 0);
  PetscCheck(packed.size() < std::size_t(INT_MAX), PETSC_COMM_SELF, PETSC_ERR_SUP,
             "grid path: %zu values to send from one rank exceed MPI's int counts; run on more ranks", packed.size());
  for (int o : owner) scount[std::size_t(o)] += width;
  for (std::size_t p = 0; p < P; ++p) sdisp[p + 1] = sdisp[p] + scount[p];
  if (!ordered) {  // counting sort by owner (NESTED maps, unsorted sources)
    std::vector<double> sorted;
    sorted.reserve(packed.size());
    prefer_huge_pages(sorted.data(), sorted.capacity() * sizeof(double));
    sorted.resize(packed.size());
    std::vector<int> at(sdisp.begin(), sdisp.end() - 1);
    for (std::size_t i = 0; i < owner.size(); ++i) {
      std::copy_n(&packed[i * W], W, &sorted[std::size_t(at[std::size_t(owner[i])])]);
      at[std::size_t(owner[i])] += width;
    }
    packed.swap(sorted);
  }
  owner = {};
  PetscCallMPI(MPI_Alltoall(scount.data(), 1, MPI_INT, rcount.data(), 1, MPI_INT, comm));
  long long nrecv_values = 0;
  for (std::size_t p = 0; p < P; ++p) nrecv_values += rcount[p];
  PetscCheck(nrecv_values < INT_MAX, PETSC_COMM_SELF, PETSC_ERR_SUP,
             "grid path: %lld values to receive on one rank exceed MPI's int counts; run on more ranks", nrecv_values);
  for (std::size_t p = 0; p < P; ++p) rdisp[p + 1] = rdisp[p] + rcount[p];
  std::vector<double> recv;
  recv.reserve(std::size_t(rdisp[P]));
  prefer_huge_pages(recv.data(), recv.capacity() * sizeof(double));
  recv.resize(std::size_t(rdisp[P]));
  PetscCallMPI(MPI_Alltoallv(packed.data(), scount.data(), sdisp.data(), MPI_DOUBLE, recv.data(), rcount.data(),
                             rdisp.data(), MPI_DOUBLE, comm));
  packed = {};
  if (geometry) {  // the rows received join this rank's own
    for (std::size_t i = 0; i < recv.size() / W; ++i) {
      const double* row = &recv[i * W];
      const long long cell = (long long)row[0];
      const std::size_t r = std::size_t(std::upper_bound(L.ring_begin.begin(), L.ring_begin.end(), cell) -
                                        L.ring_begin.begin()) - 1;
      listed_twice = !own.put(r, cell, row[1], row + head) || listed_twice;
    }
    recv = {};
    if (local_problem.empty() && listed_twice) local_problem = "a cell is listed twice";
    g->rings.clear();
    std::size_t ncell = 0;
    for (std::size_t r = own.r0; r < own.r1; ++r) {
      if (!own.ring_has_row[r - own.r0]) continue;
      ShtGrid::Ring ring;
      ring.begin = L.ring_begin[r];
      ring.nphi = L.nphi[r];
      ring.theta = L.theta[r];
      ring.phi0 = wrap_angle(L.phi0[r]);
      ring.offset = ncell;
      ncell += std::size_t(ring.nphi);
      g->rings.push_back(ring);
    }
    g->ntargets = k;
    if (ncell == own.ncell) {  // every own ring has rows: the cells are the grid's already
      g->weight.swap(own.weight);
      g->values.swap(own.values);
    } else {
      g->weight.assign(ncell, 0.0);
      g->values.assign(ncell * std::size_t(k), 0.0);
      for (const ShtGrid::Ring& ring : g->rings) {
        const std::size_t from = std::size_t(ring.begin - own.begin), n = std::size_t(ring.nphi);
        std::copy_n(&own.weight[from], n, &g->weight[ring.offset]);
        for (int t = 0; t < k; ++t)
          std::copy_n(&own.values[std::size_t(t) * own.ncell + from], n, &g->values[std::size_t(t) * ncell + ring.offset]);
      }
    }
  } else {  // rows with points: theta/phi0 of each ring from its row with the lowest position
    const std::size_t nrecv = recv.size() / std::size_t(width);
    std::vector<long long> ring_of(nrecv);
    std::vector<long long> best(L.nrings(), -1);  // row index with the lowest position per ring
    for (std::size_t i = 0; i < nrecv; ++i) {
      const long long cell = (long long)recv[i * std::size_t(width)];
      const std::size_t r = std::size_t(std::upper_bound(L.ring_begin.begin(), L.ring_begin.end(), cell) -
                                        L.ring_begin.begin()) - 1;
      ring_of[i] = (long long)r;
      if (best[r] < 0 || cell < (long long)recv[std::size_t(best[r]) * std::size_t(width)]) best[r] = (long long)i;
    }
    g->rings.clear();
    std::vector<long long> local_index(L.nrings(), -1);
    std::size_t ncell = 0;
    for (std::size_t r = 0; r < L.nrings(); ++r) {
      if (best[r] < 0) continue;
      ShtGrid::Ring ring;
      ring.begin = L.ring_begin[r];
      ring.nphi = L.nphi[r];
      const double* row = &recv[std::size_t(best[r]) * std::size_t(width)];
      const long long j = (long long)row[0] - ring.begin;
      ring.theta = std::atan2(std::hypot(row[2], row[3]), row[4]);
      ring.phi0 = wrap_angle(std::atan2(row[3], row[2]) - 2 * M_PI * double(j) / double(ring.nphi));
      ring.offset = ncell;
      ncell += std::size_t(ring.nphi);
      local_index[r] = (long long)g->rings.size();
      g->rings.push_back(ring);
    }
    g->ntargets = k;
    g->weight.assign(ncell, 0.0);
    g->values.assign(ncell * std::size_t(k), 0.0);
    std::vector<char> seen(ncell, 0);
    for (std::size_t i = 0; i < nrecv && local_problem.empty(); ++i) {
      const double* row = &recv[i * std::size_t(width)];
      const ShtGrid::Ring& ring = g->rings[std::size_t(local_index[std::size_t(ring_of[i])])];
      const long long j = (long long)row[0] - ring.begin;
      const double theta = L.points_from_layout ? ring.theta : std::atan2(std::hypot(row[2], row[3]), row[4]);
      const double dphi = L.points_from_layout ? 0.0 : wrap_angle(std::atan2(row[3], row[2]) - ring.phi0 -
                                                                  2 * M_PI * double(j) / double(ring.nphi));
      if (std::fabs(theta - ring.theta) > kRingTolerance || std::fabs(dphi) * std::sin(theta) > kRingTolerance) {
        local_problem = "its cells are not on iso-latitude rings with equally spaced longitudes over the full circle "
                        "(a cell lies " + std::to_string(std::max(std::fabs(theta - ring.theta), std::fabs(dphi))) +
                        " rad from its ring position)";
        break;
      }
      const std::size_t c = ring.offset + std::size_t(j);
      if (seen[c]) {
        local_problem = "a cell is listed twice";
        break;
      }
      seen[c] = 1;
      g->weight[c] = row[1];
      for (int t = 0; t < k; ++t) g->values[std::size_t(t) * ncell + c] = row[1] * row[head + t];
    }
  }
  // Agree on the outcome (the first rank's problem wins).
  int bad = local_problem.empty() ? size : rank, first = size;
  PetscCallMPI(MPI_Allreduce(&bad, &first, 1, MPI_INT, MPI_MIN, comm));
  if (first < size) {
    int len = rank == first ? int(local_problem.size()) : 0;
    PetscCallMPI(MPI_Bcast(&len, 1, MPI_INT, first, comm));
    local_problem.resize(std::size_t(len));
    PetscCallMPI(MPI_Bcast(local_problem.data(), len, MPI_CHAR, first, comm));
    *why_not = L.kind + ": " + local_problem;
    g->rings.clear();
    PetscFunctionReturn(PETSC_SUCCESS);
  }
  why_not->clear();
  PetscCallMPI(MPI_Allreduce(counts, &g->n, 1, MPI_LONG_LONG, MPI_SUM, comm));
  PetscCallMPI(MPI_Allreduce(counts + 1, &g->n_positive, 1, MPI_LONG_LONG, MPI_SUM, comm));
  PetscCallMPI(MPI_Allreduce(&wsum, &g->wsum, 1, MPI_DOUBLE, MPI_SUM, comm));
  g->local_rings = int(g->rings.size());
  PetscCallMPI(MPI_Allreduce(&g->local_rings, &g->total_rings, 1, MPI_INT, MPI_SUM, comm));
  g->setup_transforms(lmax, L.kind);
  PetscFunctionReturn(PETSC_SUCCESS);
}

}  // namespace specavg
