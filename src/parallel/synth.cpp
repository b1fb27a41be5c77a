#include "specavg/parallel/synth.hpp"

#include <algorithm>

#include "specavg/comm/collective.hpp"
#include "specavg/comm/petsc_util.hpp"
#include "specavg/util/failure.hpp"
#include "specavg/estimate/synthetic_target.hpp"
#include "specavg/io/h5_parallel.hpp"
#include "specavg/io/row_sink.hpp"

namespace specavg {
namespace {

// Rows generated on demand; nothing to validate (points are on M by construction).
class SyntheticSource final : public RowSource {
 public:
  SyntheticSource(MPI_Comm comm, const Manifold& M, const TargetFunction& f, unsigned long long seed, long long n,
                  double noise)
      : comm_(comm), M_(M.shared_from_this()), f_(f), seed_(seed), n_(PetscInt(n)), noise_(noise) {
    row_block(comm, n_, &begin_, &count_);
    next_ = begin_;
  }
  PetscInt rows_total() const override { return n_; }
  int dim() const override { return M_->dim(); }
  int ntargets() const override { return 1; }
  bool has_weights() const override { return false; }
  bool has_truth() const override { return true; }
  PetscInt local_begin() const override { return begin_; }
  PetscInt local_count() const override { return count_; }
  std::string describe() const override { return "synthetic data (seed " + std::to_string(seed_) + ")"; }

  PetscErrorCode next_block(PetscInt max_rows, RowBlock* b, bool* done) override {
    PetscFunctionBeginUser;
    PetscCheck(max_rows > 0, comm_, PETSC_ERR_ARG_OUTOFRANGE, "next_block: max_rows must be positive");
    long long left = begin_ + count_ - next_, any = 0;
    PetscCallMPI(MPI_Allreduce(&left, &any, 1, MPI_LONG_LONG, MPI_MAX, comm_));
    *done = any == 0;
    b->offset = next_;
    b->count = std::min<PetscInt>(max_rows, PetscInt(left));
    const int dim = M_->dim();
    inject_failure("alloc");
    b->points.resize(std::size_t(b->count) * dim);
    b->values.resize(std::size_t(b->count));
    b->truth.resize(std::size_t(b->count));
    b->weights.clear();
    for (PetscInt i = 0; i < b->count; ++i) {
      const unsigned long long gi = (unsigned long long)(b->offset + i);
      double* x = &b->points[std::size_t(i) * dim];
      synthetic_manifold_point(*M_, seed_, gi, x);
      b->truth[i] = f_(x);
      b->values[i] = b->truth[i] + noise_ * synthetic_noise(seed_, gi);
    }
    next_ += b->count;
    PetscFunctionReturn(PETSC_SUCCESS);
  }
  PetscErrorCode rewind() override {
    next_ = begin_;
    return PETSC_SUCCESS;
  }
  PetscErrorCode seek(PetscInt local_row) override {
    PetscFunctionBeginUser;
    PetscCheck(local_row >= 0 && local_row <= count_, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE,
               "seek: row out of range");
    next_ = begin_ + local_row;
    PetscFunctionReturn(PETSC_SUCCESS);
  }
  PetscErrorCode close() override { return PETSC_SUCCESS; }

 private:
  MPI_Comm comm_;
  ManifoldPtr M_;
  const TargetFunction& f_;
  unsigned long long seed_;
  PetscInt n_, begin_ = 0, count_ = 0, next_ = 0;
  double noise_;
};

}  // namespace

PetscErrorCode open_synthetic_source(MPI_Comm comm, const Manifold& M, const TargetFunction& target,
                                     unsigned long long seed, long long n, double noise,
                                     std::unique_ptr<RowSource>* source) {
  PetscFunctionBeginUser;
  PetscCall(collective_check(comm, n > 0, "-n must be positive"));
  *source = std::make_unique<SyntheticSource>(comm, M, target, seed, n, noise);
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode synth_local(MPI_Comm comm, const Manifold& M, const TargetFunction& target, unsigned long long seed,
                           long long n, double noise, LocalData* d) {
  PetscFunctionBeginUser;
  std::unique_ptr<RowSource> src;
  PetscCall(open_synthetic_source(comm, M, target, seed, n, noise, &src));
  PetscCall(gather_rows(*src, kGatherBlockRows, d));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode synthesize(MPI_Comm comm, const SynthConfig& cfg, std::string* chosen) {
  PetscFunctionBeginUser;
  PetscCall(collective_check(comm, cfg.n > 0, "-n must be positive"));
  PetscCall(collective_check(comm, cfg.noise >= 0, "-noise must be >= 0"));
  std::unique_ptr<TargetFunction> target;
  std::string name;
  SPECAVG_CALL_CXX(comm,
                   target = allocating("the synthetic target's group elements (up to -max_group_order)", 0.0, [&] {
                     return make_target(cfg.target, *cfg.manifold, cfg.generators, cfg.max_group_order, &name);
                   }));
  if (chosen) *chosen = name;
  std::unique_ptr<RowSource> src;
  PetscCall(open_synthetic_source(comm, *cfg.manifold, *target, cfg.seed, cfg.n, cfg.noise, &src));
  Attributes attrs;
  attrs.set("content", "specavg synthetic data: points (n x dim), values = truth + noise N(0,1), truth (n)");
  attrs.set("specavg_version", SPECAVG_VERSION);
  attrs.set("seed", double(cfg.seed));
  attrs.set("seed_text", std::to_string(cfg.seed));  // exact for seeds beyond 2^53
  attrs.set("noise", cfg.noise);
  attrs.set("group", cfg.group);
  attrs.set("target", name);
  add_basis_conventions(*cfg.manifold, &attrs);
  std::unique_ptr<RowSink> sink;
  PetscCall(create_row_sink(comm, cfg.output, "-output", PetscInt(cfg.n),
                            {{"points", cfg.manifold->dim()}, {"values", 0}, {"truth", 0}}, &sink));
  auto stream = [&]() -> PetscErrorCode {  // failures inside are agreed by every rank
    PetscFunctionBeginUser;
    RowBlock b;
    for (bool done = false;;) {
      PetscCall(src->next_block(cfg.block_rows, &b, &done));
      if (done) break;
      PetscCall(sink->write_rows("points", b.offset, b.count, b.points.data()));
      PetscCall(sink->write_rows("values", b.offset, b.count, b.values.data()));
      PetscCall(sink->write_rows("truth", b.offset, b.count, b.truth.data()));
    }
    PetscCall(sink->set_attributes(attrs));
    PetscFunctionReturn(PETSC_SUCCESS);
  };
  const PetscErrorCode ierr = stream();
  if (is_agreed_error(ierr)) (void)sink->abandon();  // else this rank alone failed: the driver aborts
  PetscCall(ierr);
  PetscCall(sink->commit());
  PetscFunctionReturn(PETSC_SUCCESS);
}

}  // namespace specavg
