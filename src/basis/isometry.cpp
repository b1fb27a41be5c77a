// Isometries x → P x + t in d dimensions: algebra, validation and (small) enumeration.
#include "specavg/basis/isometry.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <sstream>
#include <stdexcept>
#include <unordered_map>

namespace specavg {
namespace {

// Shifts may be stored empty (meaning 0); every function here accepts that.
double shift(const Isometry& g, int i) {
  return g.t.empty() ? 0.0 : g.t[std::size_t(i)];
}

void check_shape(const Isometry& g, const char* what) {
  const std::size_t d = std::size_t(std::max(g.dim, 0));
  if (g.dim < 0 || g.P.size() != d * d || (!g.t.empty() && g.t.size() != d)) {
    std::ostringstream os;
    os << what << ": malformed isometry (dim " << g.dim << ", P has " << g.P.size() << " entries, t has " << g.t.size()
       << "; expected dim ≥ 0, dim² and dim or 0)";
    throw std::invalid_argument(os.str());
  }
}

}  // namespace

Isometry isometry_identity(int dim) {
  if (dim < 0) throw std::invalid_argument("isometry_identity: the dimension must be ≥ 0");
  Isometry g;
  g.dim = dim;
  g.P.assign(std::size_t(dim) * std::size_t(dim), 0.0);
  for (int i = 0; i < dim; ++i) g.P[std::size_t(i) * std::size_t(dim) + std::size_t(i)] = 1.0;
  g.t.assign(std::size_t(dim), 0.0);
  return g;
}

Isometry isometry_compose(const Isometry& a, const Isometry& b) {
  check_shape(a, "isometry_compose");
  check_shape(b, "isometry_compose");
  if (a.dim != b.dim) throw std::invalid_argument("isometry_compose: the isometries have different dimensions");
  const std::size_t d = std::size_t(a.dim);
  Isometry c;
  c.dim = a.dim;
  c.P.assign(d * d, 0.0);
  c.t.assign(d, 0.0);
  for (std::size_t i = 0; i < d; ++i) {
    double ti = shift(a, int(i));
    for (std::size_t k = 0; k < d; ++k) {
      const double aik = a.P[i * d + k];
      if (aik == 0.0) continue;  // signed permutations are mostly zeros
      for (std::size_t j = 0; j < d; ++j) c.P[i * d + j] += aik * b.P[k * d + j];
      ti += aik * shift(b, int(k));
    }
    c.t[i] = ti;
  }
  return c;
}

Isometry isometry_inverse(const Isometry& g) {
  check_shape(g, "isometry_inverse");
  const std::size_t d = std::size_t(g.dim);
  Isometry r;
  r.dim = g.dim;
  r.P.assign(d * d, 0.0);
  r.t.assign(d, 0.0);
  for (std::size_t i = 0; i < d; ++i)
    for (std::size_t j = 0; j < d; ++j) r.P[i * d + j] = g.P[j * d + i];
  for (std::size_t i = 0; i < d; ++i) {
    double s = 0.0;
    for (std::size_t k = 0; k < d; ++k) s += r.P[i * d + k] * shift(g, int(k));
    r.t[i] = -s;
  }
  return r;
}

void isometry_apply(const Isometry& g, const double* x, double* y) {
  const std::size_t d = std::size_t(g.dim);
  double small[16];
  std::vector<double> big;
  double* xc = small;
  if (d > 16) {
    big.resize(d);
    xc = big.data();
  }
  std::copy(x, x + d, xc);  // y may alias x
  for (std::size_t i = 0; i < d; ++i) {
    double s = shift(g, int(i));
    for (std::size_t j = 0; j < d; ++j) s += g.P[i * d + j] * xc[j];
    y[i] = s;
  }
}

double wrap_periodic(double v, double period) {
  // fmod is exact, and so are the corrections (Sterbenz), so large |v| loses nothing.
  const double half = 0.5 * period;
  double r = std::fmod(v, period);  // in (−period, period), sign of v
  if (r >= half) r -= period;
  if (r < -half) r += period;
  return r;  // NaN for non-finite v
}

namespace {

// Shape, common dimension and finiteness, shared by both validators.
std::string expected_form(bool sphere, int d) {
  std::ostringstream os;
  if (sphere)
    os << "a symmetry of the sphere must be an orthogonal " << d << "×" << d << " matrix";
  else
    os << "a symmetry of the torus must be x → P x + t with P a signed permutation matrix";
  return os.str();
}

void validate_common(const std::vector<Isometry>& gens, const std::string& source, bool sphere) {
  for (std::size_t j = 0; j < gens.size(); ++j) {
    const Isometry& g = gens[j];
    const std::size_t d = std::size_t(std::max(g.dim, 0));
    std::ostringstream os;
    os << "generator " << j << " from " << source << " ";
    if (g.dim < 1 || g.dim != gens[0].dim) {
      os << "has dimension " << g.dim;
      if (g.dim < 1) os << ": a symmetry of the " << (sphere ? "sphere" : "torus") << " needs dimension ≥ 1";
      if (g.dim >= 1)
        os << " but generator 0 has " << gens[0].dim << ": all generators must act on the same coordinates";
      throw std::invalid_argument(os.str());
    }
    if (g.P.size() != d * d || (!g.t.empty() && g.t.size() != d)) {
      os << "is malformed (P has " << g.P.size() << " entries, t has " << g.t.size() << "; expected " << d * d
         << " and " << d << "): " << expected_form(sphere, g.dim);
      throw std::invalid_argument(os.str());
    }
    bool finite = true;
    for (double v : g.P) finite = finite && std::isfinite(v);
    for (double v : g.t) finite = finite && std::isfinite(v);
    if (!finite) {
      os << "has a non-finite entry (NaN or Inf): " << expected_form(sphere, g.dim);
      throw std::invalid_argument(os.str());
    }
  }
}

}  // namespace

void validate_sphere_isometries(const std::vector<Isometry>& gens, const std::string& source, double tol) {
  validate_common(gens, source, true);
  for (std::size_t j = 0; j < gens.size(); ++j) {
    const Isometry& g = gens[j];
    const std::size_t d = std::size_t(g.dim);
    for (double v : g.t)
      if (v != 0.0) {
        std::ostringstream os;
        os << "generator " << j << " from " << source << " has a non-zero shift t = " << v
           << ": shifts only make sense on the torus; a symmetry of the sphere is x → P x with P orthogonal";
        throw std::invalid_argument(os.str());
      }
    double err = 0.0;
    for (std::size_t a = 0; a < d; ++a)
      for (std::size_t b = 0; b < d; ++b) {
        double s = 0.0;
        for (std::size_t k = 0; k < d; ++k) s += g.P[k * d + a] * g.P[k * d + b];
        err = std::max(err, std::fabs(s - (a == b ? 1.0 : 0.0)));
      }
    if (err > tol) {
      std::ostringstream os;
      os << "generator " << j << " from " << source << " is not orthogonal (max|PᵀP − I| = " << err
         << "): " << expected_form(true, g.dim);
      throw std::invalid_argument(os.str());
    }
  }
}

void validate_torus_isometries(const std::vector<Isometry>& gens, const std::string& source, double tol) {
  validate_common(gens, source, false);
  for (std::size_t j = 0; j < gens.size(); ++j) {
    const Isometry& g = gens[j];
    const std::size_t d = std::size_t(g.dim);
    std::vector<int> per_row(d, 0), per_col(d, 0);
    for (std::size_t a = 0; a < d; ++a)
      for (std::size_t b = 0; b < d; ++b) {
        const double v = g.P[a * d + b];
        if (std::fabs(v) <= tol) continue;
        if (std::fabs(std::fabs(v) - 1.0) > tol) {
          std::ostringstream os;
          os << "generator " << j << " from " << source << " has P[" << a << "][" << b << "] = " << v << ": "
             << expected_form(false, g.dim) << " (entries 0 or ±1)";
          throw std::invalid_argument(os.str());
        }
        ++per_row[a];
        ++per_col[b];
      }
    for (std::size_t a = 0; a < d; ++a)
      if (per_row[a] != 1 || per_col[a] != 1) {
        const bool row = per_row[a] != 1;
        std::ostringstream os;
        os << "generator " << j << " from " << source << " has " << (row ? per_row[a] : per_col[a])
           << " non-zero entries in " << (row ? "row " : "column ") << a << ": " << expected_form(false, g.dim)
           << " (exactly one ±1 per row and column)";
        throw std::invalid_argument(os.str());
      }
  }
}

namespace {

constexpr double kTol = 1e-8;   // entrywise equality of group elements
constexpr double kCell = 1e-6;  // hash cell; ≫ kTol so at most one cell boundary is near
constexpr double kMargin = 2e-8;

using Key = std::vector<std::int64_t>;

struct KeyHash {
  std::size_t operator()(const Key& k) const {
    std::uint64_t h = 0x9E3779B97F4A7C15ULL;
    for (std::int64_t v : k) h ^= std::uint64_t(v) + 0x9E3779B97F4A7C15ULL + (h << 6) + (h >> 2);
    return std::size_t(h);
  }
};

// Elements are hashed by their entries rounded to kCell (shifts modulo the period, if any).
// Two elements within kTol of each other share the cell of every entry, except where an
// entry lies within kMargin of a cell boundary; lookups also try the neighbouring cell
// there, so the search is exact, not heuristic.
class ElementSet {
 public:
  ElementSet(int dim, double period)
      : d_(std::size_t(dim)), period_(period), period_cells_(std::int64_t(std::llround(period / kCell))) {}

  bool contains(const Isometry& g) const {
    Key key;
    std::vector<std::size_t> amb;
    std::vector<std::int64_t> alt;
    make_key(g, key, &amb, &alt);
    if (amb.size() > 10) {  // rare: fall back to a linear scan
      for (const Isometry& e : elems_)
        if (close(e, g)) return true;
      return false;
    }
    for (std::size_t mask = 0; mask < (std::size_t(1) << amb.size()); ++mask) {
      Key k = key;
      for (std::size_t b = 0; b < amb.size(); ++b)
        if (mask & (std::size_t(1) << b)) k[amb[b]] = alt[b];
      auto it = map_.find(k);
      if (it == map_.end()) continue;
      for (std::size_t idx : it->second)
        if (close(elems_[idx], g)) return true;
    }
    return false;
  }
  void insert(Isometry g) {
    Key key;
    make_key(g, key, nullptr, nullptr);
    map_[key].push_back(elems_.size());
    elems_.push_back(std::move(g));
  }
  std::size_t size() const { return elems_.size(); }
  const Isometry& operator[](std::size_t i) const { return elems_[i]; }
  std::vector<Isometry> take() { return std::move(elems_); }

 private:
  bool close(const Isometry& a, const Isometry& b) const {
    for (std::size_t i = 0; i < d_ * d_; ++i)
      if (!(std::fabs(a.P[i] - b.P[i]) <= kTol)) return false;
    for (std::size_t i = 0; i < d_; ++i) {
      const double diff = a.t[i] - b.t[i];
      // Wrapping maps a difference of ≈ ±period to ≈ 0, so −1 and 1 − ε match on the torus.
      if (!(std::fabs(period_ > 0 ? wrap_periodic(diff, period_) : diff) <= kTol)) return false;
    }
    return true;
  }
  void make_key(const Isometry& g, Key& key, std::vector<std::size_t>* amb, std::vector<std::int64_t>* alt) const {
    key.resize(d_ * d_ + d_);
    for (std::size_t i = 0; i < key.size(); ++i) {
      const bool periodic = period_ > 0 && i >= d_ * d_;
      const double v = i < d_ * d_ ? g.P[i] : g.t[i - d_ * d_];
      const double s = v / kCell;
      const std::int64_t k = std::int64_t(std::llround(s));
      key[i] = periodic ? wrap_cell(k) : k;
      if (amb && std::fabs(std::fabs(s - std::floor(s)) - 0.5) * kCell < kMargin) {
        amb->push_back(i);
        const std::int64_t other = (double(k) > s) ? k - 1 : k + 1;
        alt->push_back(periodic ? wrap_cell(other) : other);
      }
    }
  }
  std::int64_t wrap_cell(std::int64_t k) const { return ((k % period_cells_) + period_cells_) % period_cells_; }

  std::size_t d_;
  double period_;
  std::int64_t period_cells_;
  std::vector<Isometry> elems_;
  std::unordered_map<Key, std::vector<std::size_t>, KeyHash> map_;
};

}  // namespace

std::optional<std::vector<Isometry>> enumerate_isometries(const std::vector<Isometry>& gens, std::size_t cap,
                                                          double period) {
  const int dim = gens.empty() ? 0 : gens[0].dim;
  for (const Isometry& g : gens) {
    check_shape(g, "enumerate_isometries");
    if (g.dim != dim) throw std::invalid_argument("enumerate_isometries: the generators have different dimensions");
    for (double v : g.P)
      if (!std::isfinite(v)) return std::nullopt;  // cannot close; never loops forever
    for (double v : g.t)
      if (!std::isfinite(v)) return std::nullopt;
  }
  ElementSet set(dim, period);
  set.insert(isometry_identity(dim));
  if (set.size() > cap) return std::nullopt;
  // Breadth first: in a finite group inverses are powers, so left multiplication by the
  // generators reaches every element.
  for (std::size_t head = 0; head < set.size(); ++head) {
    for (const Isometry& g : gens) {
      Isometry h = isometry_compose(g, set[head]);
      // Entries of orthogonal matrices lie in [−1, 1]; growth means an infinite set.
      for (double v : h.P)
        if (!(std::fabs(v) <= 1.5)) return std::nullopt;
      for (double& v : h.t) {
        if (period > 0) v = wrap_periodic(v, period);
        if (!std::isfinite(v)) return std::nullopt;
      }
      if (set.contains(h)) continue;
      set.insert(std::move(h));
      if (set.size() > cap) return std::nullopt;
    }
  }
  return set.take();
}

}  // namespace specavg
