#include "specavg/basis/wigner_rotation.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

#include "specavg/util/dense_linalg.hpp"

namespace specavg {
namespace {

constexpr int kShift = 600;  // X-number step: a scaled value is mantissa · 2^(−600·ex)
const double kUp = std::ldexp(1.0, 300);
const double kDown = std::ldexp(1.0, -kShift);
const double kPi = std::acos(-1.0);

// Dense D_l(g_j), row-major (2l+1)² (= column-major D_jᵀ).
class WignerAction final : public EigenspaceAction {
 public:
  WignerAction(int l, const std::vector<Isometry>& gens) : m_(2 * l + 1) {
    for (const Isometry& g : gens) {
      if (g.dim != 3 || g.P.size() != 9)
        throw std::invalid_argument("wigner_action: generators must be 3x3 (S^2), got dimension " +
                                    std::to_string(g.dim));
      Mat3 a;
      std::copy(g.P.begin(), g.P.end(), a.begin());
      D_.push_back(wigner_matrix(l, a));
    }
  }
  int m() const override { return m_; }
  int ngenerators() const override { return int(D_.size()); }
  double apply_flops() const override { return 2.0 * double(m_) * m_; }
  void apply(int j, bool transpose, int nv, const double* X, int ldx, double* Y, int ldy) const override {
    // The row-major D_j is the column-major A = D_jᵀ: D_j X = Aᵀ X, D_jᵀ X = A X.
    dgemm(!transpose, false, m_, nv, m_, 1.0, D_[j].data(), m_, X, ldx, 0.0, Y, ldy);
  }
  std::vector<double> dense_transpose(int j) const override { return D_[j]; }

 private:
  int m_;
  std::vector<std::vector<double>> D_;
};

}  // namespace

// When α is 2π k/n for a small n (the generators of C_n, the mirrors), m α is reduced
// exactly to 2π j/n, so C_n-invariant orders get exactly cos = 1, sin = 0 whatever m
// (m α itself would carry an error of m·1e-16).
AngleMultiples AngleMultiples::of(double alpha) {
  AngleMultiples a;
  a.alpha = alpha;
  const double turns = alpha / (2 * kPi);
  for (long n = 1; n <= 720; ++n) {
    const double kn = turns * double(n), k = std::nearbyint(kn);
    if (std::fabs(kn - k) < 1e-10) {
      a.n = n;
      a.k = long(k) % n;
      if (a.k < 0) a.k += n;
      break;
    }
  }
  return a;
}

void AngleMultiples::sincos(long m, double* c, double* s) const {
  if (n == 0) {
    const double a = std::remainder(alpha * double(m), 2 * kPi);
    *c = std::cos(a);
    *s = std::sin(a);
    return;
  }
  long j = (k * (m % n)) % n;
  if (j < 0) j += n;
  if ((4 * j) % n == 0) {  // a quarter turn: exact
    static const double kc[4] = {1, 0, -1, 0}, ks[4] = {0, 1, 0, -1};
    const int q = int(4 * j / n);
    *c = kc[q];
    *s = ks[q];
    return;
  }
  const double a = 2 * kPi * double(j) / double(n);
  *c = std::cos(a);
  *s = std::sin(a);
}

EulerZYZ euler_zyz(const Mat3& g) {
  const double det = g[0] * (g[4] * g[8] - g[5] * g[7]) - g[1] * (g[3] * g[8] - g[5] * g[6]) +
                     g[2] * (g[3] * g[7] - g[4] * g[6]);
  if (!(std::fabs(std::fabs(det) - 1.0) <= 1e-6))
    throw std::invalid_argument("euler_zyz: the matrix is not orthogonal (det = " + std::to_string(det) + ")");
  EulerZYZ e;
  e.det = det > 0 ? 1 : -1;
  Mat3 R;
  for (int i = 0; i < 9; ++i) R[i] = e.det * g[i];
  const double sb = std::hypot(R[2], R[5]);
  e.beta = std::atan2(sb, R[8]);
  // α and γ alone are ill determined near the poles (errors ε/sin β), but D only needs
  // what is well determined there: near β = 0 the sum α + γ, taken from the xy block
  // ((1 + cos β)(cos, sin)(α + γ)), while α − γ, from the third row and column, enters D
  // multiplied by sin β. Near β = π the roles swap ((cos β − 1)(cos, sin)(α − γ)).
  const double a1 = std::atan2(R[5], R[2]), g1 = std::atan2(R[7], -R[6]);
  double s, d;
  if (R[8] >= 0) {
    s = std::atan2(R[3] - R[1], R[0] + R[4]);
    d = a1 - g1;
  } else {
    d = std::atan2(-(R[3] + R[1]), R[4] - R[0]);
    s = a1 + g1;
  }
  e.alpha = 0.5 * (s + d);
  e.gamma = 0.5 * (s - d);
  // (s, d) fix α and γ modulo π together; (α + π, γ + π) would flip the sign of β.
  if (std::cos(e.alpha) * R[2] + std::sin(e.alpha) * R[5] < 0) {
    e.alpha += kPi;
    e.gamma += kPi;
  }
  if (sb == 0.0) {  // exactly on the axis: one angle
    e.alpha = R[8] > 0 ? std::atan2(R[3], R[0]) : std::atan2(-R[3], -R[0]);
    e.gamma = 0;
  }
  return e;
}

WignerRows::WignerRows(double beta, std::vector<int> orders, int lmax)
    : beta_(beta),
      cb_(std::cos(beta)),
      vers_(2.0 * std::sin(0.5 * beta) * std::sin(0.5 * beta)),
      covers_(2.0 * std::cos(0.5 * beta) * std::cos(0.5 * beta)),
      near_pi_(std::fabs(beta) > 0.5 * std::acos(-1.0)), lmax_(lmax), orders_(std::move(orders)), ld_(std::size_t(lmax) + 1) {
  if (lmax < 0) throw std::invalid_argument("WignerRows: lmax must be >= 0");
  std::sort(orders_.begin(), orders_.end());
  orders_.erase(std::unique(orders_.begin(), orders_.end()), orders_.end());
  orders_.erase(std::remove_if(orders_.begin(), orders_.end(), [lmax](int m) { return m < 0 || m > lmax; }),
                orders_.end());
  const long double ch = cosl(0.5L * beta), sh = sinl(0.5L * beta);
  zero_cos_ = ch == 0.0L;
  zero_sin_ = sh == 0.0L;
  lcos_ = zero_cos_ ? 0.0L : log2l(fabsl(ch));
  lsin_ = zero_sin_ ? 0.0L : log2l(fabsl(sh));
  sgn_sin_ = sh < 0 ? -1 : 1;
  lfact_.assign(2 * ld_ + 1, 0.0L);
  for (std::size_t n = 1; n < lfact_.size(); ++n) lfact_[n] = lfact_[n - 1] + log2l((long double)n);
  const std::size_t n = 2 * orders_.size() * ld_;
  cur_.assign(n, 0.0);
  prev_.assign(n, 0.0);
  ex_.assign(n, 0);
  nscaled_.assign(2 * orders_.size(), 0);
  sq_.assign(1, 0.0);
  if (!orders_.empty() && orders_[0] == 0) {
    seed(0, 0);
  }
}

// The closed form at j = max(m, c) for both quadrants of row i and column c:
//   d^j_{j,c'}  = sqrt(C(2j, j+c')) cos^{j+c'}(β/2) (−sin β/2)^{j−c'}          (m = j)
//   d^j_{m,j}   = (−1)^{m−j} sqrt(C(2j, j+m)) cos^{j+m} (−sin)^{j−m}             (c = j > m)
//   d^j_{m,−j}  = (−1)^{m+j} sqrt(C(2j, j+m)) cos^{j−m} sin^{j+m}
void WignerRows::seed(std::size_t i, int c) {
  const int m = orders_[i], j = std::max(m, c);
  for (int q = 0; q < 2; ++q) {
    const int cq = q == 0 ? c : -c;
    int k, p, r, sign;  // value = sign · sqrt(C(2j, k)) cos^p sin^r (sin with its sign)
    if (m == j) {
      k = j + cq;
      p = j + cq;
      r = j - cq;
      sign = (r % 2) ? -1 : 1;
    } else if (q == 0) {
      k = j + m;
      p = j + m;
      r = j - m;
      sign = ((j - m) % 2 ? -1 : 1) * ((r % 2) ? -1 : 1);
    } else {
      k = j + m;
      p = j - m;
      r = j + m;
      sign = (j + m) % 2 ? -1 : 1;
    }
    if (r % 2 && sgn_sin_ < 0) sign = -sign;
    const std::size_t idx = (2 * i + q) * ld_ + std::size_t(c);
    prev_[idx] = 0.0;
    ex_[idx] = 0;
    if ((p > 0 && zero_cos_) || (r > 0 && zero_sin_)) {
      cur_[idx] = 0.0;
      continue;
    }
    const long double lg =
        0.5L * (lfact_[2 * j] - lfact_[k] - lfact_[2 * j - k]) + (long double)p * lcos_ + (long double)r * lsin_;
    int e = 0;
    if (lg < -kShift) e = int(std::ceil(double((-lg - 300.0L) / kShift)));
    cur_[idx] = sign * double(exp2l(lg + (long double)kShift * e));
    ex_[idx] = e;
    if (e > 0) ++nscaled_[2 * i + q];
  }
}

void WignerRows::advance() {
  if (l_ >= lmax_) throw std::logic_error("WignerRows::advance: beyond lmax");
  const int l = l_, j = l + 1;
  std::vector<double> sqn(std::size_t(j) + 1), inv(std::size_t(j) + 1), rat(std::size_t(j) + 1);
  for (int k = 0; k <= j; ++k) sqn[k] = std::sqrt(double(j - k) * double(j + k));
  for (int c = 0; c <= l; ++c) {
    inv[c] = 1.0 / sqn[c];
    rat[c] = sq_[c] * inv[c];
  }
  // l(l+1) cos β − m c = (l(l+1) − m c) − l(l+1)·2 sin²(β/2): the integer part is exact, so
  // the near-diagonal entries at small β do not lose digits to cancellation.
  // Near β = π the same with −(l(l+1) + m c) + l(l+1)·2 cos²(β/2).
  const double ll = double(l) * double(j), llv = ll * (near_pi_ ? covers_ : vers_);
  const double s_ll = near_pi_ ? -ll : ll;
  for (std::size_t i = 0; i < orders_.size(); ++i) {
    const int m = orders_[i];
    if (m > l) break;
    for (int q = 0; q < 2; ++q) {
      double* cur = cur_.data() + (2 * i + q) * ld_;
      double* prev = prev_.data() + (2 * i + q) * ld_;
      if (l == 0) {  // only (0, 0): d^1_00 = cos β
        prev[0] = cur[0];
        cur[0] = cb_ * cur[0];
        continue;
      }
      const double f1 = (2.0 * l + 1) / (double(l) * sqn[m]);
      const double f2 = double(j) * sq_[m] / (double(l) * sqn[m]);
      const double mm = q == 0 ? double(m) : -double(m);
      for (int c = 0; c <= l; ++c) {
        const double nx = f1 * inv[c] * ((s_ll - mm * c) + (near_pi_ ? llv : -llv)) * cur[c] - f2 * rat[c] * prev[c];
        prev[c] = cur[c];
        cur[c] = nx;
      }
      int& ns = nscaled_[2 * i + q];
      if (ns > 0) {
        int* ex = ex_.data() + (2 * i + q) * ld_;
        for (int c = 0; c <= l; ++c)
          if (ex[c] > 0 && std::fabs(cur[c]) >= kUp) {
            cur[c] *= kDown;
            prev[c] *= kDown;
            if (--ex[c] == 0) --ns;
          }
      }
    }
  }
  l_ = j;
  sq_.swap(sqn);
  for (std::size_t i = 0; i < orders_.size(); ++i) {
    const int m = orders_[i];
    if (m > j) break;
    if (m == j)
      for (int c = 0; c <= j; ++c) seed(i, c);
    else
      seed(i, j);
  }
}

void WignerRows::rows(std::vector<double>& out, std::vector<int>& rows) const {
  const int l = l_, w = 2 * l + 1;
  rows.clear();
  for (int m : orders_) {
    if (m > l) break;
    rows.push_back(l + m);
    if (m > 0) rows.push_back(l - m);
  }
  out.resize(rows.size() * std::size_t(w));
  std::fill(out.begin(), out.end(), 0.0);
  const double r2 = std::sqrt(2.0);
  std::size_t r = 0;
  for (std::size_t i = 0; i < orders_.size(); ++i) {
    const int m = orders_[i];
    if (m > l) break;
    const double* A = cur_.data() + (2 * i) * ld_;
    const double* B = cur_.data() + (2 * i + 1) * ld_;
    const int* eA = ex_.data() + (2 * i) * ld_;
    const int* eB = ex_.data() + (2 * i + 1) * ld_;
    auto a = [&](int c) { return eA[c] ? 0.0 : A[c]; };
    auto b = [&](int c) { return eB[c] ? 0.0 : B[c]; };
    double* rp = out.data() + r * w;  // row of Y_m
    if (m == 0) {
      rp[l] = a(0);
      for (int c = 1; c <= l; ++c) rp[l + c] = ((c % 2 ? -a(c) : a(c)) + b(c)) / r2;
      ++r;
      continue;
    }
    double* rn = rp + w;  // row of Y_−m
    const double sm = (m % 2) ? -1.0 : 1.0;
    rp[l] = sm * r2 * a(0);
    for (int c = 1; c <= l; ++c) {
      const double ac = c % 2 ? -a(c) : a(c), bc = b(c);
      rp[l + c] = sm * (ac + bc);
      rn[l - c] = sm * (ac - bc);
    }
    r += 2;
  }
}

void finish_rotation_rows(int l, const EulerZYZ& e, const std::vector<int>& rows, std::vector<double>& out) {
  const int w = 2 * l + 1;
  const std::size_t nr = rows.size();
  if (out.size() != nr * std::size_t(w)) throw std::invalid_argument("finish_rotation_rows: size mismatch");
  std::vector<double> cg(std::size_t(l) + 1), sg(std::size_t(l) + 1);
  const AngleMultiples ga = AngleMultiples::of(e.gamma), al = AngleMultiples::of(e.alpha);
  for (int c = 1; c <= l; ++c) ga.sincos(c, &cg[c], &sg[c]);
  for (std::size_t r = 0; r < nr; ++r) {  // right factor Rz(γ): columns (c, −c)
    double* row = out.data() + r * w;
    for (int c = 1; c <= l; ++c) {
      const double p = row[l + c], n = row[l - c];
      row[l + c] = p * cg[c] + n * sg[c];
      row[l - c] = -p * sg[c] + n * cg[c];
    }
  }
  std::vector<int> pos(std::size_t(w), -1);
  for (std::size_t r = 0; r < nr; ++r) pos[rows[r]] = int(r);
  const double s0 = (e.det < 0 && l % 2) ? -1.0 : 1.0;
  for (std::size_t r = 0; r < nr; ++r) {  // left factor Rz(α): rows (m, −m)
    const int m = rows[r] - l;
    if (m < 0) continue;
    double* rp = out.data() + r * w;
    if (m == 0) {
      for (int c = 0; c < w; ++c) rp[c] *= s0;
      continue;
    }
    if (pos[l - m] < 0) throw std::invalid_argument("finish_rotation_rows: the row set must hold both Y_m and Y_-m");
    double* rn = out.data() + std::size_t(pos[l - m]) * w;
    double ca, sa;
    al.sincos(m, &ca, &sa);
    for (int c = 0; c < w; ++c) {
      const double p = rp[c], n = rn[c];
      rp[c] = s0 * (ca * p - sa * n);
      rn[c] = s0 * (sa * p + ca * n);
    }
  }
}

std::vector<double> wigner_matrix(int l, const Mat3& g) {
  if (l < 0) throw std::invalid_argument("wigner_matrix: degree l must be >= 0, got " + std::to_string(l));
  const EulerZYZ e = euler_zyz(g);
  std::vector<int> orders(std::size_t(l) + 1);
  for (int m = 0; m <= l; ++m) orders[m] = m;
  WignerRows W(e.beta, orders, l);
  while (W.degree() < l) W.advance();
  std::vector<double> T;
  std::vector<int> rows;
  W.rows(T, rows);
  finish_rotation_rows(l, e, rows, T);
  const int w = 2 * l + 1;
  std::vector<double> D(std::size_t(w) * w);
  for (std::size_t r = 0; r < rows.size(); ++r) std::copy_n(T.data() + r * w, w, D.data() + std::size_t(rows[r]) * w);
  return D;
}

std::unique_ptr<EigenspaceAction> wigner_action(int l, const std::vector<Isometry>& gens) {
  return std::make_unique<WignerAction>(l, gens);
}

bool is_z_block(const Mat3& g, double tol) {
  return std::fabs(g[2]) <= tol && std::fabs(g[5]) <= tol && std::fabs(g[6]) <= tol && std::fabs(g[7]) <= tol;
}

ZBlock z_block_of(const Mat3& g) {
  ZBlock z;
  const double det2 = g[0] * g[4] - g[1] * g[3];  // det of the xy block
  z.det = det2 * g[8] > 0 ? 1 : -1;
  // Proper part R = det·g: Rz(α) (R keeps z) or Rz(α) Ry(π) (R flips z).
  const double r0 = z.det * g[0], r3 = z.det * g[3];
  z.flip = z.det * g[8] < 0;
  z.angle = AngleMultiples::of(z.flip ? std::atan2(-r3, -r0) : std::atan2(r3, r0));
  return z;
}

PairBlock ZBlock::pair(int l, int m) const {
  const double s0 = (det < 0 && l % 2) ? -1.0 : 1.0;
  const double pl = (l % 2) ? -1.0 : 1.0;
  const double f0 = flip ? pl : 1.0, f1 = flip ? -pl : 1.0;  // Ry(π) = (−1)^l diag(1 on Y_m, −1 on Y_−m)
  PairBlock b;
  if (m == 0) {
    b.b00 = s0 * f0;
    return b;
  }
  double c, s;
  angle.sincos(m, &c, &s);
  b.b00 = s0 * c * f0;
  b.b01 = -s0 * s * f1;
  b.b10 = s0 * s * f0;
  b.b11 = s0 * c * f1;
  return b;
}

PairBlock z_block_pair(const Mat3& g, int l, int m) {
  return z_block_of(g).pair(l, m);
}

bool rotation_axis(const Mat3& g, double axis[3]) {
  const double det = g[0] * (g[4] * g[8] - g[5] * g[7]) - g[1] * (g[3] * g[8] - g[5] * g[6]) +
                     g[2] * (g[3] * g[7] - g[4] * g[6]);
  const double sg = det > 0 ? 1.0 : -1.0;
  Mat3 R;
  for (int i = 0; i < 9; ++i) R[i] = sg * g[i];
  const double cosang = 0.5 * (R[0] + R[4] + R[8] - 1.0);
  double v[3] = {R[7] - R[5], R[2] - R[6], R[3] - R[1]};  // 2 sin(angle) · a
  if (cosang >= 0) {
    const double n = std::sqrt(v[0] * v[0] + v[1] * v[1] + v[2] * v[2]);
    if (n < 2e-9) return false;  // the identity
    for (int i = 0; i < 3; ++i) axis[i] = v[i] / n;
    return true;
  }
  // Angle beyond π/2: a aᵀ = (R + Rᵀ − 2 cos I) / (2 (1 − cos)); take its largest column.
  double S[9];
  for (int i = 0; i < 3; ++i)
    for (int j = 0; j < 3; ++j) S[3 * i + j] = (R[3 * i + j] + R[3 * j + i] - (i == j ? 2 * cosang : 0.0)) / (2 * (1 - cosang));
  int k = 0;
  for (int i = 1; i < 3; ++i)
    if (S[4 * i] > S[4 * k]) k = i;
  const double n = std::sqrt(S[4 * k]);
  for (int i = 0; i < 3; ++i) axis[i] = S[3 * i + k] / n;
  // orient along v when it is meaningful (deterministic either way)
  if (axis[0] * v[0] + axis[1] * v[1] + axis[2] * v[2] < 0)
    for (int i = 0; i < 3; ++i) axis[i] = -axis[i];
  return true;
}

}  // namespace specavg
