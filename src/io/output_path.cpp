#include "specavg/io/output_path.hpp"

#include <climits>
#include <cstdlib>
#include <sys/stat.h>

#include "specavg/comm/collective.hpp"
#include "specavg/comm/petsc_util.hpp"

namespace specavg {
namespace {

struct Identity {
  bool exists = false;
  dev_t dev = 0;
  ino_t ino = 0;
  std::string canonical;  // realpath, or realpath(parent) + "/" + name when absent
};

std::string real_path(const std::string& p) {
  char buf[PATH_MAX];
  return ::realpath(p.c_str(), buf) ? std::string(buf) : std::string();
}

Identity identify(const std::string& path) {
  Identity id;
  struct stat st;
  if (::stat(path.c_str(), &st) == 0) {
    id.exists = true;
    id.dev = st.st_dev;
    id.ino = st.st_ino;
    id.canonical = real_path(path);
    return id;
  }
  const std::size_t slash = path.find_last_of('/');
  const std::string dir = slash == std::string::npos ? "." : (slash == 0 ? "/" : path.substr(0, slash));
  const std::string name = slash == std::string::npos ? path : path.substr(slash + 1);
  const std::string parent = real_path(dir);
  if (!parent.empty() && !name.empty() && name != "." && name != "..")
    id.canonical = (parent == "/" ? "" : parent) + "/" + name;
  return id;
}

bool same_file(const Identity& a, const Identity& b) {
  if (a.exists && b.exists) return a.dev == b.dev && a.ino == b.ino;
  return !a.canonical.empty() && a.canonical == b.canonical;
}

bool is_directory(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

}  // namespace

std::string output_path_conflict(const NamedPath& out, const std::vector<NamedPath>& inputs) {
  if (out.path.empty()) return {};
  if (is_directory(out.path) || (!out.path.empty() && out.path.back() == '/'))
    return out.option + " '" + out.path + "' is a directory: pass a file name, e.g. " + out.option + " " +
           (out.path.back() == '/' ? out.path : out.path + "/") + "out.h5";
  const Identity o = identify(out.path), t = identify(out.path + ".tmp");
  for (const NamedPath& in : inputs) {
    if (in.path.empty()) continue;
    const Identity i = identify(in.path);
    if (same_file(o, i))
      return out.option + " '" + out.path + "' is the same file as " + in.option + " '" + in.path +
             "': writing it would destroy the input; choose another " + out.option + " path";
    if (same_file(t, i))
      return in.option + " '" + in.path + "' is the temporary file of " + out.option + " '" + out.path +
             "' (<output>.tmp): writing the output would destroy it; choose another " + out.option + " path";
  }
  return {};
}

PetscErrorCode check_output_path(MPI_Comm comm, const NamedPath& output, const std::vector<NamedPath>& inputs) {
  PetscFunctionBeginUser;
  int rank;
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  std::string msg;
  if (rank == 0) msg = output_path_conflict(output, inputs);
  PetscCall(collective_check(comm, rank != 0 || msg.empty(), msg));
  PetscCall(check_output_writable(comm, output.path, output.option));
  PetscFunctionReturn(PETSC_SUCCESS);
}

}  // namespace specavg
