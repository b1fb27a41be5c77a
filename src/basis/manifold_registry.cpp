// The `-manifold` names and their implementations. Adding a manifold: its source pair, and
// one line in kRegistry (docs/extending.md).
#include <sstream>
#include <stdexcept>

#include "specavg/basis/manifold.hpp"
#include "specavg/basis/s2_manifold.hpp"
#include "specavg/basis/sphere_manifold.hpp"
#include "specavg/basis/torus_manifold.hpp"

namespace specavg {
namespace {

struct Registration {
  const char* name;
  int default_dim;  // −1: -dim must be given
  ManifoldPtr (*make)(int dim);
};

const Registration kRegistry[] = {
    {"s2", 3, make_s2_manifold},
    {"sphere", -1, make_sphere_manifold},
    {"torus", -1, make_torus_manifold},
};

const Registration* find(const std::string& name) {
  for (const Registration& r : kRegistry)
    if (name == r.name) return &r;
  return nullptr;
}

}  // namespace

std::vector<std::string> manifold_names() {
  std::vector<std::string> out;
  for (const Registration& r : kRegistry) out.push_back(r.name);
  return out;
}

int manifold_default_dim(const std::string& name) {
  const Registration* r = find(name);
  return r ? r->default_dim : -1;
}

ManifoldPtr make_manifold(const std::string& name, int dim) {
  const Registration* r = find(name);
  if (!r) {
    std::ostringstream os;
    os << "unknown -manifold '" << name << "': expected ";
    const std::vector<std::string> names = manifold_names();
    for (std::size_t i = 0; i < names.size(); ++i)
      os << (i == 0 ? "" : i + 1 == names.size() ? " or " : ", ") << names[i];
    throw std::invalid_argument(os.str());
  }
  return r->make(dim);
}

}  // namespace specavg
