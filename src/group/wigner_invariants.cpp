#include "specavg/group/wigner_invariants.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <sstream>
#include <stdexcept>

#include "specavg/util/dense_linalg.hpp"

namespace specavg {
namespace {

constexpr int kScoreOrders = 60;  // orders scored when choosing the frame
constexpr double kZTol = 1e-10;   // off-block entries of a pair-diagonal element (after conjugation)

bool is_identity(const Mat3& g) {
  const Mat3 id = mat3_identity();
  for (int i = 0; i < 9; ++i)
    if (std::fabs(g[i] - id[i]) > 1e-12) return false;
  return true;
}

// F = Rz(φ) Ry(θ) maps e_z to the unit axis a = (sin θ cos φ, sin θ sin φ, cos θ).
Mat3 frame_matrix(double theta, double phi) {
  const double ct = std::cos(theta), st = std::sin(theta), cp = std::cos(phi), sp = std::sin(phi);
  const Mat3 rz = {cp, -sp, 0, sp, cp, 0, 0, 0, 1};
  const Mat3 ry = {ct, 0, st, 0, 1, 0, -st, 0, ct};
  return mat3_mul(rz, ry);
}

Mat3 zero_off_block(Mat3 g) {
  g[2] = g[5] = g[6] = g[7] = 0.0;
  return g;
}

struct Null2 {
  int dim = 0;
  double v0 = 1, v1 = 0;
};

// Null space of Σ_j (2I − B_j − B_jᵀ) on one pair (m > 0: 2×2; m = 0: 1×1).
Null2 pair_null(const std::vector<ZBlock>& zb, int parity, int m, double thresh) {
  double c00 = 0, c01 = 0, c11 = 0;
  for (const ZBlock& g : zb) {
    const PairBlock b = g.pair(parity, m);
    c00 += 2 - 2 * b.b00;
    c11 += 2 - 2 * b.b11;
    c01 -= b.b01 + b.b10;
  }
  Null2 out;
  if (m == 0) {
    out.dim = c00 < thresh ? 1 : 0;
    return out;
  }
  const double mean = 0.5 * (c00 + c11), rad = std::hypot(0.5 * (c00 - c11), c01);
  if (mean + rad < thresh) {
    out.dim = 2;
  } else if (mean - rad < thresh) {
    out.dim = 1;
    const double th = 0.5 * std::atan2(2 * c01, c00 - c11);  // (cos, sin) th: the larger eigenvalue
    out.v0 = -std::sin(th);
    out.v1 = std::cos(th);
    if (std::fabs(out.v0) > std::fabs(out.v1) ? out.v0 < 0 : out.v1 < 0) {
      out.v0 = -out.v0;
      out.v1 = -out.v1;
    }
  }
  return out;
}

}  // namespace

std::vector<double> WignerSpace::dense() const {
  if (!sparse) return Q;
  const int w = 2 * l + 1;
  std::vector<double> D(std::size_t(w) * k, 0.0);
  for (int t = 0; t < k; ++t) {
    D[std::size_t(t) * w + rows[2 * t]] += vals[2 * t];
    if (rows[2 * t + 1] != rows[2 * t]) D[std::size_t(t) * w + rows[2 * t + 1]] += vals[2 * t + 1];
  }
  return D;
}

WignerInvariants::~WignerInvariants() = default;

WignerInvariants::WignerInvariants(const std::vector<Mat3>& gens_in, int lmax, double null_tol)
    : lmax_(lmax), tol_(null_tol) {
  if (lmax < 0) throw std::invalid_argument("WignerInvariants: lmax must be >= 0");
  std::vector<Mat3> gens;
  std::vector<int> idx;
  for (std::size_t j = 0; j < gens_in.size(); ++j)
    if (!is_identity(gens_in[j])) {
      gens.push_back(gens_in[j]);
      idx.push_back(int(j));
    }
  r_ = int(gens.size());
  const double thresh = tol_ * std::max(1, r_);

  // Candidate frames: z, then the axis of every generator (duplicates skipped).
  std::vector<std::array<double, 3>> axes = {{0, 0, 1}};
  for (const Mat3& g : gens) {
    double a[3];
    if (!rotation_axis(g, a)) continue;
    bool dup = false;
    for (const auto& b : axes) dup |= std::fabs(a[0] * b[0] + a[1] * b[1] + a[2] * b[2]) > 1 - 1e-12;
    if (!dup) axes.push_back({a[0], a[1], a[2]});
  }
  long best_score = -1;
  std::size_t best_general = 0;
  for (std::size_t c = 0; c < axes.size(); ++c) {
    const auto& a = axes[c];
    const double theta = std::atan2(std::hypot(a[0], a[1]), a[2]);
    const double phi = c == 0 ? 0.0 : std::atan2(a[1], a[0]);
    const Mat3 F = frame_matrix(theta, phi), Ft = mat3_transpose(F);
    std::vector<ZBlock> zb;
    std::vector<int> zi, gi;
    std::vector<Mat3> gen;
    for (std::size_t j = 0; j < gens.size(); ++j) {
      const Mat3 gp = c == 0 ? gens[j] : mat3_mul(Ft, mat3_mul(gens[j], F));
      if (is_z_block(gp, kZTol)) {
        zb.push_back(z_block_of(zero_off_block(gp)));
        zi.push_back(idx[j]);
      } else {
        gen.push_back(gp);
        gi.push_back(idx[j]);
      }
    }
    long score = 0;
    for (int p = 0; p < 2; ++p)
      for (int m = 0; m <= kScoreOrders; ++m) score += pair_null(zb, p, m, thresh).dim;
    if (best_score < 0 || score < best_score || (score == best_score && gen.size() < best_general)) {
      best_score = score;
      best_general = gen.size();
      identity_frame_ = c == 0;
      theta_ = theta;
      phi_ = phi;
      for (int i = 0; i < 3; ++i) axis_[i] = a[i];
      zblock_ = zb;
      zblock_idx_ = zi;
      general_idx_ = gi;
      general_.clear();
      for (const Mat3& g : gen) general_.push_back(euler_zyz(g));
    }
  }
  parity_pairs_.assign(2, {});
  std::vector<char> keep(std::size_t(lmax) + 1, 0);
  for (int p = 0; p < 2; ++p)
    for (int m = 0; m <= lmax; ++m) {
      const Null2 n = pair_null(zblock_, p, m, thresh);
      if (n.dim == 0) continue;
      parity_pairs_[p].push_back({m, n.dim, n.v0, n.v1});
      keep[m] = 1;
    }
  for (int m = 0; m <= lmax; ++m)
    if (keep[m]) orders_.push_back(m);
}

void WignerInvariants::make_rows() {
  if (rows_made_) return;
  rows_made_ = true;
  for (const EulerZYZ& e : general_) rows_.push_back(std::make_unique<WignerRows>(e.beta, orders_, lmax_));
  if (!identity_frame_) frame_rows_ = std::make_unique<WignerRows>(-theta_, orders_, lmax_);
}

std::vector<WignerInvariants::Pair> WignerInvariants::pairs(int l) const {
  std::vector<Pair> out;
  for (const Pair& p : parity_pairs_[l % 2]) {
    if (p.m > l) break;
    out.push_back(p);
  }
  return out;
}

int WignerInvariants::kept_functions(int l) const {
  int s = 0;
  for (const Pair& p : parity_pairs_[l % 2]) {
    if (p.m > l) break;
    s += p.dim;
  }
  return s;
}

double WignerInvariants::degree_flops(int l) const {
  const double s = kept_functions(l), w = 2.0 * l + 1, g = double(general_.size());
  if (general_.empty() && identity_frame_) return 20.0 * w * std::max(1, r_);
  double nrows = 0;
  for (int m : orders_) {
    if (m > l) break;
    nrows += m ? 2 : 1;
  }
  const double k = s / 4 + 1;  // the null space is a fraction of the kept space
  return 9.0 * s * s * s + g * (4.0 * nrows * nrows * s + 8.0 * nrows * w + 2.0 * w * nrows * k) +
         (identity_frame_ ? 0.0 : 2.0 * w * nrows * k) + 4.0 * w * k * k;
}

double WignerInvariants::advance_flops(int l) const {
  double rows = 0;
  for (int m : orders_) {
    if (m > l) break;
    rows += 1;
  }
  const double betas = double(general_.size()) + (identity_frame_ ? 0.0 : 1.0);
  return betas * 2.0 * rows * (l + 1) * 10.0;
}

std::string WignerInvariants::route() const {
  std::ostringstream os;
  if (identity_frame_) {
    os << "frame z";
  } else {
    os.precision(6);
    os << "frame along (" << axis_[0] << ", " << axis_[1] << ", " << axis_[2] << ")";
  }
  auto list = [&](const std::vector<int>& v) {
    if (v.empty()) return std::string("none");
    std::string s;
    for (std::size_t i = 0; i < v.size(); ++i) s += (i ? "," : "") + std::to_string(v[i]);
    return s;
  };
  os << "; pair-diagonal generators " << list(zblock_idx_) << "; general generators " << list(general_idx_);
  const int lref = std::max(1, std::min(lmax_, 200));
  os << "; kept " << kept_functions(lref) << "/" << 2 * lref + 1 << " functions at degree " << lref;
  os << (block_sparse() ? "; Q block sparse" : "; Q dense");
  return os.str();
}

WignerSpace WignerInvariants::solve_space(int l) {
  if (l < 0 || l > lmax_) throw std::invalid_argument("WignerInvariants::solve: degree out of range");
  const int w = 2 * l + 1;
  WignerSpace out;
  out.l = l;
  const std::vector<Pair> P = pairs(l);
  std::vector<std::vector<PairBlock>>& zpairs = ws_.zpairs;  // [generator][m] at this degree
  zpairs.resize(zblock_.size());
  for (std::size_t j = 0; j < zblock_.size(); ++j) {
    zpairs[j].resize(std::size_t(l) + 1);
    for (int m = 0; m <= l; ++m) zpairs[j][m] = zblock_[j].pair(l, m);
  }
  auto z_residual_col = [&](const double* q) {  // Σ over pair-diagonal generators, max kept below
    double worst = 0;
    for (const std::vector<PairBlock>& blocks : zpairs) {
      double s2 = 0;
      for (int m = 0; m <= l; ++m) {
        const PairBlock& b = blocks[m];
        if (m == 0) {
          const double d = b.b00 * q[l] - q[l];
          s2 += d * d;
          continue;
        }
        const double x = q[l + m], y = q[l - m];
        const double d0 = b.b00 * x + b.b10 * y - x, d1 = b.b01 * x + b.b11 * y - y;  // Bᵀ q − q
        s2 += d0 * d0 + d1 * d1;
      }
      worst = std::max(worst, std::sqrt(s2));
    }
    return worst;
  };

  if (general_.empty() && identity_frame_) {  // block sparse, exact
    out.sparse = true;
    out.rows.reserve(4 * P.size());
    out.vals.reserve(4 * P.size());
    for (const Pair& p : P) {
      if (p.m == 0) {
        out.rows.insert(out.rows.end(), {l, l});
        out.vals.insert(out.vals.end(), {1.0, 0.0});
      } else if (p.dim == 2) {
        out.rows.insert(out.rows.end(), {l + p.m, l + p.m, l - p.m, l - p.m});
        out.vals.insert(out.vals.end(), {1.0, 0.0, 1.0, 0.0});
      } else {
        out.rows.insert(out.rows.end(), {l + p.m, l - p.m});
        out.vals.insert(out.vals.end(), {p.v0, p.v1});
      }
    }
    out.k = int(out.rows.size() / 2);
    // Residual per column on its pair only (the other entries are zero).
    for (const std::vector<PairBlock>& blocks : zpairs)
      for (int t = 0; t < out.k; ++t) {
        const int ra = out.rows[2 * t], m = ra - l;
        const PairBlock& b = blocks[std::abs(m)];
        double d;
        if (m == 0) {
          d = std::fabs(b.b00 * out.vals[2 * t] - out.vals[2 * t]);
        } else {
          double x = 0, y = 0;  // the column on (Y_|m|, Y_−|m|)
          for (int s = 0; s < 2; ++s) {
            const int r = out.rows[2 * t + s];
            if (s == 1 && r == ra) break;
            (r - l > 0 ? x : y) += out.vals[2 * t + s];
          }
          const double d0 = b.b00 * x + b.b10 * y - x, d1 = b.b01 * x + b.b11 * y - y;
          d = std::hypot(d0, d1);
        }
        out.residual = std::max(out.residual, d);
      }
    return out;
  }

  make_rows();
  // Rows of the kept orders (both functions of each pair, whatever its null dimension).
  std::vector<int> srows;
  for (int m : orders_) {
    if (m > l) break;
    srows.push_back(l + m);
    if (m > 0) srows.push_back(l - m);
  }
  const int nr = int(srows.size());
  int s = 0;
  for (const Pair& p : P) s += p.dim;
  if (s == 0) {  // nothing survives the pair-diagonal generators (e.g. odd l under inversion)
    out.sparse = false;
    return out;
  }
  std::vector<int> pos(std::size_t(w), -1);
  for (int i = 0; i < nr; ++i) pos[srows[i]] = i;
  // U (nr × s): the null vectors of the pair-diagonal generators.
  std::vector<double>& U = ws_.U;
  U.assign(std::size_t(nr) * s, 0.0);
  {
    int t = 0;
    for (const Pair& p : P) {
      if (p.m == 0) {
        U[std::size_t(t++) * nr + pos[l]] = 1.0;
      } else if (p.dim == 2) {
        U[std::size_t(t++) * nr + pos[l + p.m]] = 1.0;
        U[std::size_t(t++) * nr + pos[l - p.m]] = 1.0;
      } else {
        U[std::size_t(t) * nr + pos[l + p.m]] = p.v0;
        U[std::size_t(t++) * nr + pos[l - p.m]] = p.v1;
      }
    }
  }
  std::vector<double>& Qs = ws_.Qs;  // nr × k in the frame
  std::vector<std::vector<double>>& Dg = ws_.Dg;  // rows srows of D_l(g'_j), row-major nr × w
  Dg.resize(general_.size());
  int k = s;
  if (general_.empty()) {
    Qs = U;
  } else {
    std::vector<double> C(std::size_t(s) * s, 0.0), X(std::size_t(nr) * s), B(std::size_t(s) * s);
    std::vector<double>& Dss = ws_.Dss;
    Dss.resize(std::size_t(nr) * nr);
    for (int i = 0; i < s; ++i) C[std::size_t(i) * s + i] = 2.0 * double(general_.size());
    for (std::size_t j = 0; j < general_.size(); ++j) {
      WignerRows& W = *rows_[j];
      while (W.degree() < l) W.advance();
      std::vector<int> wr;
      W.rows(Dg[j], wr);
      finish_rotation_rows(l, general_[j], wr, Dg[j]);
      if (wr != srows) throw std::logic_error("WignerInvariants: row sets differ");
      // Dss column-major nr × nr: Dss(a, b) = D[srows[a], srows[b]].
      for (int b = 0; b < nr; ++b)
        for (int a = 0; a < nr; ++a) Dss[std::size_t(b) * nr + a] = Dg[j][std::size_t(a) * w + srows[b]];
      dgemm(false, false, nr, s, nr, 1.0, Dss.data(), nr, U.data(), nr, 0.0, X.data(), nr);
      dgemm(true, false, s, s, nr, 1.0, U.data(), nr, X.data(), nr, 0.0, B.data(), s);
      for (int c = 0; c < s; ++c)
        for (int i = 0; i < s; ++i) C[std::size_t(c) * s + i] -= B[std::size_t(c) * s + i] + B[std::size_t(i) * s + c];
    }
    std::vector<double> ev;
    symmetric_eigen(s, C, ev);
    const double thresh = tol_ * std::max(1, r_);
    k = int(std::count_if(ev.begin(), ev.end(), [thresh](double v) { return v < thresh; }));
    Qs.assign(std::size_t(nr) * k, 0.0);
    if (k > 0) dgemm(false, false, nr, k, s, 1.0, U.data(), nr, C.data(), s, 0.0, Qs.data(), nr);
  }
  out.k = k;
  out.sparse = false;
  if (k == 0) return out;
  // Residual in the frame: general generators through their rows, pair-diagonal ones exactly.
  std::vector<double> Qf(std::size_t(w) * k, 0.0);  // Q' embedded, w × k
  for (int t = 0; t < k; ++t)
    for (int i = 0; i < nr; ++i) Qf[std::size_t(t) * w + srows[i]] = Qs[std::size_t(t) * nr + i];
  {
    std::vector<double> R(std::size_t(w) * k);
    for (std::size_t j = 0; j < general_.size(); ++j) {
      // R = D[srows, :]ᵀ Qs: the row-major nr × w block is column-major w × nr.
      dgemm(false, false, w, k, nr, 1.0, Dg[j].data(), w, Qs.data(), nr, 0.0, R.data(), w);
      for (int t = 0; t < k; ++t) {
        double s2 = 0;
        for (int i = 0; i < w; ++i) {
          const double d = R[std::size_t(t) * w + i] - Qf[std::size_t(t) * w + i];
          s2 += d * d;
        }
        out.residual = std::max(out.residual, std::sqrt(s2));
      }
    }
    for (int t = 0; t < k; ++t) out.residual = std::max(out.residual, z_residual_col(Qf.data() + std::size_t(t) * w));
  }
  if (identity_frame_) {
    out.Q = std::move(Qf);
    return out;
  }
  // Back to the original axes: Q = D_l(F) Q' = (rows srows of D_l(Fᵀ))ᵀ Qs, Fᵀ = Ry(−θ) Rz(−φ).
  WignerRows& WF = *frame_rows_;
  while (WF.degree() < l) WF.advance();
  std::vector<double>& TF = ws_.TF;
  std::vector<int> fr;
  WF.rows(TF, fr);
  EulerZYZ ef;
  ef.alpha = 0;
  ef.beta = -theta_;
  ef.gamma = -phi_;
  finish_rotation_rows(l, ef, fr, TF);
  out.Q.assign(std::size_t(w) * k, 0.0);
  dgemm(false, false, w, k, nr, 1.0, TF.data(), w, Qs.data(), nr, 0.0, out.Q.data(), w);
  return out;
}

SpaceInvariants WignerInvariants::solve(int l) {
  Eigenspace e;
  e.label = l;
  e.lambda = double(l) * (l + 1);
  e.m = std::size_t(2 * l + 1);
  WignerSpace ws = solve_space(l);
  if (ws.sparse) {  // canonical already; kept block sparse (O(k), never m × k)
    SpaceInvariants out = finish_invariants(e, nullptr, {}, 0, "wigner", false);
    out.k = ws.k;
    out.sparse = true;
    out.sparse_rows = std::move(ws.rows);
    out.sparse_vals = std::move(ws.vals);
    out.residual = ws.residual;
    return out;
  }
  SpaceInvariants out = finish_invariants(e, nullptr, std::move(ws.Q), ws.k, "wigner", true);
  out.residual = ws.residual;
  return out;
}

}  // namespace specavg
