#include "specavg/basis/sphere_harmonics.hpp"

#include <cmath>
#include <stdexcept>
#include <string>

namespace specavg {
namespace {
constexpr int kChunk = 256;      // points per inner sweep (state fits in L1/L2)
constexpr int kScaleBits = 300;  // X-number rescaling step 2^±300
const double kBig = std::ldexp(1.0, kScaleBits);
const double kSmall = std::ldexp(1.0, -kScaleBits);
}  // namespace

SphereHarmonics::SphereHarmonics(int lmax) : lmax_(lmax) {
  if (lmax < 0) throw std::invalid_argument("SphereHarmonics: lmax must be >= 0, got " + std::to_string(lmax));
  const std::size_t n = tri(lmax, lmax) + 1;
  a_.assign(n, 0.0);
  b_.assign(n, 0.0);
  for (int m = 0; m <= lmax; ++m)
    for (int l = m + 1; l <= lmax; ++l) {
      const double lm = double(l - m), lp = double(l + m);
      a_[tri(l, m)] = std::sqrt((2.0 * l - 1) * (2.0 * l + 1) / (lm * lp));
      b_[tri(l, m)] =
          (l - m - 1 > 0) ? std::sqrt((2.0 * l + 1) * (lp - 1) * (lm - 1) / (lm * lp * (2.0 * l - 3))) : 0.0;
    }
  sect_.assign(std::size_t(lmax) + 1, 1.0);
  if (lmax >= 1) sect_[1] = std::sqrt(3.0);
  for (int m = 2; m <= lmax; ++m) sect_[m] = std::sqrt((2.0 * m + 1) / (2.0 * m));
}

void SphereHarmonics::evaluate(const double* xyz, std::size_t npts, double* out, std::size_t ld) const {
  if (ld < npts) throw std::invalid_argument("SphereHarmonics::evaluate: ld < npts");
  sweep(xyz, npts, out, ld, -1);
}

void SphereHarmonics::evaluate_degree(int l, const double* xyz, std::size_t npts, double* out, std::size_t ld) const {
  if (ld < npts) throw std::invalid_argument("SphereHarmonics::evaluate_degree: ld < npts");
  if (l < 0 || l > lmax_) throw std::invalid_argument("SphereHarmonics::evaluate_degree: degree out of range");
  sweep(xyz, npts, out, ld, l);
}

// One recurrence sweep; only >= 0 stores degree `only` alone (columns m + only).
void SphereHarmonics::sweep(const double* xyz, std::size_t npts, double* out, std::size_t ld, int only) const {
  const int L = only >= 0 ? only : lmax_;
  double z[kChunk], s[kChunk], cphi[kChunk], sphi[kChunk], cm[kChunk], sm[kChunk];
  double mant[kChunk], p1[kChunk], p2[kChunk];
  int ex[kChunk], ecol[kChunk];

  for (std::size_t i0 = 0; i0 < npts; i0 += kChunk) {
    const int nb = int(std::min<std::size_t>(kChunk, npts - i0));
    for (int i = 0; i < nb; ++i) {
      const double* p = xyz + 3 * (i0 + i);
      z[i] = p[2];
      s[i] = std::sqrt(p[0] * p[0] + p[1] * p[1]);
      cphi[i] = s[i] > 0 ? p[0] / s[i] : 1.0;
      sphi[i] = s[i] > 0 ? p[1] / s[i] : 0.0;
      cm[i] = 1.0;
      sm[i] = 0.0;
      mant[i] = 1.0;
      ex[i] = 0;
    }
    double* o = out + i0;
    for (int m = 0; m <= L; ++m) {
      bool scaled = false;
      if (m > 0) {
        for (int i = 0; i < nb; ++i) {
          mant[i] *= sect_[m] * s[i];
          const double c = cm[i] * cphi[i] - sm[i] * sphi[i];
          sm[i] = sm[i] * cphi[i] + cm[i] * sphi[i];
          cm[i] = c;
        }
        for (int i = 0; i < nb; ++i) {
          if (mant[i] != 0.0 && mant[i] < kSmall) {
            mant[i] *= kBig;
            ex[i] -= kScaleBits;
          }
          scaled |= ex[i] < 0;
        }
      }
      for (int i = 0; i < nb; ++i) {
        p1[i] = mant[i];
        p2[i] = 0.0;
        ecol[i] = ex[i];
      }
      for (int l = m;;) {
        // Store degree l, order m: cos (or m = 0) column and sin column.
        const std::size_t base = only >= 0 ? std::size_t(only) : std::size_t(l) * l + l;
        double* oc = o + (base + m) * ld;
        double* os = o + (base - m) * ld;
        if (only >= 0 && l != only) {
          // not stored: only the recurrence below advances
        } else if (!scaled) {
          if (m == 0)
            for (int i = 0; i < nb; ++i) oc[i] = p1[i];
          else
            for (int i = 0; i < nb; ++i) {
              oc[i] = p1[i] * cm[i];
              os[i] = p1[i] * sm[i];
            }
        } else {
          for (int i = 0; i < nb; ++i) {
            const double v = ecol[i] < 0 ? std::ldexp(p1[i], ecol[i]) : p1[i];
            oc[i] = v * cm[i];
            os[i] = v * sm[i];
          }
        }
        if (++l > L) break;
        const double a = a_[tri(l, m)], b = b_[tri(l, m)];
        for (int i = 0; i < nb; ++i) {
          const double p = a * z[i] * p1[i] - b * p2[i];
          p2[i] = p1[i];
          p1[i] = p;
        }
        if (scaled)
          for (int i = 0; i < nb; ++i)
            if (ecol[i] < 0 && std::fabs(p1[i]) > kBig) {
              p1[i] *= kSmall;
              p2[i] *= kSmall;
              ecol[i] += kScaleBits;
            }
      }
    }
  }
}

}  // namespace specavg
