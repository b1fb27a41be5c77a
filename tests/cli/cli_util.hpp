#pragma once
// Helpers for command-line tests: small HDF5 inputs written with serial HDF5, and the
// specavg executable run under mpiexec with its exit status and merged output.
#include <gtest/gtest.h>
#include <hdf5.h>
#include <sys/wait.h>

#include <cmath>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

namespace specavg::cli {

struct Dataset {
  std::string name;
  std::vector<hsize_t> dims;
  std::vector<double> data;
  hid_t file_type = H5T_IEEE_F64LE;  // e.g. H5T_IEEE_F32LE to store float32
};

inline void write_h5(const std::string& path, const std::vector<Dataset>& sets) {
  hid_t f = H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
  ASSERT_GE(f, 0) << path;
  for (const auto& s : sets) {
    hid_t sp = H5Screate_simple(int(s.dims.size()), s.dims.data(), nullptr);
    hid_t d = H5Dcreate2(f, s.name.c_str(), s.file_type, sp, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    if (!s.data.empty()) H5Dwrite(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, s.data.data());
    H5Dclose(d);
    H5Sclose(sp);
  }
  H5Fclose(f);
}

// n points on the unit sphere S² (a spiral).
inline Dataset sphere_points(int n) {
  Dataset p{"points", {hsize_t(n), 3}, {}};
  for (int i = 0; i < n; ++i) {
    const double z = 1.0 - (2.0 * i + 1) / n, s = std::sqrt(1 - z * z), a = 2.399963 * i;
    p.data.insert(p.data.end(), {s * std::cos(a), s * std::sin(a), z});
  }
  return p;
}

struct RunResult {
  int code;
  std::string output;
};

inline RunResult run_specavg(const std::string& args, int ranks = 2) {
  const std::string cmd =
      std::string(SPECAVG_MPIEXEC) + " -n " + std::to_string(ranks) + " " + SPECAVG_EXE + " " + args + " 2>&1";
  RunResult r{-1, {}};
  FILE* p = popen(cmd.c_str(), "r");
  if (!p) return r;
  char buf[4096];
  while (std::fgets(buf, sizeof buf, p)) r.output += buf;
  const int st = pclose(p);
  r.code = WIFEXITED(st) ? WEXITSTATUS(st) : 128;
  return r;
}

inline std::string file_bytes(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>());
}

}  // namespace specavg::cli
