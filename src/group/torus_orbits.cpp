#include "specavg/group/torus_orbits.hpp"

#include <algorithm>
#include <cmath>
#include <functional>
#include <map>
#include <stdexcept>
#include <unordered_map>

#include "specavg/group/orbit_types.hpp"

namespace specavg {
namespace {

constexpr double kPermTol = 1e-9;    // as the torus accepts signed permutations
constexpr double kShiftTol = 1e-12;  // a shift must be a multiple of 1/2 this closely
constexpr double kPi = 3.14159265358979323846;
constexpr double kSqrt2 = 1.41421356237309504880;
constexpr std::size_t kBlock = 256;

int isqrt(int n) {
  int r = int(std::sqrt(double(n)));
  while (r > 0 && r * r > n) --r;
  while ((r + 1) * (r + 1) <= n) ++r;
  return r;
}

// Why a generator does not qualify ("" if it does); fills perm/sign/quarter.
std::string parse_generator(int d, const Isometry& g, std::vector<int>* perm, std::vector<int>* sign,
                            std::vector<int>* quarter) {
  if (g.dim != d || g.P.size() != std::size_t(d) * d || !(g.t.empty() || g.t.size() == std::size_t(d)))
    return "a generator does not act on " + std::to_string(d) + " coordinates";
  perm->assign(d, -1), sign->assign(d, 1), quarter->assign(d, 0);
  std::vector<char> used(d, 0);
  for (int i = 0; i < d; ++i)
    for (int j = 0; j < d; ++j) {
      const double v = g.P[std::size_t(i) * d + j];
      if (!(std::fabs(v) <= kPermTol)) {
        if (!(std::fabs(std::fabs(v) - 1.0) <= kPermTol) || (*perm)[i] >= 0 || used[j])
          return "a generator is not a signed permutation";
        (*perm)[i] = j, (*sign)[i] = v > 0 ? 1 : -1, used[j] = 1;
      }
    }
  for (int i = 0; i < d; ++i)
    if ((*perm)[i] < 0) return "a generator is not a signed permutation";
  for (std::size_t i = 0; i < g.t.size(); ++i) {
    const double q = 2.0 * g.t[i];
    if (!std::isfinite(q) || std::fabs(q - std::round(q)) > kShiftTol)
      return "a shift is not a multiple of 1/2 (a quarter period)";
    (*quarter)[i] = int(((std::llround(q) % 4) + 4) % 4);
  }
  return {};
}

std::string mode_key(const TorusMode& m) {
  std::string k(m.kappa.size() * 2 + 8, '\0');
  for (std::size_t i = 0; i < m.kappa.size(); ++i) {
    k[2 * i] = char(m.kappa[i] & 0xff);
    k[2 * i + 1] = char((m.kappa[i] >> 8) & 0xff);
  }
  for (int b = 0; b < 8; ++b) k[m.kappa.size() * 2 + std::size_t(b)] = char((m.sine_mask >> (8 * b)) & 0xff);
  return k;
}

// √2 (cos | sin)(π k x_c) for k = 1..J at the nb points of a block:
// tab[((c · J + k − 1) · 2 + trig) · B + p].
void trig_table(const double* x, int d, int J, std::size_t nb, double* tab) {
  const std::size_t B = kBlock;
  for (int c = 0; c < d && J > 0; ++c) {
    double* c1 = tab + std::size_t(c) * J * 2 * B;
    double* s1 = c1 + B;
    for (std::size_t p = 0; p < nb; ++p) {
      double v = x[p * std::size_t(d) + std::size_t(c)];
      if (std::fabs(v) > 1.0) v -= 2.0 * std::round(0.5 * v);
      c1[p] = std::cos(kPi * v), s1[p] = std::sin(kPi * v);
    }
    for (int k = 2; k <= J; ++k) {  // angle addition, scaled afterwards
      const double* cp = tab + (std::size_t(c) * J + std::size_t(k) - 2) * 2 * B;
      const double* sp = cp + B;
      double* ck = tab + (std::size_t(c) * J + std::size_t(k) - 1) * 2 * B;
      double* sk = ck + B;
      for (std::size_t p = 0; p < nb; ++p) {
        ck[p] = cp[p] * c1[p] - sp[p] * s1[p];
        sk[p] = sp[p] * c1[p] + cp[p] * s1[p];
      }
    }
    for (std::size_t q = 0; q < std::size_t(2 * J) * B; ++q) c1[q] *= kSqrt2;
  }
}

}  // namespace

const char* torus_orbit_kind_name(TorusOrbitKind kind) {
  switch (kind) {
    case TorusOrbitKind::Sym: return "sym";
    case TorusOrbitKind::Hyperoct: return "hyperoct";
    default: return "orbits";
  }
}

bool torus_orbit_route_applies(const Manifold& M, const std::vector<Isometry>& gens) {
  if (!M.supports_mode_orbit_route() || gens.empty()) return false;
  std::vector<int> perm, sign, quarter;
  for (const Isometry& g : gens)
    if (!parse_generator(M.dim(), g, &perm, &sign, &quarter).empty()) return false;
  return true;
}

TorusOrbits::TorusOrbits(int dim, const std::vector<Isometry>& gens) : dim_(dim) {
  if (dim < 1 || dim > 64) throw std::invalid_argument("TorusOrbits: dimension must be in 1..64");
  // Letter kinds need unshifted signed permutations, plus at most the translation by
  // (1, …, 1) (central modulo the period lattice: it multiplies φ_{κ,s} by (−1)^{Σκ}).
  bool letters = true;
  std::vector<Isometry> plain;
  for (const Isometry& g : gens) {
    Gen G;
    const std::string why = parse_generator(dim, g, &G.perm, &G.sign, &G.quarter);
    if (!why.empty()) throw std::invalid_argument("torus orbit route: " + why);
    bool unshifted = true, half_all = true;
    for (int i = 0; i < dim; ++i) {
      unshifted = unshifted && G.quarter[i] == 0;
      half_all = half_all && G.quarter[i] == 2 && G.perm[i] == i && G.sign[i] == 1;
    }
    if (unshifted) {
      Isometry p;
      p.dim = dim;
      p.P.assign(std::size_t(dim) * dim, 0.0);
      for (int i = 0; i < dim; ++i) p.P[std::size_t(i) * dim + G.perm[i]] = G.sign[i];
      plain.push_back(std::move(p));
    }
    even_ = even_ || half_all;
    letters = letters && (unshifted || half_all);
    gens_.push_back(std::move(G));
  }
  if (letters && !plain.empty()) {
    const OrbitKind k = detect_orbit_kind(dim, plain);
    kind_ = k == OrbitKind::Sym ? TorusOrbitKind::Sym : k == OrbitKind::Hyperoct ? TorusOrbitKind::Hyperoct
                                                                                  : TorusOrbitKind::Orbits;
  }
  if (kind_ == TorusOrbitKind::Orbits) even_ = false;
}

int TorusOrbits::add_shell(int n) {
  if (n < 0) throw std::invalid_argument("TorusOrbits: shell index must be >= 0");
  const int before = size();
  if (kind_ == TorusOrbitKind::Orbits)
    add_closure_orbits(n);
  else
    add_letter_orbits(n);
  return size() - before;
}

void TorusOrbits::add_letter_orbits(int n) {
  const bool cos_only = kind_ == TorusOrbitKind::Hyperoct;
  std::vector<int> letters;
  std::function<void(int, int)> rec = [&](int rest, int maxid) {
    if (rest == 0) {
      int sum = 0;  // Σκ_i: odd orbits change sign under the translation by (1, …, 1)
      for (int l : letters) sum += l / 2 + 1;
      if (even_ && sum % 2) return;
      TorusOrbit o;
      o.shell = n;
      o.letters = letters;
      o.kappa.assign(std::size_t(dim_), 0);
      long double size = 1.0L;
      for (std::size_t c = 0; c < letters.size(); ++c) {
        o.kappa[c] = letters[c] / 2 + 1;
        if (letters[c] % 2) o.sine_mask |= std::uint64_t(1) << c;
        size *= (long double)(dim_ - int(c));
      }
      for (std::size_t a = 0; a < letters.size();) {  // divide by mult! of each distinct letter
        std::size_t b = a;
        while (b < letters.size() && letters[b] == letters[a]) ++b;
        for (std::size_t j = 2; j <= b - a; ++j) size /= (long double)j;
        a = b;
      }
      o.size = double(size);
      orbits_.push_back(std::move(o));
      term_ptr_.push_back(term_ptr_.back());
      return;
    }
    if (int(letters.size()) == dim_) return;
    for (int id = std::min(maxid, 2 * isqrt(rest) - 1); id >= 0; --id) {
      const int k = id / 2 + 1;
      if (k * k > rest || (cos_only && id % 2)) continue;
      letters.push_back(id);
      rec(rest - k * k, id);
      letters.pop_back();
    }
  };
  rec(n, 2 * isqrt(n) - 1);
}

void TorusOrbits::add_closure_orbits(int n) {
  const TorusShell shell(dim_, n);
  const std::vector<TorusMode>& modes = shell.modes();
  std::unordered_map<std::string, int> index;
  index.reserve(modes.size());
  for (std::size_t a = 0; a < modes.size(); ++a) index.emplace(mode_key(modes[a]), int(a));
  std::vector<signed char> sigma(modes.size(), 0);
  std::vector<int> members;
  TorusMode img{std::vector<int>(std::size_t(dim_), 0), 0};
  for (std::size_t a = 0; a < modes.size(); ++a) {
    if (sigma[a] != 0) continue;
    members.assign(1, int(a));
    sigma[a] = 1;
    bool consistent = true;
    for (std::size_t q = 0; q < members.size(); ++q) {
      const TorusMode& m = modes[std::size_t(members[q])];
      for (const Gen& g : gens_) {
        // Source factor i lands on coordinate perm_i: trig(π κ_i (s_i x + t_i)), with
        // cos/sin(π κ_i t_i) = (1, 0, −1, 0)/(0, 1, 0, −1)[κ_i · quarter_i mod 4].
        std::fill(img.kappa.begin(), img.kappa.end(), 0);
        img.sine_mask = 0;
        int eps = sigma[std::size_t(members[q])];
        for (int i = 0; i < dim_; ++i) {
          if (m.kappa[i] == 0) continue;
          const int h = (m.kappa[i] % 4) * g.quarter[i] % 4, s = g.sign[i], j = g.perm[i];
          const int ct = h == 0 ? 1 : h == 2 ? -1 : 0, st = h == 1 ? 1 : h == 3 ? -1 : 0;
          const bool sine = (m.sine_mask >> i) & 1;
          bool out_sine;
          if (!sine) out_sine = ct == 0, eps *= ct != 0 ? ct : -s * st;
          else out_sine = ct != 0, eps *= ct != 0 ? s * ct : st;
          img.kappa[j] = m.kappa[i];
          if (out_sine) img.sine_mask |= std::uint64_t(1) << j;
        }
        const auto it = index.find(mode_key(img));
        if (it == index.end()) throw std::logic_error("TorusOrbits: image of a mode outside its shell");
        signed char& t = sigma[std::size_t(it->second)];
        if (t == 0) {
          t = static_cast<signed char>(eps);
          members.push_back(it->second);
        } else if (t != eps) {
          consistent = false;
        }
      }
    }
    if (!consistent) continue;
    TorusOrbit o;
    o.shell = n;
    o.kappa = modes[a].kappa;
    o.sine_mask = modes[a].sine_mask;
    o.size = double(members.size());
    const double c = 1.0 / std::sqrt(o.size);
    for (int b : members) {
      term_mode_.push_back(modes[std::size_t(b)]);
      term_coef_.push_back(c * sigma[std::size_t(b)]);
    }
    term_ptr_.push_back(term_mode_.size());
    orbits_.push_back(std::move(o));
  }
}

std::vector<std::pair<TorusMode, double>> TorusOrbits::expand(int o) const {
  std::vector<std::pair<TorusMode, double>> out;
  if (kind_ == TorusOrbitKind::Orbits) {
    for (std::size_t j = term_ptr(o); j < term_ptr(o + 1); ++j) out.emplace_back(term_mode_[j], term_coef_[j]);
    return out;
  }
  const TorusOrbit& orb = orbit(o);
  const double c = 1.0 / std::sqrt(orb.size);
  std::map<int, int> left;  // letter → copies still to place
  for (int l : orb.letters) ++left[l];
  int zeros = dim_ - int(orb.letters.size());
  TorusMode m{std::vector<int>(std::size_t(dim_), 0), 0};
  std::function<void(int)> place = [&](int i) {
    if (i == dim_) {
      out.emplace_back(m, c);
      return;
    }
    if (zeros > 0) {
      --zeros;
      place(i + 1);
      ++zeros;
    }
    for (auto& [l, cnt] : left) {
      if (cnt == 0) continue;
      --cnt;
      m.kappa[i] = l / 2 + 1;
      if (l % 2) m.sine_mask |= std::uint64_t(1) << i;
      place(i + 1);
      m.kappa[i] = 0;
      m.sine_mask &= ~(std::uint64_t(1) << i);
      ++cnt;
    }
  };
  place(0);
  return out;
}

TorusOrbitEvaluator::TorusOrbitEvaluator(const TorusOrbits& orbits)
    : orbits_(orbits), d_(orbits.dim()), nout_(std::size_t(orbits.size())) {
  for (int o = 0; o < orbits.size(); ++o) jmax_ = std::max(jmax_, isqrt(orbits.orbit(o).shell));
  flops_ = 4.0 * d_ * jmax_ + 2.0 * d_;
  if (orbits.kind() == TorusOrbitKind::Orbits) {
    for (int o = 0; o < orbits.size(); ++o)
      for (std::size_t j = orbits.term_ptr(o); j < orbits.term_ptr(o + 1); ++j) {
        int nz = 0;
        for (int v : orbits.term_mode(j).kappa) nz += v > 0;
        flops_ += nz + 1.0;
      }
    return;
  }
  // Letter multisets closed under removing one letter, children first.
  std::map<std::vector<int>, int> node;
  std::vector<std::vector<int>> sets;
  std::vector<std::vector<std::pair<int, int>>> steps;
  std::function<int(const std::vector<int>&)> add = [&](const std::vector<int>& s) -> int {
    const auto it = node.find(s);
    if (it != node.end()) return it->second;
    std::vector<std::pair<int, int>> st;
    for (std::size_t a = 0; a < s.size(); ++a) {
      if (a > 0 && s[a] == s[a - 1]) continue;
      std::vector<int> child = s;
      child.erase(child.begin() + std::ptrdiff_t(a));
      st.emplace_back(s[a], add(child));
    }
    const int u = int(sets.size());
    node.emplace(s, u);
    sets.push_back(s);
    steps.push_back(std::move(st));
    return u;
  };
  for (int o = 0; o < orbits.size(); ++o) {
    node_of_orbit_.push_back(add(orbits.orbit(o).letters));
    node_scale_.push_back(1.0 / std::sqrt(orbits.orbit(o).size));
  }
  // Nodes are created after their children, so index order is a valid update order
  // reversed: larger multisets are updated before the smaller ones they read.
  step_ptr_.push_back(0);
  for (std::size_t u = 0; u < sets.size(); ++u) {
    for (const auto& [l, c] : steps[u]) step_letter_.push_back(l), step_child_.push_back(c);
    step_ptr_.push_back(int(step_letter_.size()));
  }
  flops_ += 2.0 * d_ * double(step_letter_.size()) + double(nout_);
}

void TorusOrbitEvaluator::evaluate(const double* x, std::size_t npts, double* out, std::size_t ld) const {
  if (ld < npts) throw std::invalid_argument("TorusOrbitEvaluator: leading dimension smaller than the points");
  const std::size_t B = kBlock, J = std::size_t(jmax_), d = std::size_t(d_);
  std::vector<double> tab(std::max<std::size_t>(1, d * J * 2 * B)), acc(B);
  const bool letters = orbits_.kind() != TorusOrbitKind::Orbits;
  const std::size_t nnode = step_ptr_.empty() ? 0 : step_ptr_.size() - 1;
  std::vector<double> val(nnode * B);
  for (std::size_t i0 = 0; i0 < npts; i0 += B) {
    const std::size_t nb = std::min(B, npts - i0);
    trig_table(x + i0 * d, d_, jmax_, nb, tab.data());
    if (!letters) {
      for (int o = 0; o < orbits_.size(); ++o) {
        double* dst = out + std::size_t(o) * ld + i0;
        std::fill_n(dst, nb, 0.0);
        for (std::size_t j = orbits_.term_ptr(o); j < orbits_.term_ptr(o + 1); ++j) {
          const TorusMode& m = orbits_.term_mode(j);
          std::fill_n(acc.data(), nb, orbits_.term_coef(j));
          for (std::size_t c = 0; c < d; ++c) {
            if (m.kappa[c] == 0) continue;
            const double* f = &tab[((c * J + std::size_t(m.kappa[c]) - 1) * 2 + ((m.sine_mask >> c) & 1)) * B];
            for (std::size_t p = 0; p < nb; ++p) acc[p] *= f[p];
          }
          for (std::size_t p = 0; p < nb; ++p) dst[p] += acc[p];
        }
      }
      continue;
    }
    // m_μ(x_0..x_c) = m_μ(x_0..x_{c−1}) + Σ_{distinct letters l of μ} L_l(x_c) m_{μ∖l}(x_0..x_{c−1}).
    std::fill(val.begin(), val.end(), 0.0);
    for (std::size_t u = 0; u < nnode; ++u)
      if (step_ptr_[u] == step_ptr_[u + 1]) std::fill_n(&val[u * B], nb, 1.0);  // the empty multiset
    for (std::size_t c = 0; c < d; ++c)
      for (std::size_t u = nnode; u-- > 0;)
        for (int s = step_ptr_[u]; s < step_ptr_[u + 1]; ++s) {
          const double* f = &tab[(c * J * 2 + std::size_t(step_letter_[std::size_t(s)])) * B];
          const double* ch = &val[std::size_t(step_child_[std::size_t(s)]) * B];
          double* v = &val[u * B];
          for (std::size_t p = 0; p < nb; ++p) v[p] += f[p] * ch[p];
        }
    for (std::size_t o = 0; o < nout_; ++o) {
      const double* v = &val[std::size_t(node_of_orbit_[o]) * B];
      double* dst = out + o * ld + i0;
      for (std::size_t p = 0; p < nb; ++p) dst[p] = node_scale_[o] * v[p];
    }
  }
}

}  // namespace specavg
