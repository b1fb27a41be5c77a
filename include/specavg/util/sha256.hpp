#pragma once
// SHA-256 (FIPS 180-4) of a byte string or a file, as 64 lowercase hex digits (the same
// text `sha256sum` prints), to tie an output file to the exact model it came from.
#include <string>

namespace specavg {

std::string sha256_hex(const std::string& bytes);
// Throws std::runtime_error when the file cannot be read.
std::string sha256_file_hex(const std::string& path);

}  // namespace specavg
