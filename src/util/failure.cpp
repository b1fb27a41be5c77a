#include "specavg/util/failure.hpp"

#include <cstdio>
#include <cstdlib>
#include <sstream>
#include <stdexcept>
#include <vector>

namespace specavg {

AllocationFailure::AllocationFailure(std::string object, double bytes) : object_(std::move(object)), bytes_(bytes) {
  text_ = "cannot allocate " + object_ + (bytes_ > 0 ? " (" + human_size(bytes_) + ")" : std::string());
}

std::string human_size(double bytes) {
  static const char* kUnits[] = {"B", "KiB", "MiB", "GiB", "TiB", "PiB"};
  int u = 0;
  while (bytes >= 1024.0 && u < 5) bytes /= 1024.0, ++u;
  char buf[32];
  std::snprintf(buf, sizeof buf, u ? "%.1f %s" : "%.0f %s", bytes, kUnits[u]);
  return buf;
}

namespace detail {

bool g_failure_injection_armed = false;
namespace {
std::vector<std::string> g_sites;  // sites armed on this rank
}

void inject_failure_now(const char* site) {
  for (const std::string& s : g_sites) {
    if (s != site) continue;
    if (s == "alloc") throw AllocationFailure("an injected test allocation", 0.0);
    throw std::runtime_error(std::string("injected failure at site '") + site + "' (SPECAVG_INJECT_FAILURE)");
  }
}

}  // namespace detail

void configure_failure_injection(int rank) {
  detail::g_sites.clear();
  const char* env = std::getenv("SPECAVG_INJECT_FAILURE");
  if (env && *env) {
    std::stringstream ss(env);
    std::string item;
    while (std::getline(ss, item, ',')) {
      const auto colon = item.find(':');
      const std::string site = item.substr(0, colon), who = colon == std::string::npos ? "*" : item.substr(colon + 1);
      if (who == "*" || who == std::to_string(rank)) detail::g_sites.push_back(site);
    }
  }
  detail::g_failure_injection_armed = !detail::g_sites.empty();
}

}  // namespace specavg
