#include "specavg/group/orbit_sums.hpp"

#include <algorithm>
#include <functional>
#include <map>

namespace specavg {

OrbitSumEvaluator::OrbitSumEvaluator(std::shared_ptr<const OrbitTypes> types) : types_(std::move(types)) {
  const OrbitTypes& T = *types_;
  const int d = T.dim();
  if (T.kind() == OrbitKind::Orbits) {
    for (int t = 0; t < T.size(); ++t) flops_ += double(T.member_signs(t).size()) * (d + 1);
    flops_ += double(d) * T.kmax();
    return;
  }
  unit_ = T.kind() == OrbitKind::Hyperoct ? 2 : 1;
  pmax_ = T.kmax() / unit_;
  std::map<std::vector<int>, int> index;
  std::vector<std::vector<int>> parts;
  std::vector<int> cur;
  for (int deg = 0; deg <= pmax_; ++deg) {
    std::function<void(int, int)> rec = [&](int left, int maxpart) {
      if (left == 0) {
        index[cur] = int(parts.size());
        parts.push_back(cur);
        return;
      }
      if (int(cur.size()) == d) return;
      for (int p = std::min(left, maxpart); p >= 1; --p) cur.push_back(p), rec(left - p, p), cur.pop_back();
    };
    rec(deg, deg);
  }
  step_ptr_.push_back(0);
  for (const std::vector<int>& mu : parts) {
    for (std::size_t i = 0; i < mu.size(); ++i) {
      if (i > 0 && mu[i] == mu[i - 1]) continue;
      std::vector<int> rest(mu);
      rest.erase(rest.begin() + std::ptrdiff_t(i));
      step_part_.push_back(mu[i]);
      step_from_.push_back(index.at(rest));
    }
    step_ptr_.push_back(int(step_part_.size()));
  }
  for (int t = 0; t < T.size(); ++t) {
    std::vector<int> p;
    for (int i = 0; i < d && T.rep(t)[i] > 0; ++i) p.push_back(T.rep(t)[i] / unit_);
    type_slot_.push_back(index.at(p));
  }
  flops_ = double(d) * (2.0 * double(step_part_.size()) + pmax_ + unit_);
}

void OrbitSumEvaluator::evaluate(const double* x, std::size_t nb, double* out, std::size_t ld) const {
  const OrbitTypes& T = *types_;
  const int d = T.dim();
  if (T.kind() == OrbitKind::Orbits) {
    const int K = T.kmax();
    std::vector<double> pw(std::size_t(d) * (K + 1));
    for (std::size_t i = 0; i < nb; ++i) {
      for (int c = 0; c < d; ++c) {
        double* row = &pw[std::size_t(c) * (K + 1)];
        row[0] = 1.0;
        for (int e = 1; e <= K; ++e) row[e] = row[e - 1] * x[i * d + c];
      }
      for (int t = 0; t < T.size(); ++t) {
        const std::vector<int>& mem = T.members(t);
        const std::vector<int>& sg = T.member_signs(t);
        double s = 0.0;
        for (std::size_t q = 0; q < sg.size(); ++q) {
          double v = sg[q];
          for (int c = 0; c < d; ++c) v *= pw[std::size_t(c) * (K + 1) + mem[q * d + c]];
          s += v;
        }
        out[std::size_t(t) * ld + i] = s;
      }
    }
    return;
  }
  const std::size_t np = step_ptr_.size() - 1;
  std::vector<double> val(np * nb, 0.0), pw(std::size_t(pmax_ + 1) * nb);
  std::fill_n(val.data(), nb, 1.0);  // the empty partition
  for (int c = 0; c < d; ++c) {
    for (std::size_t i = 0; i < nb; ++i) {
      const double v = x[i * d + c];
      pw[i] = 1.0;
      if (pmax_ >= 1) pw[nb + i] = unit_ == 2 ? v * v : v;
    }
    for (int p = 2; p <= pmax_; ++p)
      for (std::size_t i = 0; i < nb; ++i) pw[std::size_t(p) * nb + i] = pw[std::size_t(p - 1) * nb + i] * pw[nb + i];
    // Highest degree first: the partitions with a part removed still hold x_1..x_{c−1}.
    for (std::size_t mu = np; mu-- > 1;)
      for (int s = step_ptr_[mu]; s < step_ptr_[mu + 1]; ++s) {
        const double* p = &pw[std::size_t(step_part_[s]) * nb];
        const double* from = &val[std::size_t(step_from_[s]) * nb];
        double* to = &val[mu * nb];
        for (std::size_t i = 0; i < nb; ++i) to[i] += p[i] * from[i];
      }
  }
  for (int t = 0; t < T.size(); ++t) std::copy_n(&val[std::size_t(type_slot_[t]) * nb], nb, out + std::size_t(t) * ld);
}

}  // namespace specavg
