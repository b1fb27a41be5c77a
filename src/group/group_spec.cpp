// Parsing of `-group` spec strings (Schoenflies symbols) into generator matrices.
#include <cctype>
#include <cmath>
#include <stdexcept>

#include "specavg/group/point_group.hpp"

namespace specavg {
namespace {

const char* const kValidForms =
    "expected C<n>, D<n>, C<n>h, C<n>v, D<n>h, D<n>d, S<2n>, T, Td, Th, O, Oh, I, Ih, Ci, Cs, C1 or a comma list of "
    "these (or use -group_file)";

[[noreturn]] void fail(const std::string& what, const std::string& spec) {
  throw std::invalid_argument(what + " in -group '" + spec + "': " + kValidForms);
}

std::string trim(const std::string& s) {
  std::size_t a = 0, b = s.size();
  while (a < b && std::isspace(static_cast<unsigned char>(s[a]))) ++a;
  while (b > a && std::isspace(static_cast<unsigned char>(s[b - 1]))) --b;
  return s.substr(a, b - a);
}

// Exact matrices where the entries are 0/±1, so products close without rounding.
Mat3 diag(double a, double b, double c) {
  return {a, 0, 0, 0, b, 0, 0, 0, c};
}
const Mat3 kInversion = {-1, 0, 0, 0, -1, 0, 0, 0, -1};
const Mat3 kCyclic = {0, 1, 0, 0, 0, 1, 1, 0, 0};  // (x, y, z) → (y, z, x): 3-fold about (1,1,1)
const Mat3 kRz90 = {0, -1, 0, 1, 0, 0, 0, 0, 1};   // 4-fold about z
const Mat3 kSwapXY = {0, 1, 0, 1, 0, 0, 0, 0, 1};  // mirror x ↔ y (contains the (1,1,1) axis)

// Rotation by 2π/n about z; exact entries for n = 1, 2, 4.
Mat3 rz(int n) {
  if (n == 1) return mat3_identity();
  if (n == 2) return diag(-1, -1, 1);
  if (n == 4) return kRz90;
  const double a = 2.0 * std::acos(-1.0) / n;
  const double c = std::cos(a), s = std::sin(a);
  return {c, -s, 0, s, c, 0, 0, 0, 1};
}

// 5-fold rotation about the vertex axis (1, 0, φ) of the icosahedron with vertices
// the cyclic permutations of (±1, 0, ±φ); with the cyclic permutation and the z 2-fold it
// generates the 60 rotations, whose 2-fold axes include the coordinate axes.
Mat3 icosa_five_fold() {
  const double phi = 0.5 * (1.0 + std::sqrt(5.0)), ip = phi - 1.0;  // 1/φ = φ − 1
  return {0.5, -0.5 * phi, 0.5 * ip, 0.5 * phi, 0.5 * ip, -0.5, 0.5 * ip, 0.5, 0.5 * phi};
}

void push_nontrivial(std::vector<Mat3>& out, const Mat3& g) {
  if (g != mat3_identity()) out.push_back(g);
}

// Decimal integer of at most 9 digits; −1 when malformed.
int parse_order(const std::string& digits) {
  if (digits.empty() || digits.size() > 9) return -1;
  for (char ch : digits)
    if (!std::isdigit(static_cast<unsigned char>(ch))) return -1;
  return std::stoi(digits);
}

void append_token(const std::string& tok, const std::string& spec, std::vector<Mat3>& out) {
  if (tok.empty()) fail("empty group name", spec);
  if (tok == "T" || tok == "Td" || tok == "Th" || tok == "O" || tok == "Oh" || tok == "I" || tok == "Ih") {
    out.push_back(kCyclic);
    out.push_back(diag(-1, -1, 1));
    if (tok[0] == 'O') out.push_back(kRz90);
    if (tok[0] == 'I') out.push_back(icosa_five_fold());
    if (tok == "Td") out.push_back(kSwapXY);
    if (tok.size() == 2 && tok[1] == 'h') out.push_back(kInversion);
    return;
  }
  if (tok == "Ci") return out.push_back(kInversion);
  if (tok == "Cs") return out.push_back(diag(1, 1, -1));
  const char kind = tok[0];
  if (kind != 'C' && kind != 'D' && kind != 'S') fail("unknown group '" + tok + "'", spec);
  std::string digits = tok.substr(1);
  char suffix = 0;
  const bool may_have_suffix = (kind == 'C' && !digits.empty() && (digits.back() == 'h' || digits.back() == 'v')) ||
                               (kind == 'D' && !digits.empty() && (digits.back() == 'h' || digits.back() == 'd'));
  if (may_have_suffix) {
    suffix = digits.back();
    digits.pop_back();
  }
  const int n = parse_order(digits);
  if (n < 0) fail("unknown group '" + tok + "'", spec);
  if (n == 0) fail("group '" + tok + "' has n = 0 (n must be a positive integer)", spec);
  if (kind == 'S') {
    // S<m>: the rotoreflection by 2π/m about z (rotation, then mirror z → −z). For odd m
    // its powers include the mirror itself and the group is C<m>h, so only even m is S<m>.
    if (n % 2 != 0)
      fail("group '" + tok + "' has an odd index (S<odd n> is the group C<n>h; S takes an even index)", spec);
    return out.push_back(mat3_mul(diag(1, 1, -1), rz(n)));
  }
  if (kind == 'D' && suffix == 'd') {
    // D<n>d = <S<2n>, 2-fold about x>: its mirrors contain z and bisect the 2-fold axes.
    out.push_back(mat3_mul(diag(1, 1, -1), rz(2 * n)));
    out.push_back(diag(1, -1, -1));
    return;
  }
  push_nontrivial(out, rz(n));
  if (kind == 'D') out.push_back(diag(1, -1, -1));   // 2-fold about x
  if (suffix == 'v') out.push_back(diag(1, -1, 1));  // mirror y → −y
  if (suffix == 'h') out.push_back(diag(1, 1, -1));  // mirror z → −z
}

}  // namespace

std::vector<Mat3> generators_from_spec(const std::string& spec) {
  if (trim(spec).empty()) fail("empty group name", spec);
  std::vector<Mat3> out;
  std::size_t start = 0;
  while (true) {
    const std::size_t comma = spec.find(',', start);
    append_token(trim(spec.substr(start, comma == std::string::npos ? std::string::npos : comma - start)), spec, out);
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return out;
}

}  // namespace specavg
