#include "specavg/comm/collective.hpp"

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <sys/stat.h>
#include <vector>

#include "specavg/comm/petsc_util.hpp"

namespace specavg {

PetscErrorCode collective_check(MPI_Comm comm, bool ok, const std::string& message) {
  PetscFunctionBeginUser;
  int rank, size;
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  PetscCallMPI(MPI_Comm_size(comm, &size));
  int mine = ok ? size : rank, first = size;
  PetscCallMPI(MPI_Allreduce(&mine, &first, 1, MPI_INT, MPI_MIN, comm));
  if (first == size) PetscFunctionReturn(PETSC_SUCCESS);
  int len = rank == first ? int(message.size()) : 0;
  PetscCallMPI(MPI_Bcast(&len, 1, MPI_INT, first, comm));
  std::vector<char> buf(std::size_t(len) + 1, '\0');  // the first failing rank's text, terminated
  if (rank == first) std::copy(message.begin(), message.end(), buf.begin());
  PetscCallMPI(MPI_Bcast(buf.data(), len, MPI_CHAR, first, comm));
  SETERRQ(comm, PETSC_ERR_USER_INPUT, "%s", buf.data());
}

PetscErrorCode check_output_writable(MPI_Comm comm, const std::string& path, const std::string& option) {
  PetscFunctionBeginUser;
  int rank, ok = 1;
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  if (rank == 0) {
    // Option files name outputs such as build/bench/s2.csv: make the missing directories.
    const std::filesystem::path parent = std::filesystem::path(path).parent_path();
    std::error_code ec;
    if (!parent.empty()) std::filesystem::create_directories(parent, ec);
    const std::string probe = path + ".tmp";
    std::FILE* f = std::fopen(probe.c_str(), "wb");
    ok = f != nullptr;
    if (f) std::fclose(f);
    std::remove(probe.c_str());
  }
  PetscCallMPI(MPI_Bcast(&ok, 1, MPI_INT, 0, comm));
  PetscCall(collective_check(
      comm, ok, "cannot write " + option + " '" + path + "': check that its directory can be created and is writable"));
  PetscFunctionReturn(PETSC_SUCCESS);
}

void remove_file_on_root(MPI_Comm comm, const std::string& path) {
  int rank;
  MPI_Comm_rank(comm, &rank);
  if (rank == 0) std::remove(path.c_str());
  MPI_Barrier(comm);
}

bool file_exists(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0;
}

}  // namespace specavg
