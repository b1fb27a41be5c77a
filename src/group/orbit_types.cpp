#include "specavg/group/orbit_types.hpp"

#include <algorithm>
#include <cmath>
#include <deque>
#include <functional>
#include <stdexcept>

namespace specavg {
namespace {

// (g x)_i = sign[i] x_{src[i]}.
struct SignedPerm {
  std::vector<int> src, sign;
};

std::vector<SignedPerm> signed_perms(int d, const std::vector<Isometry>& gens) {
  std::vector<SignedPerm> out;
  for (std::size_t n = 0; n < gens.size(); ++n) {
    const Isometry& g = gens[n];
    bool ok = g.dim == d && g.P.size() == std::size_t(d) * d;
    for (double v : g.t) ok = ok && v == 0.0;
    SignedPerm s{std::vector<int>(d, -1), std::vector<int>(d, 0)};
    std::vector<int> hit(d, 0);
    for (int i = 0; i < d && ok; ++i) {
      int nz = 0;
      for (int j = 0; j < d; ++j) {
        const double v = g.P[std::size_t(i) * d + j];
        if (v == 1.0 || v == -1.0) ++nz, s.src[i] = j, s.sign[i] = v > 0 ? 1 : -1, ++hit[j];
        else if (v != 0.0) ok = false;
      }
      ok = ok && nz == 1;
    }
    for (int j = 0; j < d && ok; ++j) ok = hit[j] == 1;
    if (!ok)
      throw std::invalid_argument("the invariant-ring route needs signed permutation generators of R^" +
                                  std::to_string(d) + " (entries 0 or +-1, no shift); generator " + std::to_string(n) +
                                  " is not one: use -basis_method dense, slepc or auto");
    out.push_back(std::move(s));
  }
  return out;
}

// Whether the permutation parts generate a primitive group (transitive, no block system).
bool primitive(int d, const std::vector<SignedPerm>& g) {
  for (int b = 1; b < d; ++b) {
    std::vector<int> parent(d);
    for (int i = 0; i < d; ++i) parent[i] = i;
    std::function<int(int)> find = [&](int x) { return parent[x] == x ? x : parent[x] = find(parent[x]); };
    std::deque<std::pair<int, int>> queue{{0, b}};
    parent[b] = 0;
    while (!queue.empty()) {
      const auto [x, y] = queue.front();
      queue.pop_front();
      for (const SignedPerm& s : g) {
        const int u = s.src[x], v = s.src[y], ru = find(u), rv = find(v);
        if (ru != rv) parent[rv] = ru, queue.push_back({u, v});
      }
    }
    for (int i = 0; i < d; ++i)
      if (find(i) != find(0)) return false;  // {0, b} lies in a proper block (or G is intransitive)
  }
  return true;
}

OrbitKind detect_kind(int d, const std::vector<SignedPerm>& g) {
  if (d < 2) return OrbitKind::Orbits;
  bool transposition = false, unsigned_all = true, odd_flip = false;
  for (const SignedPerm& s : g) {
    int moved = 0, neg = 0;
    for (int i = 0; i < d; ++i) moved += s.src[i] != i, neg += s.sign[i] < 0;
    transposition = transposition || moved == 2;
    unsigned_all = unsigned_all && neg == 0;
    odd_flip = odd_flip || (moved == 0 && neg % 2 == 1 && neg < d);
  }
  // A primitive group containing a transposition is the whole symmetric group (Jordan).
  if (!transposition || !primitive(d, g)) return OrbitKind::Orbits;
  if (unsigned_all) return OrbitKind::Sym;
  // The sign changes in G form an S_d-invariant subspace of F_2^d; one of odd weight < d
  // spans all of it, so G is the whole hyperoctahedral group.
  return odd_flip ? OrbitKind::Hyperoct : OrbitKind::Orbits;
}

std::string key_of(const int* a, int d) {
  std::string s(std::size_t(d), '\0');
  for (int i = 0; i < d; ++i) s[std::size_t(i)] = char(a[i]);
  return s;
}

}  // namespace

const char* orbit_kind_name(OrbitKind kind) {
  switch (kind) {
    case OrbitKind::Sym: return "sym";
    case OrbitKind::Hyperoct: return "hyperoct";
    default: return "orbits";
  }
}

OrbitKind detect_orbit_kind(int dim, const std::vector<Isometry>& gens) {
  return detect_kind(dim, signed_perms(dim, gens));
}

OrbitTypes::OrbitTypes(int dim, int kmax, const std::vector<Isometry>& gens) : dim_(dim), kmax_(kmax) {
  if (dim < 1 || dim > 64) throw std::invalid_argument("OrbitTypes: dimension must be in 1..64");
  if (kmax < 0 || kmax > 100) throw std::invalid_argument("OrbitTypes: degree must be in 0..100");
  const std::vector<SignedPerm> g = signed_perms(dim, gens);
  kind_ = detect_kind(dim, g);
  lgam_.resize(std::size_t(2 * kmax + 2));
  for (std::size_t c = 0; c < lgam_.size(); ++c) lgam_[c] = std::lgamma((c + 1.0L) / 2) - std::lgamma(0.5L);
  start_.push_back(0);
  if (kind_ == OrbitKind::Orbits)
    build_orbits(gens);
  else
    build_partitions(kind_ == OrbitKind::Hyperoct);
}

void OrbitTypes::build_partitions(bool even) {
  const int unit = even ? 2 : 1;
  std::vector<int> parts;
  for (int k = 0; k <= kmax_; ++k) {
    if (k % unit == 0) {
      // Partitions of k / unit with at most d parts, largest part first, in reverse lexicographic order.
      std::function<void(int, int)> rec = [&](int left, int maxpart) {
        if (left == 0) {
          for (int i = 0; i < dim_; ++i) reps_.push_back(i < int(parts.size()) ? unit * parts[std::size_t(i)] : 0);
          degree_.push_back(k);
          return;
        }
        if (int(parts.size()) == dim_) return;
        for (int p = std::min(left, maxpart); p >= 1; --p) {
          parts.push_back(p);
          rec(left - p, p);
          parts.pop_back();
        }
      };
      rec(k / unit, k / unit);
    }
    start_.push_back(int(degree_.size()));
  }
}

void OrbitTypes::build_orbits(const std::vector<Isometry>& gens) {
  const int d = dim_;
  const std::vector<SignedPerm> g = signed_perms(d, gens);
  where_.resize(std::size_t(kmax_) + 1);
  std::vector<int> a(d, 0), nu(d);
  for (int k = 0; k <= kmax_; ++k) {
    auto& where = where_[std::size_t(k)];
    // Every monomial of degree k in reverse lexicographic order; each unseen one seeds an orbit.
    std::function<void(int, int)> rec = [&](int i, int left) {
      if (i == d - 1) {
        a[i] = left;
        if (where.count(key_of(a.data(), d))) return;
        std::vector<int> mem(a), sg{1};
        std::unordered_map<std::string, int> sign{{key_of(a.data(), d), 1}};
        bool dead = false;
        for (std::size_t q = 0; q < sg.size(); ++q) {
          const int* mu = &mem[q * std::size_t(d)];
          for (const SignedPerm& s : g) {
            // x^μ ∘ g = Π_i (s_i x_{π(i)})^{μ_i} = σ x^ν with ν_{π(i)} = μ_i; invariance: a_ν = σ a_μ.
            int sigma = sg[q];
            for (int c = 0; c < d; ++c) {
              nu[s.src[c]] = mu[c];
              if (s.sign[c] < 0 && (mu[c] & 1)) sigma = -sigma;
            }
            const std::string kn = key_of(nu.data(), d);
            const auto it = sign.find(kn);
            if (it == sign.end()) {
              sign.emplace(kn, sigma);
              mem.insert(mem.end(), nu.begin(), nu.end());
              sg.push_back(sigma);
              mu = &mem[q * std::size_t(d)];  // mem may have moved
            } else if (it->second != sigma) {
              dead = true;
            }
          }
        }
        const int t = dead ? -1 : int(degree_.size());
        for (std::size_t q = 0; q < sg.size(); ++q) where.emplace(key_of(&mem[q * std::size_t(d)], d), std::make_pair(t, sg[q]));
        if (!dead) {
          reps_.insert(reps_.end(), a.begin(), a.end());
          degree_.push_back(k);
          members_.push_back(std::move(mem));
          signs_.push_back(std::move(sg));
        }
        return;
      }
      for (int v = left; v >= 0; --v) a[i] = v, rec(i + 1, left - v);
    };
    rec(0, k);
    start_.push_back(int(degree_.size()));
  }
}

long double OrbitTypes::orbit_size(int t) const {
  if (kind_ == OrbitKind::Orbits) return (long double)(signs_[std::size_t(t)].size());
  const int* a = rep(t);
  long double l = std::lgamma(dim_ + 1.0L);
  for (int i = 0; i < dim_;) {
    int j = i;
    while (j < dim_ && a[j] == a[i]) ++j;
    l -= std::lgamma(j - i + 1.0L);
    i = j;
  }
  return std::exp(l);
}

std::vector<double> OrbitTypes::laplacian(int k) const {
  const int nl = count(k - 2), nk = count(k), d = dim_;
  std::vector<double> L(std::size_t(nl) * nk, 0.0);
  if (nl == 0 || nk == 0) return L;
  std::vector<int> b(d);
  for (int al = 0; al < nl; ++al) {
    const int* a = rep(first(k - 2) + al);
    for (int i = 0; i < d; ++i) {
      b.assign(a, a + d);
      b[i] += 2;
      const double w = double(a[i] + 2) * (a[i] + 1);
      if (kind_ == OrbitKind::Orbits) {
        const auto& where = where_[std::size_t(k)];
        const auto it = where.find(key_of(b.data(), d));
        if (it != where.end() && it->second.first >= 0)
          L[std::size_t(it->second.first - first(k)) * nl + al] += it->second.second * w;
      } else {
        // The monomial symmetric representative: parts descending.
        std::sort(b.begin(), b.end(), std::greater<int>());
        for (int t = first(k); t < first(k) + nk; ++t)
          if (std::equal(b.begin(), b.end(), rep(t))) {
            L[std::size_t(t - first(k)) * nl + al] += w;
            break;
          }
      }
    }
  }
  return L;
}

long double OrbitTypes::rep_moment(int ta, int tb) const {
  const int d = dim_, K = degree(ta) + degree(tb);
  if (K % 2) return 0.0L;
  const long double pre = std::lgamma(d / 2.0L) - std::lgamma((K + d) / 2.0L);
  const int* a = rep(ta);
  long double sum = 0.0L;
  if (kind_ == OrbitKind::Orbits) {
    const std::vector<int>& mem = members_[std::size_t(tb)];
    const std::vector<int>& sg = signs_[std::size_t(tb)];
    for (std::size_t q = 0; q < sg.size(); ++q) {
      long double l = pre;
      bool odd = false;
      for (int i = 0; i < d && !odd; ++i) {
        const int c = a[i] + mem[q * std::size_t(d) + i];
        odd = c & 1;
        l += lgam_[std::size_t(c)];
      }
      if (!odd) sum += sg[q] * std::exp(l);
    }
    return sum;
  }
  // Σ over the distinct arrangements β of rep(tb): values placed on the support of rep(ta)
  // one by one, the rest spread over the other d − s coordinates in multinomially many ways.
  const int* b = rep(tb);
  std::vector<int> val, cnt;
  for (int i = 0; i < d;) {
    int j = i;
    while (j < d && b[j] == b[i]) ++j;
    val.push_back(b[i]), cnt.push_back(j - i);
    i = j;
  }
  int s = 0;
  while (s < d && a[s] > 0) ++s;
  std::function<void(int, long double)> rec = [&](int i, long double acc) {
    if (i == s) {
      long double l = pre + acc + std::lgamma(d - s + 1.0L);
      for (std::size_t v = 0; v < val.size(); ++v) {
        if (cnt[v] == 0) continue;
        if (val[v] & 1) return;
        l += cnt[v] * lgam_[std::size_t(val[v])] - std::lgamma(cnt[v] + 1.0L);
      }
      sum += std::exp(l);
      return;
    }
    for (std::size_t v = 0; v < val.size(); ++v) {
      const int c = a[i] + val[v];
      if (cnt[v] == 0 || (c & 1)) continue;
      --cnt[v];
      rec(i + 1, acc + lgam_[std::size_t(c)]);
      ++cnt[v];
    }
  };
  rec(0, 0.0L);
  return sum;
}

}  // namespace specavg
