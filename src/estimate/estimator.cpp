#include "specavg/estimate/estimator.hpp"

#include <stdexcept>

namespace specavg {

const std::vector<const Estimator*>& registered_estimators() {
  static const std::vector<const Estimator*> all{&ridge_estimator(), &spectral_estimator(), &krr_estimator(),
                                                 &krr_group_averaged_estimator(), &krr_augmented_estimator()};
  return all;
}

std::string estimator_names(const char* sep) {
  std::string s;
  for (const Estimator* e : registered_estimators()) s += (s.empty() ? "" : sep) + std::string(e->name());
  return s;
}

bool has_estimator(const std::string& name) {
  for (const Estimator* e : registered_estimators())
    if (name == e->name()) return true;
  return false;
}

const Estimator& find_estimator(const std::string& name) {
  for (const Estimator* e : registered_estimators())
    if (name == e->name()) return *e;
  throw std::invalid_argument("unknown estimator '" + name + "': expected one of " + estimator_names());
}

}  // namespace specavg
