#include "specavg/basis/eigen_basis.hpp"

#include <algorithm>
#include <stdexcept>

namespace specavg {

EigenBasis::EigenBasis(std::vector<Eigenspace> spaces) : spaces_(std::move(spaces)) {
  offset_.assign(1, 0);
  for (const Eigenspace& e : spaces_) offset_.push_back(offset_.back() + e.m);
}

void EigenBasis::evaluate_functions(std::size_t s, const std::vector<int>& rows, const double* x, std::size_t n,
                                    double* out, std::size_t ld) const {
  const std::size_t m = spaces_.at(s).m;
  for (int r : rows)
    if (r < 0 || std::size_t(r) >= m) throw std::invalid_argument("EigenBasis::evaluate_functions: row out of range");
  std::vector<double> all(m * n);
  evaluate_space(s, x, n, all.data(), n);
  for (std::size_t r = 0; r < rows.size(); ++r) std::copy_n(all.data() + std::size_t(rows[r]) * n, n, out + r * ld);
}

}  // namespace specavg
