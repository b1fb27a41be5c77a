#pragma once
// SHA-256 (FIPS 180-4) of a byte string or a file, as 64 lowercase hex digits (the same
// text `sha256sum` prints), to tie an output file to the exact model it came from.
#include <cstddef>
#include <cstdint>
#include <string>

namespace specavg {

// Incremental: update() with any number of byte ranges, then hex() once.
class Sha256 {
 public:
  void update(const void* data, std::size_t n);
  std::string hex();  // finishes the hash

 private:
  void block();
  std::uint32_t h_[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                         0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
  unsigned char buf_[64] = {};
  std::size_t fill_ = 0;
  std::uint64_t len_ = 0;
};

std::string sha256_hex(const std::string& bytes);
// Throws std::runtime_error when the file cannot be read.
std::string sha256_file_hex(const std::string& path);

}  // namespace specavg
