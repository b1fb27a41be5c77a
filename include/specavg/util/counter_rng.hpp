#pragma once
// Counter-based random numbers: the value for (seed, stream, index) is a pure function,
// so data synthesized by rows is identical whatever the number of ranks.
#include <cstdint>

namespace specavg {

std::uint64_t rng_bits(std::uint64_t seed, std::uint64_t stream, std::uint64_t index);
// Uniform in the open interval (0, 1).
double rng_uniform(std::uint64_t seed, std::uint64_t stream, std::uint64_t index);
// Standard normal (Box–Muller on two uniforms of sub-streams 2·index and 2·index+1).
double rng_normal(std::uint64_t seed, std::uint64_t stream, std::uint64_t index);

}  // namespace specavg
