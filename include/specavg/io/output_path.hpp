#pragma once
// The one check every command runs on its output path before any work: never overwrite
// an input, never write onto a directory, and fail early when the path is not writable.
#include <mpi.h>
#include <petscsys.h>

#include <string>
#include <vector>

namespace specavg {

struct NamedPath {
  std::string option;  // e.g. "-output"
  std::string path;
};

// Collective (rank 0 looks at the file system, every rank gets the verdict). Refuses,
// with one message naming both options:
//  * an output that is the same file as an input: same device and inode (hard links,
//    symbolic links), or the same canonical path (for an output that does not exist yet,
//    its canonical parent directory plus its name);
//  * an output whose temporary "<output>.tmp" is an input (writing it would destroy it);
//  * an output that is a directory;
// then probes that "<output>.tmp" can be created (check_output_writable). Empty input
// paths are ignored.
PetscErrorCode check_output_path(MPI_Comm comm, const NamedPath& output, const std::vector<NamedPath>& inputs);

// Local: the message check_output_path would give (empty when the paths are fine), without
// the writability probe.
std::string output_path_conflict(const NamedPath& output, const std::vector<NamedPath>& inputs);

}  // namespace specavg
