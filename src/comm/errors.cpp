#include "specavg/comm/errors.hpp"

#include <cstdio>
#include <mutex>
#include <set>
#include <stdexcept>

#include "specavg/util/failure.hpp"

namespace specavg {

bool is_agreed_error(PetscErrorCode err) {
  return err == PETSC_ERR_USER_INPUT || err == PETSC_ERR_NOT_CONVERGED;
}

std::string out_of_memory_message(const std::string& what) {
  return "out of memory: " + what +
         ". Reduce the memory per rank: use more ranks (mpiexec -n), a lower cutoff (-lmax, -lambda_max or "
         "-nbasis), or -reduced_ksp_type cg (no dense factorization of the reduced system)";
}

PetscErrorCode classify_current_exception(std::string* message) {
  try {
    throw;
  } catch (const std::bad_alloc& e) {
    *message = exception_message(e);
    return PETSC_ERR_MEM;
  } catch (const std::invalid_argument& e) {
    *message = e.what();
    return PETSC_ERR_USER_INPUT;
  } catch (const std::exception& e) {
    *message = e.what();
    return PETSC_ERR_PLIB;
  } catch (...) {
    *message = "unknown C++ exception";
    return PETSC_ERR_PLIB;
  }
}

std::string exception_message(const std::exception& e) {
  if (const auto* a = dynamic_cast<const AllocationFailure*>(&e)) return out_of_memory_message(a->what());
  if (dynamic_cast<const std::bad_alloc*>(&e)) return out_of_memory_message("an allocation failed");
  return e.what();
}

PetscErrorCode specavg_error_handler(MPI_Comm comm, int line, const char* fun, const char* file, PetscErrorCode n,
                                     PetscErrorType p, const char* mess, void* ctx) {
  if (is_agreed_error(n) || n == PETSC_ERR_MEM) return n;
  return PetscTraceBackErrorHandler(comm, line, fun, file, n, p, mess, ctx);
}

namespace {
std::mutex g_tmp_mutex;
std::multiset<std::string>& temporaries() {
  static std::multiset<std::string> s;
  return s;
}
}  // namespace

void track_temporary(const std::string& path) {
  std::lock_guard<std::mutex> lock(g_tmp_mutex);
  temporaries().insert(path);
}

void untrack_temporary(const std::string& path) {
  std::lock_guard<std::mutex> lock(g_tmp_mutex);
  const auto it = temporaries().find(path);
  if (it != temporaries().end()) temporaries().erase(it);
}

void remove_tracked_temporaries() {
  std::lock_guard<std::mutex> lock(g_tmp_mutex);
  for (const std::string& p : temporaries()) std::remove(p.c_str());
  temporaries().clear();
}

namespace {
int g_exit_status = 0;
}

void set_exit_status(int status) { g_exit_status = status; }
int exit_status() { return g_exit_status; }

}  // namespace specavg
