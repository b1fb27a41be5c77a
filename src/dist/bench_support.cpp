#include "specavg/dist/bench_support.hpp"

#include <malloc.h>
#include <sys/resource.h>

#include <cmath>
#include <fstream>
#include <string>

#include "specavg/dist/predict.hpp"
#include "specavg/io/h5_parallel.hpp"

namespace specavg {

PetscErrorCode synth_local(MPI_Comm comm, const Manifold& M, const TargetFunction& target, unsigned long long seed,
                           long long n, double noise, LocalData* d) {
  PetscFunctionBeginUser;
  const int dim = M.dim;
  *d = LocalData{};
  d->n_global = PetscInt(n);
  row_block(comm, PetscInt(n), &d->begin, &d->count);
  d->dim = dim;
  d->ntargets = 1;
  d->has_truth = true;
  d->points.resize(std::size_t(d->count) * dim);
  d->values.resize(std::size_t(d->count));
  d->truth.resize(std::size_t(d->count));
  for (PetscInt i = 0; i < d->count; ++i) {
    const unsigned long long gi = (unsigned long long)(d->begin + i);
    double* x = &d->points[std::size_t(i) * dim];
    synthetic_manifold_point(M, seed, gi, x);
    d->truth[i] = target(x);
    d->values[i] = d->truth[i] + noise * synthetic_noise(seed, gi);
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

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

PetscErrorCode model_rmse(MPI_Comm comm, const Model& model, const LocalData& d, bool truth, double* rmse,
                          double* seconds) {
  PetscFunctionBeginUser;
  const double t = MPI_Wtime();
  std::vector<double> f;
  predict_points(model, d.points.data(), d.count, &f);
  double tl = MPI_Wtime() - t;
  PetscCallMPI(MPI_Allreduce(&tl, seconds, 1, MPI_DOUBLE, MPI_MAX, comm));
  const std::vector<double>& ref = truth ? d.truth : d.values;
  double s = 0, g = 0;
  for (std::size_t i = 0; i < f.size(); ++i) s += (f[i] - ref[i]) * (f[i] - ref[i]);
  PetscCallMPI(MPI_Allreduce(&s, &g, 1, MPI_DOUBLE, MPI_SUM, comm));
  *rmse = std::sqrt(g / std::max(1.0, double(d.n_global) * model.ntargets));
  PetscFunctionReturn(PETSC_SUCCESS);
}

}  // namespace specavg
