#pragma once
// Gauss–Legendre rules and product quadratures on S² (normalized measure dσ/4π).
#include <cstddef>
#include <vector>

namespace specavg {

// n-point Gauss–Legendre rule on [−1, 1]: nodes ascending, weights summing to 2.
// Exact for polynomials of degree ≤ 2n − 1.
void gauss_legendre(int n, std::vector<double>& nodes, std::vector<double>& weights);

// Product rule on S² exact for every polynomial of degree ≤ degree restricted to the
// sphere: (⌊degree/2⌋+1) Gauss nodes in z times (degree+1) equispaced longitudes.
// Points row-major (n × 3); weights sum to 1 (normalized measure).
struct SphereQuadrature {
  std::vector<double> points;
  std::vector<double> weights;
  std::size_t size() const { return weights.size(); }
};
SphereQuadrature sphere_quadrature(int degree);

}  // namespace specavg
