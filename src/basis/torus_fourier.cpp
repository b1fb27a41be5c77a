#include "specavg/basis/torus_fourier.hpp"

#include <algorithm>
#include <climits>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>
#include <utility>

namespace specavg {
namespace {
constexpr std::size_t kBlock = 512;  // points per block: trig tables and partial products stay in cache
constexpr double kPi = 3.14159265358979323846;
constexpr double kSqrt2 = 1.41421356237309504880;
constexpr double kDropTol = 1e-15;  // |cos/sin(π κ t)| below this is an exact zero (t a multiple of 1/2)
constexpr double kPermTol = 1e-9;   // same tolerance as validate_torus_isometries

int isqrt(int n) {
  int r = int(std::sqrt(double(n)));
  while (r > 0 && r * r > n) --r;
  while ((r + 1) * (r + 1) <= n) ++r;
  return r;
}

// Calls emit(k) for every κ ∈ N^d with |κ|² = rest over coordinates i.., in lexicographic order.
template <class F>
void for_each_kappa(std::vector<int>& k, int i, int rest, F& emit) {
  const int d = int(k.size());
  if (i == d - 1) {
    const int r = isqrt(rest);
    if (r * r == rest) {
      k[i] = r;
      emit(k);
    }
  } else {
    for (int v = 0; v * v <= rest; ++v) {
      k[i] = v;
      for_each_kappa(k, i + 1, rest - v * v, emit);
    }
  }
  k[i] = 0;
}

// o = a · b over n points (vectorizable).
inline void mul(const double* a, const double* b, double* o, std::size_t n) {
  for (std::size_t p = 0; p < n; ++p) o[p] = a[p] * b[p];
}

// tab[((i·J + j−1)·2 + trig)·kBlock + p] = √2 (cos | sin)(π j x_i) for the points
// i0..i0+nb−1 of the block, j = 1..J.
void fill_trig_table(const double* x, std::size_t d, std::size_t J, std::size_t i0, std::size_t nb, double* tab) {
  const std::size_t B = kBlock;
  for (std::size_t i = 0; i < d && J > 0; ++i) {
    double* c1 = &tab[(i * J * 2) * B];
    double* s1 = c1 + B;
    for (std::size_t p = 0; p < nb; ++p) {
      double v = x[(i0 + p) * d + i];
      if (std::abs(v) > 1.0) v -= 2.0 * std::round(0.5 * v);  // exact reduction to [−1, 1]
      c1[p] = std::cos(kPi * v);
      s1[p] = std::sin(kPi * v);
    }
    // Angle addition (a rotation: error grows ~ j·eps), scaled by √2 afterwards.
    for (std::size_t j = 2; j <= J; ++j) {
      const double* cp = &tab[((i * J + j - 2) * 2) * B];
      const double* sp = cp + B;
      double* cj = &tab[((i * J + j - 1) * 2) * B];
      double* sj = cj + B;
      for (std::size_t p = 0; p < nb; ++p) {
        cj[p] = cp[p] * c1[p] - sp[p] * s1[p];
        sj[p] = sp[p] * c1[p] + cp[p] * s1[p];
      }
    }
    for (std::size_t q = 0; q < 2 * J; ++q)
      for (std::size_t p = 0; p < nb; ++p) tab[(i * J * 2 + q) * B + p] *= kSqrt2;
  }
}
}  // namespace

std::size_t torus_multiplicity(int dim, int n) {
  if (dim < 1) throw std::invalid_argument("torus_multiplicity: dimension must be >= 1, got " + std::to_string(dim));
  if (n < 0)
    throw std::invalid_argument("torus_multiplicity: shell index n = |k|^2 must be >= 0, got " + std::to_string(n));
  // cnt[s] = #{κ ∈ Z^c : |κ|² = s} after c coordinates; each k ≠ 0 counts twice (±k).
  const std::uint64_t kMax = std::numeric_limits<std::uint64_t>::max();
  std::vector<std::uint64_t> cnt(std::size_t(n) + 1, 0), next(cnt.size());
  cnt[0] = 1;
  for (int c = 0; c < dim; ++c) {
    for (int s = 0; s <= n; ++s) {
      std::uint64_t acc = cnt[s];
      for (int k = 1; k * k <= s; ++k) {
        const std::uint64_t v = cnt[s - k * k];
        if (v > (kMax - acc) / 2)
          throw std::invalid_argument("torus_multiplicity: count for d = " + std::to_string(dim) +
                                      ", n = " + std::to_string(n) + " exceeds 64 bits");
        acc += 2 * v;
      }
      next[s] = acc;
    }
    cnt.swap(next);
  }
  return std::size_t(cnt[n]);
}

TorusShell::TorusShell(int dim, int n) : dim_(dim), n_(n) {
  if (dim < 1 || dim > 64)
    throw std::invalid_argument("TorusShell: dimension must be in [1, 64], got " + std::to_string(dim));
  if (n < 0) throw std::invalid_argument("TorusShell: shell index n = |k|^2 must be >= 0, got " + std::to_string(n));
  const std::size_t m = torus_multiplicity(dim, n);
  // SparseRows indexes with int; a shell this large could not be stored anyway.
  if (m > std::size_t(INT_MAX))
    throw std::invalid_argument("TorusShell: shell n = " + std::to_string(n) + " of T^" + std::to_string(dim) +
                                " has " + std::to_string(m) + " functions, more than an eigenspace may hold (2^31-1)");
  jmax_ = isqrt(n);
  modes_.reserve(m);
  nz_ptr_.push_back(0);
  std::vector<int> kappa(dim, 0), nz;
  auto emit = [&](const std::vector<int>& k) {
    nz.clear();
    for (int i = 0; i < dim; ++i)
      if (k[i] > 0) {
        nz.push_back(i);
        nz_coord_.push_back(i);
        nz_freq_.push_back(k[i]);
      }
    nz_ptr_.push_back(nz_coord_.size());
    group_first_.push_back(modes_.size());
    // Compact subset c → mask is increasing (nz ascending), so c ascending = mask ascending.
    for (std::uint64_t c = 0; c < (std::uint64_t(1) << nz.size()); ++c) {
      TorusMode mode{k, 0};
      for (std::size_t l = 0; l < nz.size(); ++l)
        if ((c >> l) & 1) mode.sine_mask |= std::uint64_t(1) << nz[l];
      modes_.push_back(std::move(mode));
    }
  };
  for_each_kappa(kappa, 0, n, emit);
  group_first_.push_back(modes_.size());
  if (modes_.size() != m) throw std::logic_error("TorusShell: enumeration does not match the multiplicity");
}

double TorusShell::lambda() const {
  return kPi * kPi * double(n_);
}

void TorusShell::evaluate(const double* x, std::size_t npts, double* out, std::size_t ld) const {
  if (ld < npts)
    throw std::invalid_argument("TorusShell::evaluate: leading dimension ld = " + std::to_string(ld) +
                                " is smaller than the number of points " + std::to_string(npts));
  if (npts == 0) return;
  const std::size_t d = std::size_t(dim_), J = std::size_t(jmax_), B = kBlock;
  // tab[((i·J + j−1)·2 + trig)·B + p] = √2 (cos | sin)(π j x_i) for point p of the block.
  std::vector<double> tab(std::max<std::size_t>(1, d * J * 2 * B));
  // part[l·B ..] = product of the factors of levels l..k−1 (shared by consecutive masks).
  std::size_t kmax = 0;
  for (std::size_t g = 0; g + 1 < group_first_.size(); ++g) kmax = std::max(kmax, nz_ptr_[g + 1] - nz_ptr_[g]);
  std::vector<double> part(std::max<std::size_t>(1, kmax) * B);
  const double* lev[65];
  const double* row[64][2];

  for (std::size_t i0 = 0; i0 < npts; i0 += B) {
    const std::size_t nb = std::min(B, npts - i0);
    fill_trig_table(x, d, J, i0, nb, tab.data());

    for (std::size_t g = 0; g + 1 < group_first_.size(); ++g) {
      const std::size_t k = nz_ptr_[g + 1] - nz_ptr_[g];
      double* o0 = out + group_first_[g] * ld + i0;
      if (k == 0) {
        std::fill(o0, o0 + nb, 1.0);
        continue;
      }
      for (std::size_t l = 0; l < k; ++l) {
        const std::size_t base = std::size_t(nz_coord_[nz_ptr_[g] + l]) * J + std::size_t(nz_freq_[nz_ptr_[g] + l]) - 1;
        row[l][0] = &tab[(base * 2) * B];
        row[l][1] = row[l][0] + B;
      }
      // Mask c ascending: when c increments, levels above its lowest set bit keep their product.
      for (std::uint64_t c = 0; c < (std::uint64_t(1) << k); ++c) {
        std::size_t top = k - 1;
        if (c != 0) {
          top = 0;
          while (!((c >> top) & 1)) ++top;
        }
        for (std::size_t l = std::min(top, k - 1); l >= 1; --l) {
          const double* f = row[l][(c >> l) & 1];
          if (l == k - 1) {
            lev[l] = f;
          } else {
            mul(f, lev[l + 1], &part[l * B], nb);
            lev[l] = &part[l * B];
          }
        }
        double* o = o0 + c * ld;
        const double* f0 = row[0][c & 1];
        if (k == 1)
          std::copy(f0, f0 + nb, o);
        else
          mul(f0, lev[1], o, nb);
      }
    }
  }
}

void TorusShell::evaluate_modes(const std::vector<int>& modes, const double* x, std::size_t npts, double* out,
                                std::size_t ld) const {
  if (ld < npts) throw std::invalid_argument("TorusShell::evaluate_modes: leading dimension smaller than npts");
  for (int a : modes)
    if (a < 0 || std::size_t(a) >= modes_.size())
      throw std::invalid_argument("TorusShell::evaluate_modes: mode index out of range");
  if (npts == 0 || modes.empty()) return;
  const std::size_t d = std::size_t(dim_), J = std::size_t(jmax_), B = kBlock;
  std::vector<double> tab(std::max<std::size_t>(1, d * J * 2 * B));
  for (std::size_t i0 = 0; i0 < npts; i0 += B) {
    const std::size_t nb = std::min(B, npts - i0);
    fill_trig_table(x, d, J, i0, nb, tab.data());
    for (std::size_t r = 0; r < modes.size(); ++r) {
      const TorusMode& md = modes_[std::size_t(modes[r])];
      double* o = out + r * ld + i0;
      bool first = true;
      for (std::size_t i = 0; i < d; ++i) {
        if (md.kappa[i] == 0) continue;
        const double* f = &tab[((i * J + std::size_t(md.kappa[i]) - 1) * 2 + ((md.sine_mask >> i) & 1)) * B];
        if (first)
          std::copy(f, f + nb, o);
        else
          for (std::size_t p = 0; p < nb; ++p) o[p] *= f[p];
        first = false;
      }
      if (first) std::fill(o, o + nb, 1.0);
    }
  }
}

std::size_t TorusShell::find_group(const std::vector<int>& kappa) const {
  std::size_t lo = 0, hi = group_first_.size() - 1;  // groups are sorted lexicographically by κ
  while (lo < hi) {
    const std::size_t mid = (lo + hi) / 2;
    if (modes_[group_first_[mid]].kappa < kappa)
      lo = mid + 1;
    else
      hi = mid;
  }
  if (lo + 1 >= group_first_.size() || modes_[group_first_[lo]].kappa != kappa)
    throw std::logic_error("TorusShell::action: permuted frequency vector not found in the shell");
  return lo;
}

SparseRows TorusShell::action(const Isometry& g) const {
  const int d = dim_;
  const std::string who = "TorusShell::action: ";
  if (g.dim != d)
    throw std::invalid_argument(who + "the isometry acts on " + std::to_string(g.dim) +
                                " coordinates but the torus has dimension " + std::to_string(d));
  if (g.P.size() != std::size_t(d) * d || !(g.t.empty() || g.t.size() == std::size_t(d)))
    throw std::invalid_argument(who + "the isometry of dimension " + std::to_string(d) + " needs " +
                                std::to_string(d * d) + " entries in P and " + std::to_string(d) + " in t, got " +
                                std::to_string(g.P.size()) + " and " + std::to_string(g.t.size()));
  // P must be a signed permutation: (g x)_i = s_i x_{π(i)} + t_i.
  std::vector<int> perm(d, -1), sign(d, 1);
  std::vector<char> used(d, 0);
  for (int i = 0; i < d; ++i) {
    for (int j = 0; j < d; ++j) {
      const double v = g.P[std::size_t(i) * d + j];
      const std::string at = "P[" + std::to_string(i) + "][" + std::to_string(j) + "]";
      if (!std::isfinite(v)) throw std::invalid_argument(who + at + " is not finite");
      if (std::abs(v) <= kPermTol) continue;
      if (std::abs(std::abs(v) - 1.0) > kPermTol)
        throw std::invalid_argument(who + at + " = " + std::to_string(v) +
                                    " is neither 0 nor +-1; torus isometries need a signed permutation matrix");
      if (perm[i] >= 0 || used[j])
        throw std::invalid_argument(who + at +
                                    ": more than one non-zero in its row or column; torus isometries "
                                    "need a signed permutation matrix");
      perm[i] = j;
      sign[i] = v > 0 ? 1 : -1;
      used[j] = 1;
    }
    if (perm[i] < 0)
      throw std::invalid_argument(who + "row " + std::to_string(i) +
                                  " of P is zero; torus isometries need a signed "
                                  "permutation matrix");
  }
  for (std::size_t i = 0; i < g.t.size(); ++i)
    if (!std::isfinite(g.t[i])) throw std::invalid_argument(who + "shift t[" + std::to_string(i) + "] is not finite");

  SparseRows D;
  D.m = int(modes_.size());
  D.rowptr.reserve(modes_.size() + 1);
  D.rowptr.push_back(0);
  std::vector<int> kp(d);
  std::vector<std::pair<int, double>> entries;
  for (std::size_t grp = 0; grp + 1 < group_first_.size(); ++grp) {
    const std::size_t k = nz_ptr_[grp + 1] - nz_ptr_[grp];
    // data() + offset, not &v[offset]: the λ = 0 shell has no non-zero frequency at all,
    // and indexing an empty vector is undefined even when nothing is read.
    const int* coord = nz_coord_.data() + nz_ptr_[grp];
    const int* freq = nz_freq_.data() + nz_ptr_[grp];
    std::fill(kp.begin(), kp.end(), 0);
    for (std::size_t l = 0; l < k; ++l) kp[perm[coord[l]]] = freq[l];
    const std::size_t target_first = group_first_[find_group(kp)];
    // Factor l (coordinate coord[l]) lands on target coordinate perm[coord[l]], at compact bit tpos[l].
    int tpos[64];
    for (std::size_t l = 0; l < k; ++l) {
      tpos[l] = 0;
      for (std::size_t l2 = 0; l2 < k; ++l2) tpos[l] += perm[coord[l2]] < perm[coord[l]];
    }
    // coef[l][source trig][target trig]: cos(s a + θ) = cosθ cos a − s sinθ sin a,
    //                                    sin(s a + θ) = sinθ cos a + s cosθ sin a.
    double coef[64][2][2];
    for (std::size_t l = 0; l < k; ++l) {
      const int i = coord[l];
      const double th = g.t.empty() ? 0.0 : std::remainder(double(freq[l]) * g.t[i], 2.0);
      double ct = std::cos(kPi * th), st = std::sin(kPi * th);
      if (std::abs(ct) < kDropTol) ct = 0.0;
      if (std::abs(st) < kDropTol) st = 0.0;
      coef[l][0][0] = ct;
      coef[l][0][1] = -sign[i] * st;
      coef[l][1][0] = st;
      coef[l][1][1] = sign[i] * ct;
    }
    for (std::uint64_t c = 0; c < (std::uint64_t(1) << k); ++c) {
      // Enumerate only target trig choices with non-zero factors (odometer over the levels).
      int opt[64][2], nopt[64];
      for (std::size_t l = 0; l < k; ++l) {
        const int src = int((c >> l) & 1);
        nopt[l] = 0;
        for (int b = 0; b < 2; ++b)
          if (coef[l][src][b] != 0.0) opt[l][nopt[l]++] = b;
      }
      entries.clear();
      int pick[64] = {0};
      while (true) {
        double v = 1.0;
        std::uint64_t tc = 0;
        for (std::size_t l = 0; l < k; ++l) {
          const int b = opt[l][pick[l]];
          v *= coef[l][(c >> l) & 1][b];
          tc |= std::uint64_t(b) << tpos[l];
        }
        entries.emplace_back(int(target_first + tc), v);
        std::size_t l = 0;
        while (l < k && ++pick[l] == nopt[l]) pick[l++] = 0;
        if (l == k) break;
      }
      std::sort(entries.begin(), entries.end());
      for (const auto& e : entries) {
        D.col.push_back(e.first);
        D.val.push_back(e.second);
      }
      if (D.col.size() > std::size_t(INT_MAX))
        throw std::invalid_argument(who + "the matrix has more than 2^31-1 non-zeros; use a smaller shell");
      D.rowptr.push_back(int(D.col.size()));
    }
  }
  return D;
}

}  // namespace specavg
