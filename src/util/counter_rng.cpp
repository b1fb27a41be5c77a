#include "specavg/util/counter_rng.hpp"

#include <cmath>

namespace specavg {
namespace {
std::uint64_t splitmix(std::uint64_t x) {
  x += 0x9E3779B97F4A7C15ULL;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
  return x ^ (x >> 31);
}
}  // namespace

std::uint64_t rng_bits(std::uint64_t seed, std::uint64_t stream, std::uint64_t index) {
  return splitmix(splitmix(splitmix(seed) ^ stream) ^ index);
}

double rng_uniform(std::uint64_t seed, std::uint64_t stream, std::uint64_t index) {
  return (double(rng_bits(seed, stream, index) >> 11) + 0.5) * 0x1.0p-53;
}

double rng_normal(std::uint64_t seed, std::uint64_t stream, std::uint64_t index) {
  const double u1 = rng_uniform(seed, stream, 2 * index);
  const double u2 = rng_uniform(seed, stream, 2 * index + 1);
  return std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * u2);
}

}  // namespace specavg
