// Kernel names and the user-facing Kernel: the manifold computes it (Manifold::kernel).
#include "specavg/estimate/kernel.hpp"

#include <cmath>
#include <sstream>
#include <stdexcept>

namespace specavg {

KernelKind parse_kernel(const std::string& name) {
  if (name == "heat") return KernelKind::Heat;
  if (name == "sobolev") return KernelKind::Sobolev;
  if (name == "vmf") return KernelKind::VonMisesFisher;
  if (name == "vonmises") return KernelKind::ProductVonMises;
  throw std::invalid_argument("unknown -krr_kernel '" + name + "': expected heat, sobolev, vmf or vonmises");
}

const char* kernel_name(KernelKind k) {
  switch (k) {
    case KernelKind::Heat:
      return "heat";
    case KernelKind::Sobolev:
      return "sobolev";
    case KernelKind::VonMisesFisher:
      return "vmf";
    case KernelKind::ProductVonMises:
      return "vonmises";
  }
  return "?";
}

KernelKind default_kernel(const Manifold& M) {
  return parse_kernel(M.default_kernel());
}

Kernel::Kernel(const Manifold& M, const KernelSpec& spec) : M_(M.shared_from_this()), spec_(spec) {
  const std::string name = kernel_name(spec.kind);
  if (!(spec.width > 0) || !std::isfinite(spec.width))
    throw std::invalid_argument("-krr_width must be a positive number for the " + name + " kernel");
  impl_ = M.kernel(name, spec.width);
}

std::string Kernel::describe() const {
  static const char* param[] = {"t", "s", "kappa", "eta"};
  std::ostringstream os;
  os << kernel_name(spec_.kind) << ", " << param[int(spec_.kind)] << " = " << spec_.width;
  if (terms() >= 0) os << " (" << terms() << " terms)";
  return os.str();
}

void Kernel::block(const double* X, std::size_t nx, const double* Y, std::size_t ny, double* out, std::size_t ldo,
                   double scale, bool accumulate) const {
  impl_->block(X, nx, Y, ny, out, ldo, scale, accumulate);
}

double Kernel::space_eigenvalue(const Eigenspace& e) const {
  return impl_->space_eigenvalue(e);
}

double Kernel::operator()(const double* x, const double* y) const {
  double v;
  block(x, 1, y, 1, &v, 1);
  return v;
}

}  // namespace specavg
