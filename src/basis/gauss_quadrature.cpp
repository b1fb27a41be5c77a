#include "specavg/basis/gauss_quadrature.hpp"

#include <cmath>
#include <stdexcept>

namespace specavg {

void gauss_legendre(int n, std::vector<double>& nodes, std::vector<double>& weights) {
  if (n < 1) throw std::invalid_argument("gauss_legendre: need n >= 1");
  nodes.assign(n, 0.0);
  weights.assign(n, 0.0);
  const double pi = std::acos(-1.0);
  for (int k = 0; k < (n + 1) / 2; ++k) {
    // Newton on P_n from the Tricomi initial guess; converges in a few steps.
    double x = std::cos(pi * (k + 0.75) / (n + 0.5));
    double dp = 1.0;
    for (int it = 0; it < 100; ++it) {
      double p0 = 1.0, p1 = x;
      for (int j = 2; j <= n; ++j) {
        const double p = ((2.0 * j - 1) * x * p1 - (j - 1.0) * p0) / j;
        p0 = p1;
        p1 = p;
      }
      const double pn = n == 1 ? x : p1, pnm1 = n == 1 ? 1.0 : p0;
      dp = n * (x * pn - pnm1) / (x * x - 1.0);
      const double dx = pn / dp;
      x -= dx;
      if (std::fabs(dx) < 1e-16) break;
    }
    double p0 = 1.0, p1 = x;
    for (int j = 2; j <= n; ++j) {
      const double p = ((2.0 * j - 1) * x * p1 - (j - 1.0) * p0) / j;
      p0 = p1;
      p1 = p;
    }
    dp = n == 1 ? 1.0 : n * (x * p1 - p0) / (x * x - 1.0);
    const double w = 2.0 / ((1.0 - x * x) * dp * dp);
    nodes[n - 1 - k] = x;
    nodes[k] = -x;
    weights[k] = weights[n - 1 - k] = w;
  }
  if (n % 2 == 1) nodes[n / 2] = 0.0;
}

SphereQuadrature sphere_quadrature(int degree) {
  if (degree < 0) throw std::invalid_argument("sphere_quadrature: degree must be >= 0");
  const int nz = degree / 2 + 1, nphi = degree + 1;
  std::vector<double> zs, wz;
  gauss_legendre(nz, zs, wz);
  SphereQuadrature q;
  q.points.reserve(std::size_t(3) * nz * nphi);
  q.weights.reserve(std::size_t(nz) * nphi);
  const double pi = std::acos(-1.0);
  for (int a = 0; a < nz; ++a) {
    const double s = std::sqrt(std::max(0.0, 1.0 - zs[a] * zs[a]));
    for (int b = 0; b < nphi; ++b) {
      const double phi = 2.0 * pi * b / nphi;
      q.points.insert(q.points.end(), {s * std::cos(phi), s * std::sin(phi), zs[a]});
      q.weights.push_back(0.5 * wz[a] / nphi);
    }
  }
  return q;
}

}  // namespace specavg
