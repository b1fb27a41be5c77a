#include "specavg/util/huge_pages.hpp"

#include <cstdint>

#include <sys/mman.h>

namespace specavg {

void prefer_huge_pages(void* p, std::size_t bytes) {
#ifdef MADV_HUGEPAGE
  const std::uintptr_t page = 4096, a = (std::uintptr_t(p) + page - 1) / page * page;
  const std::uintptr_t e = (std::uintptr_t(p) + bytes) / page * page;
  if (e > a) (void)madvise(reinterpret_cast<void*>(a), e - a, MADV_HUGEPAGE);
#else
  (void)p, (void)bytes;
#endif
}

}  // namespace specavg
