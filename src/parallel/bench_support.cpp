#include "specavg/parallel/bench_support.hpp"

#include <malloc.h>
#include <sys/resource.h>

#include <cmath>
#include <fstream>
#include <string>

#include "specavg/parallel/predict.hpp"
#include "specavg/comm/petsc_util.hpp"

namespace specavg {

void reset_peak_memory() {
  malloc_trim(0);  // hand freed heap back first, or the old peak stays resident
  std::ofstream f("/proc/self/clear_refs");
  if (f) f << "5\n";  // resets VmHWM to the current RSS (Linux ≥ 4.0)
}

namespace {
double local_peak_mib() {
  std::ifstream f("/proc/self/status");
  std::string line;
  while (std::getline(f, line))
    if (line.rfind("VmHWM:", 0) == 0) return std::stod(line.substr(6)) / 1024.0;  // kB
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  return double(ru.ru_maxrss) / 1024.0;
}
}  // namespace

PetscErrorCode peak_memory_mib(MPI_Comm comm, double* mib) {
  PetscFunctionBeginUser;
  double mine = local_peak_mib();
  PetscCallMPI(MPI_Allreduce(&mine, mib, 1, MPI_DOUBLE, MPI_MAX, comm));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode model_rmse(MPI_Comm comm, const Model& model, const LocalData& d, bool truth, double* rmse) {
  PetscFunctionBeginUser;
  std::vector<double> f;
  predict_points(model, d.points.data(), d.count, &f);
  const std::vector<double>& ref = truth ? d.truth : d.values;
  double s = 0, g = 0;
  for (std::size_t i = 0; i < f.size(); ++i) s += (f[i] - ref[i]) * (f[i] - ref[i]);
  PetscCallMPI(MPI_Allreduce(&s, &g, 1, MPI_DOUBLE, MPI_SUM, comm));
  *rmse = std::sqrt(g / std::max(1.0, double(d.n_global) * model.ntargets));
  PetscFunctionReturn(PETSC_SUCCESS);
}

}  // namespace specavg
