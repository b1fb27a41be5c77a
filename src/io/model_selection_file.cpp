#include "model_sections.hpp"

#include <hdf5.h>

#include <stdexcept>
#include <string>
#include <vector>

#include "model_h5.hpp"

namespace specavg {
using namespace serial_h5;

void write_selection(hid_t f, const Model& m) {
  const SelectionResult& s = m.selection;
  const H5Group g = create_group(f, "selection");
  attr_string(g, "criterion", select_criterion_name(s.criterion));
  attr_number(g, "pooled", int(s.pooled));
  attr_number(g, "folds", s.folds);
  attr_string(g, "scores_layout", "cutoff x tau x target: weighted mean squared prediction error");
  dataset(g, "taus", {hsize_t(s.taus.size())}, s.taus.data());
  std::vector<long long> p, ci(s.chosen_cutoff.begin(), s.chosen_cutoff.end()),
      ti(s.chosen_tau.begin(), s.chosen_tau.end()), cp;
  std::vector<std::string> labels;
  for (const auto& c : s.cutoffs) p.push_back(c.p), labels.push_back(c.label);
  std::vector<double> ct;
  for (int t = 0; t < s.ntargets; ++t) ct.push_back(s.taus[s.chosen_tau[t]]), cp.push_back(s.cutoffs[s.chosen_cutoff[t]].p);
  dataset_int(g, "cutoff_p", p);
  dataset_strings(g, "cutoff_labels", labels);
  dataset(g, "scores", {hsize_t(s.cutoffs.size()), hsize_t(s.taus.size()), hsize_t(s.ntargets)}, s.scores.data());
  dataset_int(g, "chosen_cutoff_index", ci);
  dataset_int(g, "chosen_tau_index", ti);
  dataset_int(g, "chosen_p", cp);
  dataset(g, "chosen_tau", {hsize_t(ct.size())}, ct.data());
}

// uncertainty/: noise variance per target and the unit coefficient covariances.
void write_uncertainty(hid_t f, const Model& m) {
  const ModelUncertainty& u = m.uncertainty;
  const H5Group g = create_group(f, "uncertainty");
  attr_string(g, "model", "y = psi(x)^T a + eps, eps ~ N(0, noise_variance / w); Cov(a_t) = noise_variance[t] * "
                          "unit_covariance[target_group[t]]; truncation bias not included");
  const hsize_t D = hsize_t(m.basis.dinv());
  dataset(g, "noise_variance", {hsize_t(u.noise_variance.size())}, u.noise_variance.data());
  dataset_int(g, "target_group", std::vector<long long>(u.target_group.begin(), u.target_group.end()));
  std::vector<double> all;
  for (const auto& c : u.unit_covariance) all.insert(all.end(), c.begin(), c.end());
  dataset(g, "unit_covariance", {hsize_t(u.unit_covariance.size()), D, D}, all.data());
}

void read_selection(hid_t f, Model* m) {
  const H5Group g(H5Gopen2(f, "selection", H5P_DEFAULT));
  if (!g.valid()) return;
  SelectionResult& s = m->selection;
  s = SelectionResult{};
  s.criterion = parse_select_criterion(read_attr_string(g, "criterion"));
  s.pooled = read_attr_double(g, "pooled") != 0;
  s.folds = int(read_attr_double(g, "folds"));
  s.spectral = !m->estimator->penalized();
  int nd = 0;
  const std::size_t nt = dataset_rows(g, "taus", &nd), nc = dataset_rows(g, "cutoff_p", &nd);
  const std::size_t k = std::size_t(m->ntargets);
  s.ntargets = int(k);
  s.taus = read_dataset(g, "taus", nt);
  const auto p = read_dataset(g, "cutoff_p", nc);
  const auto labels = read_strings(g, "cutoff_labels", nc);
  for (std::size_t c = 0; c < nc; ++c) s.cutoffs.push_back({int(p[c]), labels[c]});
  s.scores = read_dataset(g, "scores", nc * nt * k);
  for (double v : read_dataset(g, "chosen_cutoff_index", k)) s.chosen_cutoff.push_back(int(v));
  for (double v : read_dataset(g, "chosen_tau_index", k)) s.chosen_tau.push_back(int(v));
  m->has_selection = true;
}

void read_uncertainty(hid_t f, Model* m) {
  const H5Group g(H5Gopen2(f, "uncertainty", H5P_DEFAULT));
  if (!g.valid()) return;
  const std::size_t k = std::size_t(m->ntargets), D = std::size_t(m->basis.dinv());
  ModelUncertainty& u = m->uncertainty;
  u.noise_variance = read_dataset(g, "noise_variance", k);
  u.target_group.clear();
  for (double v : read_dataset(g, "target_group", k)) u.target_group.push_back(int(v));
  int nd = 0;
  const std::size_t ng = dataset_rows(g, "unit_covariance", &nd);
  const auto all = read_dataset(g, "unit_covariance", ng * D * D);
  u.unit_covariance.assign(ng, {});
  for (std::size_t i = 0; i < ng; ++i) u.unit_covariance[i].assign(all.begin() + i * D * D, all.begin() + (i + 1) * D * D);
  for (int t : u.target_group)
    if (t < 0 || std::size_t(t) >= ng) throw std::runtime_error("uncertainty/target_group out of range");
}

}  // namespace specavg
