// Links the installed library and checks two numbers: I_h has exactly one invariant at
// degree 6 and none at degree 4, and Y_00 ≡ 1.
#include <cmath>
#include <cstdio>

#include <specavg/basis/sphere_harmonics.hpp>
#include <specavg/group/invariant_basis.hpp>

int main() {
  const auto gens = specavg::generators_from_spec("Ih");
  const int k6 = specavg::invariant_subspace(6, gens).k, k4 = specavg::invariant_subspace(4, gens).k;
  specavg::SphereHarmonics sh(2);
  const double x[3] = {0.0, 0.6, 0.8};
  double y[9];
  sh.evaluate(x, 1, y, 1);
  std::printf("consumer: Ih invariants l=6: %d, l=4: %d, Y00 = %g\n", k6, k4, y[0]);
  return (k6 == 1 && k4 == 0 && std::fabs(y[0] - 1.0) < 1e-15) ? 0 : 1;
}
