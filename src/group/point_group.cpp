#include "specavg/group/point_group.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <sstream>
#include <stdexcept>
#include <unordered_map>

namespace specavg {

Mat3 mat3_identity() {
  return {1, 0, 0, 0, 1, 0, 0, 0, 1};
}

Mat3 mat3_mul(const Mat3& a, const Mat3& b) {
  Mat3 c{};
  for (int i = 0; i < 3; ++i)
    for (int j = 0; j < 3; ++j) c[3 * i + j] = a[3 * i] * b[j] + a[3 * i + 1] * b[3 + j] + a[3 * i + 2] * b[6 + j];
  return c;
}

Mat3 mat3_transpose(const Mat3& a) {
  return {a[0], a[3], a[6], a[1], a[4], a[7], a[2], a[5], a[8]};
}

void mat3_apply(const Mat3& g, const double* x, double* y) {
  const double x0 = x[0], x1 = x[1], x2 = x[2];  // allow y == x
  y[0] = g[0] * x0 + g[1] * x1 + g[2] * x2;
  y[1] = g[3] * x0 + g[4] * x1 + g[5] * x2;
  y[2] = g[6] * x0 + g[7] * x1 + g[8] * x2;
}

Mat3 rotation_about_axis(double ax, double ay, double az, double angle) {
  const double n = std::sqrt(ax * ax + ay * ay + az * az);
  if (!(n > 0) || !std::isfinite(n) || !std::isfinite(angle))
    throw std::invalid_argument("rotation_about_axis: the axis must be a finite non-zero vector");
  ax /= n;
  ay /= n;
  az /= n;
  const double c = std::cos(angle), s = std::sin(angle), t = 1.0 - c;
  // Rodrigues: R = c I + s [a]_x + (1 − c) a aᵀ.
  return {c + t * ax * ax,      t * ax * ay - s * az, t * ax * az + s * ay, t * ay * ax + s * az, c + t * ay * ay,
          t * ay * az - s * ax, t * az * ax - s * ay, t * az * ay + s * ax, c + t * az * az};
}

void validate_generators(const std::vector<Mat3>& gens, const std::string& source, double tol) {
  for (std::size_t j = 0; j < gens.size(); ++j) {
    const Mat3& g = gens[j];
    for (double v : g)
      if (!std::isfinite(v)) {
        std::ostringstream os;
        os << "generator " << j << " from " << source
           << " has a non-finite entry (NaN or Inf): a symmetry of the sphere must be an orthogonal 3×3 matrix";
        throw std::invalid_argument(os.str());
      }
    const Mat3 gtg = mat3_mul(mat3_transpose(g), g);
    const Mat3 id = mat3_identity();
    double err = 0.0;
    for (int i = 0; i < 9; ++i) err = std::max(err, std::fabs(gtg[i] - id[i]));
    if (err > tol) {
      std::ostringstream os;
      os << "generator " << j << " from " << source << " is not orthogonal (max |gᵀg − I| = " << err
         << "): a symmetry of the sphere must be an orthogonal 3×3 matrix";
      throw std::invalid_argument(os.str());
    }
  }
}

namespace {

constexpr double kGrid = 1e-8;

using Key = std::array<std::int64_t, 9>;

struct KeyHash {
  std::size_t operator()(const Key& k) const {
    std::uint64_t h = 0x9E3779B97F4A7C15ULL;
    for (std::int64_t v : k) {
      h ^= std::uint64_t(v) + 0x9E3779B97F4A7C15ULL + (h << 6) + (h >> 2);
    }
    return std::size_t(h);
  }
};

bool close(const Mat3& a, const Mat3& b) {
  for (int i = 0; i < 9; ++i)
    if (!(std::fabs(a[i] - b[i]) <= kGrid)) return false;
  return true;
}

// Group elements are looked up by their entries rounded to the 1e-8 grid. An entry
// lying near a cell boundary may round either way in another product, so the lookup
// also tries the neighbouring cell for such entries (rarely more than none).
class ElementSet {
 public:
  // Index of an element equal (to 1e-8) to g, or -1.
  long find(const Mat3& g) const {
    Key key;
    int amb[9], na = 0;
    std::int64_t alt[9];
    for (int i = 0; i < 9; ++i) {
      const double s = g[i] / kGrid;
      key[i] = std::int64_t(std::llround(s));
      const double frac = s - std::floor(s);
      if (std::fabs(frac - 0.5) < 0.05) {
        amb[na] = i;
        alt[na] = (double(key[i]) > s) ? key[i] - 1 : key[i] + 1;
        ++na;
      }
    }
    na = std::min(na, 6);  // bounded search; more ambiguous entries do not occur in practice
    for (int mask = 0; mask < (1 << na); ++mask) {
      Key k = key;
      for (int b = 0; b < na; ++b)
        if (mask & (1 << b)) k[amb[b]] = alt[b];
      auto it = map_.find(k);
      if (it == map_.end()) continue;
      for (long idx : it->second)
        if (close(elems_[idx], g)) return idx;
    }
    return -1;
  }
  void insert(const Mat3& g) {
    Key key;
    for (int i = 0; i < 9; ++i) key[i] = std::int64_t(std::llround(g[i] / kGrid));
    map_[key].push_back(long(elems_.size()));
    elems_.push_back(g);
  }
  std::size_t size() const { return elems_.size(); }
  const Mat3& operator[](std::size_t i) const { return elems_[i]; }
  std::vector<Mat3> take() { return std::move(elems_); }

 private:
  std::vector<Mat3> elems_;
  std::unordered_map<Key, std::vector<long>, KeyHash> map_;
};

}  // namespace

std::optional<std::vector<Mat3>> enumerate_group(const std::vector<Mat3>& gens, std::size_t cap) {
  for (const Mat3& g : gens)
    for (double v : g)
      if (!std::isfinite(v)) return std::nullopt;  // cannot close; never loops forever
  ElementSet set;
  set.insert(mat3_identity());
  if (set.size() > cap) return std::nullopt;
  // Breadth first: every element is a word in the generators (a finite group contains
  // the inverses as powers), so left multiplication by generators reaches all of G.
  for (std::size_t head = 0; head < set.size(); ++head) {
    const Mat3 e = set[head];
    for (const Mat3& g : gens) {
      const Mat3 h = mat3_mul(g, e);
      // Entries of an orthogonal matrix lie in [−1, 1]; growth means the generators
      // are not orthogonal and generate an infinite set.
      for (double v : h)
        if (!(std::fabs(v) <= 1.5)) return std::nullopt;
      if (set.find(h) >= 0) continue;
      set.insert(h);
      if (set.size() > cap) return std::nullopt;
    }
  }
  return set.take();
}

Isometry isometry_from_mat3(const Mat3& g) {
  Isometry r;
  r.dim = 3;
  r.P.assign(g.begin(), g.end());
  r.t.assign(3, 0.0);
  return r;
}

}  // namespace specavg
