#include "specavg/parallel/sht_predict.hpp"

#include <algorithm>

#include "specavg/comm/collective.hpp"
#include "specavg/comm/petsc_util.hpp"

namespace specavg {

std::string ShtPredictor::unsuitable(const Model& model) {
  if (!model.estimator->uses_invariant_basis() || model.basis.ring_route())
    return std::string("the ") + model.estimator->name() + " model has no invariant basis of Q matrices";
  if (model.manifold().name() != "s2") return "the model is on " + model.manifold().describe() + ", not -manifold s2";
  for (const SpaceInvariants& s : model.basis.spaces)
    if (!s.has_q()) return "the model's invariant basis has no Q";
  return "";
}

PetscErrorCode ShtPredictor::create(MPI_Comm comm, const Model& model, RowSource& src, PetscInt block_rows,
                                    std::unique_ptr<ShtPredictor>* out, std::string* why_not) {
  PetscFunctionBeginUser;
  auto p = std::make_unique<ShtPredictor>();
  p->comm_ = comm;
  p->ntargets_ = model.ntargets;
  p->layout_ = *src.ring_layout();
  int size;
  PetscCallMPI(MPI_Comm_size(comm, &size));
  p->owners_ = sht_ring_owners(p->layout_, size);
  PetscCall(sht_gather(comm, src, model.basis.top_label(), false, block_rows, &p->grid_, why_not));
  PetscCall(src.rewind());
  if (!why_not->empty()) PetscFunctionReturn(PETSC_SUCCESS);
  const ShtGrid& g = p->grid_;
  const std::size_t nloc = g.local_cells(), nc = g.ncoef();
  const int k = model.ntargets, D = model.basis.dinv();
  p->maps_.assign(nloc * std::size_t(k), 0.0);
  std::vector<double> a(static_cast<std::size_t>(D)), c(nc);
  for (int t = 0; t < k; ++t) {
    for (int j = 0; j < D; ++j) a[std::size_t(j)] = model.coef[std::size_t(j) * std::size_t(k) + std::size_t(t)];
    std::fill(c.begin(), c.end(), 0.0);
    std::size_t f = 0;
    for (const SpaceInvariants& s : model.basis.spaces) {
      if (s.k == 0) continue;
      s.apply_add(a.data() + f, c.data() + std::size_t(s.label) * std::size_t(s.label));  // c = Q a
      f += std::size_t(s.k);
    }
    g.synthesis(c.data(), p->maps_.data() + std::size_t(t) * nloc);
  }
  *out = std::move(p);
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode ShtPredictor::predict_block(const RowBlock& b, std::vector<double>* f) const {
  PetscFunctionBeginUser;
  int size;
  PetscCallMPI(MPI_Comm_size(comm_, &size));
  const std::size_t n = std::size_t(b.count), k = std::size_t(ntargets_), nloc = grid_.local_cells();
  // Ask each ring's owner for the cells of this block, in row order per owner.
  const std::size_t P = static_cast<std::size_t>(size);
  std::vector<int> owner(n), scount(P, 0), rcount(P), sdisp(P + 1, 0), rdisp(P + 1, 0);
  for (std::size_t i = 0; i < n; ++i) {
    const long long r = sht_ring_of(layout_, b.cells[i]);
    PetscCheck(r >= 0, comm_, PETSC_ERR_PLIB, "ShtPredictor: a row has no cell of the grid");
    owner[i] = owners_[std::size_t(r)];
    ++scount[std::size_t(owner[i])];
  }
  PetscCallMPI(MPI_Alltoall(scount.data(), 1, MPI_INT, rcount.data(), 1, MPI_INT, comm_));
  for (int p = 0; p < size; ++p) {
    sdisp[std::size_t(p) + 1] = sdisp[std::size_t(p)] + scount[std::size_t(p)];
    rdisp[std::size_t(p) + 1] = rdisp[std::size_t(p)] + rcount[std::size_t(p)];
  }
  std::vector<long long> ask(n), asked(std::size_t(rdisp[std::size_t(size)]));
  std::vector<int> at(sdisp.begin(), sdisp.end() - 1), slot(n);
  for (std::size_t i = 0; i < n; ++i) {
    slot[i] = at[std::size_t(owner[i])]++;
    ask[std::size_t(slot[i])] = b.cells[i];
  }
  PetscCallMPI(MPI_Alltoallv(ask.data(), scount.data(), sdisp.data(), MPI_LONG_LONG, asked.data(), rcount.data(),
                             rdisp.data(), MPI_LONG_LONG, comm_));
  std::vector<double> answer(asked.size() * k);
  for (std::size_t q = 0; q < asked.size(); ++q) {
    const long long c = grid_.local_cell(asked[q]);
    PetscCheck(c >= 0, PETSC_COMM_SELF, PETSC_ERR_PLIB, "ShtPredictor: a cell was not among the gathered ones");
    for (std::size_t t = 0; t < k; ++t) answer[q * k + t] = maps_[t * nloc + std::size_t(c)];
  }
  std::vector<int> sk(P), rk(P), sdk(P), rdk(P);
  for (int p = 0; p < size; ++p) {  // the answers travel back: what was received is sent
    sk[std::size_t(p)] = rcount[std::size_t(p)] * int(k);
    rk[std::size_t(p)] = scount[std::size_t(p)] * int(k);
    sdk[std::size_t(p)] = rdisp[std::size_t(p)] * int(k);
    rdk[std::size_t(p)] = sdisp[std::size_t(p)] * int(k);
  }
  std::vector<double> got(n * k);
  PetscCallMPI(MPI_Alltoallv(answer.data(), sk.data(), sdk.data(), MPI_DOUBLE, got.data(), rk.data(), rdk.data(),
                             MPI_DOUBLE, comm_));
  f->resize(n * k);
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t t = 0; t < k; ++t) (*f)[i * k + t] = got[std::size_t(slot[i]) * k + t];
  PetscFunctionReturn(PETSC_SUCCESS);
}

}  // namespace specavg
