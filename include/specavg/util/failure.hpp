#pragma once
// Failures of the plain C++ core that the parallel layers must treat specially, and the
// test hook that injects them.
//
//  * AllocationFailure is a std::bad_alloc that says what was being allocated. Code that
//    makes a large allocation wraps it with allocating(...), so an out-of-memory message
//    can name the object and its size.
//  * inject_failure(site) throws when the environment variable SPECAVG_INJECT_FAILURE
//    names this site and this process's rank: "site:rank[,site:rank...]" (rank "*" or no
//    rank: every rank). Sites: "alloc" (large allocations: the Gram matrix, synthesized
//    points) throws AllocationFailure; "basis" (one eigenspace's invariant subspace),
//    "writer" (parallel HDF5 rows, the model file) and "internal" (the group check) throw
//    std::runtime_error. Tests use it to fail one rank only; when the variable is unset
//    the check is one load of a global flag.
#include <new>
#include <string>

namespace specavg {

class AllocationFailure : public std::bad_alloc {
 public:
  AllocationFailure(std::string what, double bytes);
  const char* what() const noexcept override { return text_.c_str(); }
  const std::string& object() const { return object_; }
  double bytes() const { return bytes_; }

 private:
  std::string object_, text_;
  double bytes_;
};

// "12.3 GiB", "45.6 MiB", ... (binary units).
std::string human_size(double bytes);

// Run f(); a std::bad_alloc from it becomes AllocationFailure(object, bytes).
template <typename F>
decltype(auto) allocating(const std::string& object, double bytes, F&& f) {
  try {
    return f();
  } catch (const AllocationFailure&) {
    throw;
  } catch (const std::bad_alloc&) {
    throw AllocationFailure(object, bytes);
  }
}

// Read SPECAVG_INJECT_FAILURE for the process of the given rank (call once, at startup).
void configure_failure_injection(int rank);

namespace detail {
extern bool g_failure_injection_armed;
void inject_failure_now(const char* site);
}  // namespace detail

inline void inject_failure(const char* site) {
  if (detail::g_failure_injection_armed) detail::inject_failure_now(site);
}

}  // namespace specavg
