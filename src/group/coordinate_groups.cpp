// `-group` names for groups acting on the coordinates of R^d, given by generators.
#include "specavg/group/coordinate_groups.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <sstream>
#include <stdexcept>

#include "specavg/group/point_group.hpp"

namespace specavg {
namespace {

const char* const kCoordinateNames = "Sym, Alt, Cyc, Dih, Signs, Hyperoct";

std::string valid_names(int dim) {
  std::string s = std::string("expected one of ") + kCoordinateNames;
  if (dim == 3)
    s += " or a Schoenflies point group (C<n>, D<n>, C<n>h, C<n>v, T, Td, Th, O, Oh, I, Ih, Ci, Cs, C1)";
  else
    s += " (Schoenflies point groups such as Ih or Oh need -dim 3)";
  return s + ", or a comma list of these";
}

std::string trim(const std::string& s) {
  std::size_t a = 0, b = s.size();
  while (a < b && std::isspace(static_cast<unsigned char>(s[a]))) ++a;
  while (b > a && std::isspace(static_cast<unsigned char>(s[b - 1]))) --b;
  return s.substr(a, b - a);
}

std::vector<std::string> split_tokens(const std::string& spec) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (true) {
    const std::size_t comma = spec.find(',', start);
    out.push_back(trim(spec.substr(start, comma == std::string::npos ? std::string::npos : comma - start)));
    if (comma == std::string::npos) return out;
    start = comma + 1;
  }
}

void check_dim(int dim, const std::string& spec) {
  if (dim < 1) {
    std::ostringstream os;
    os << "-group '" << spec << "' with -dim " << dim << ": the dimension must be at least 1";
    throw std::invalid_argument(os.str());
  }
}

// (g x)_i = sign_i · x_{src[i]}: an exact signed permutation matrix, t = 0.
Isometry signed_permutation(const std::vector<int>& src, const std::vector<double>& sign) {
  const int d = int(src.size());
  Isometry g = isometry_identity(d);
  std::fill(g.P.begin(), g.P.end(), 0.0);
  for (int i = 0; i < d; ++i) g.P[std::size_t(i) * std::size_t(d) + std::size_t(src[i])] = sign[std::size_t(i)];
  return g;
}

Isometry permutation(const std::vector<int>& src) {
  return signed_permutation(src, std::vector<double>(src.size(), 1));
}

std::vector<int> identity_src(int d) {
  std::vector<int> src(static_cast<std::size_t>(d));
  for (int i = 0; i < d; ++i) src[std::size_t(i)] = i;
  return src;
}

// x_i → x_{i+1} on the consecutive coordinates first..first+len−1 (len ≥ 1).
Isometry cycle(int d, int first, int len) {
  std::vector<int> src = identity_src(d);
  for (int k = 0; k < len; ++k) src[std::size_t(first + k)] = first + (k + 1) % len;
  return permutation(src);
}

Isometry transposition01(int d) {
  std::vector<int> src = identity_src(d);
  std::swap(src[0], src[1]);
  return permutation(src);
}

Isometry reversal(int d) {
  std::vector<int> src = identity_src(d);
  std::reverse(src.begin(), src.end());
  return permutation(src);
}

Isometry flip(int d, int i) {
  const std::vector<int> src = identity_src(d);
  std::vector<double> sign(std::size_t(d), 1.0);
  sign[std::size_t(i)] = -1.0;
  return signed_permutation(src, sign);
}

bool is_coordinate_name(const std::string& tok) {
  return tok == "Sym" || tok == "Alt" || tok == "Cyc" || tok == "Dih" || tok == "Signs" || tok == "Hyperoct";
}

// Generators of one coordinate-group name; trivial ones are filtered by the caller.
std::vector<Isometry> coordinate_generators(const std::string& tok, int d) {
  std::vector<Isometry> g;
  if (tok == "Signs") {
    for (int i = 0; i < d; ++i) g.push_back(flip(d, i));
    return g;
  }
  if (tok == "Hyperoct") g.push_back(flip(d, 0));
  if (d < 2) return g;  // a single coordinate has only the identity permutation
  if (tok == "Sym" || tok == "Hyperoct") {
    g.push_back(transposition01(d));
    g.push_back(cycle(d, 0, d));
  } else if (tok == "Alt") {
    if (d < 3) return g;  // A_1 and A_2 are trivial
    // A_d = ⟨(0 1 2), (0 1 … d−1)⟩ for d odd, ⟨(0 1 2), (1 2 … d−1)⟩ for d even.
    g.push_back(cycle(d, 0, 3));
    g.push_back(d % 2 == 1 ? cycle(d, 0, d) : cycle(d, 1, d - 1));
  } else if (tok == "Cyc") {
    g.push_back(cycle(d, 0, d));
  } else if (tok == "Dih") {
    g.push_back(cycle(d, 0, d));
    g.push_back(reversal(d));
  }
  return g;
}

// Drops the identity and exact duplicates (e.g. Sym's transposition and 2-cycle for d = 2).
void push_distinct(std::vector<Isometry>& out, Isometry g) {
  const Isometry id = isometry_identity(g.dim);
  if (g.P == id.P && std::all_of(g.t.begin(), g.t.end(), [](double v) { return v == 0.0; })) return;
  for (const Isometry& h : out)
    if (h.dim == g.dim && h.P == g.P && h.t == g.t) return;
  out.push_back(std::move(g));
}

}  // namespace

std::vector<Isometry> generators_for_spec(const std::string& spec, int dim) {
  check_dim(dim, spec);
  std::vector<Isometry> out;
  for (const std::string& tok : split_tokens(spec)) {
    if (tok.empty()) throw std::invalid_argument("empty group name in -group '" + spec + "': " + valid_names(dim));
    if (is_coordinate_name(tok)) {
      for (Isometry& g : coordinate_generators(tok, dim)) push_distinct(out, std::move(g));
      continue;
    }
    std::vector<Mat3> mats;
    try {
      mats = generators_from_spec(tok);
    } catch (const std::invalid_argument&) {
      throw std::invalid_argument("unknown group '" + tok + "' in -group '" + spec + "': " + valid_names(dim));
    }
    if (dim != 3 && !mats.empty()) {  // C1 (no generators) is trivial in every dimension
      std::ostringstream os;
      os << "group '" << tok << "' in -group '" << spec << "': '" << tok
         << "' is a point group of S² and needs -dim 3 (got -dim " << dim << "); for d = " << dim << " use "
         << kCoordinateNames << " or a comma list of these";
      throw std::invalid_argument(os.str());
    }
    for (const Mat3& m : mats) push_distinct(out, isometry_from_mat3(m));
  }
  return out;
}

std::optional<double> closed_form_order(const std::string& spec, int dim) {
  check_dim(dim, spec);
  const std::string tok = trim(spec);
  if (!is_coordinate_name(tok)) return std::nullopt;
  const double d = dim;
  double fact = 1.0;
  for (int k = 2; k <= dim; ++k) fact *= k;
  if (tok == "Sym") return fact;
  if (tok == "Alt") return dim < 2 ? 1.0 : fact / 2.0;
  if (tok == "Cyc") return d;
  if (tok == "Dih") return dim >= 3 ? 2.0 * d : d;  // Dih(2) = Cyc(2) = {id, swap}
  if (tok == "Signs") return std::ldexp(1.0, dim);
  return std::ldexp(fact, dim);  // Hyperoct
}

}  // namespace specavg
