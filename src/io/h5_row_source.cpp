// The HDF5 row source and sink: each rank reads (writes) only its own contiguous rows,
// block by block, with collective MPI-IO transfers.
#include <algorithm>

#include "formats.hpp"
#include "specavg/comm/collective.hpp"
#include "specavg/comm/petsc_util.hpp"
#include "specavg/io/h5_parallel.hpp"

namespace specavg {
namespace {

class H5RowSource final : public RowSource {
 public:
  PetscErrorCode open(MPI_Comm comm, const std::string& path, const RowRequest& req) {
    PetscFunctionBeginUser;
    comm_ = comm;
    M_ = req.manifold;
    PetscCall(r_.open(comm, path, req.role));
    where_ = req.role + " file '" + path + "'";
    std::vector<hsize_t> pd;
    PetscCall(r_.shape("points", &pd));
    PetscCall(r_.agree(pd.size() == 2, "dataset 'points' in " + where_ + " must have shape (n, dim), got rank " +
                                           std::to_string(pd.size())));
    dim_ = int(pd[1]);
    if (M_)
      PetscCall(r_.agree(dim_ == M_->dim(), "dataset 'points' in " + where_ + " must have shape (n, " +
                                              std::to_string(M_->dim()) + ") for " + M_->describe() + ", got " +
                                              std::to_string(dim_) + " columns: check -manifold/-dim or the file"));
    PetscCall(r_.agree(pd[0] > 0, "dataset 'points' in " + where_ + " is empty (0 rows)"));
    n_ = PetscInt(pd[0]);
    const std::string nrows = std::to_string(n_);

    ntargets_ = 0;
    if (req.values != ValuesNeed::None) {
      std::vector<hsize_t> vd;
      bool present = true;
      PetscCall(r_.shape("values", &vd, req.values == ValuesNeed::Optional ? &present : nullptr));
      if (present) {
        PetscCall(r_.agree((vd.size() == 1 || vd.size() == 2) && vd[0] == pd[0],
                           "dataset 'values' in " + where_ + " must have shape (n) or (n, k) with n = " + nrows +
                               " rows like 'points'"));
        ntargets_ = vd.size() == 2 ? int(vd[1]) : 1;
        PetscCall(r_.agree(ntargets_ > 0, "dataset 'values' in " + where_ + " has no columns"));
        std::vector<hsize_t> td;
        bool truth = false;
        PetscCall(r_.shape("truth", &td, &truth));
        has_truth_ = truth && td.size() == vd.size() && td[0] == vd[0] && (td.size() == 1 || td[1] == vd[1]);
      }
    }
    std::vector<hsize_t> wd;
    PetscCall(r_.shape("weights", &wd, &has_weights_));
    if (has_weights_)
      PetscCall(r_.agree(wd.size() == 1 && wd[0] == pd[0],
                         "dataset 'weights' in " + where_ + " must have shape (n) with n = " + nrows));
    row_block(comm, n_, &begin_, &count_);
    next_ = begin_;
    PetscFunctionReturn(PETSC_SUCCESS);
  }

  PetscInt rows_total() const override { return n_; }
  int dim() const override { return dim_; }
  int ntargets() const override { return ntargets_; }
  bool has_weights() const override { return has_weights_; }
  bool has_truth() const override { return has_truth_; }
  PetscInt local_begin() const override { return begin_; }
  PetscInt local_count() const override { return count_; }
  std::string describe() const override { return where_; }

  PetscErrorCode next_block(PetscInt max_rows, RowBlock* b, bool* done) override {
    PetscFunctionBeginUser;
    PetscCheck(max_rows > 0, comm_, PETSC_ERR_ARG_OUTOFRANGE, "next_block: max_rows must be positive");
    long long left = begin_ + count_ - next_, any = 0;
    PetscCallMPI(MPI_Allreduce(&left, &any, 1, MPI_LONG_LONG, MPI_MAX, comm_));
    b->offset = next_;
    b->count = std::min<PetscInt>(max_rows, PetscInt(left));
    *done = any == 0;
    const std::size_t c = std::size_t(b->count);
    b->points.resize(c * dim_);
    b->values.resize(c * ntargets_);
    b->truth.resize(has_truth_ ? c * ntargets_ : 0);
    b->weights.resize(has_weights_ ? c : 0);
    if (*done) PetscFunctionReturn(PETSC_SUCCESS);
    PetscCall(r_.read_rows("points", b->offset, b->count, b->points.data()));
    if (ntargets_ > 0) PetscCall(r_.read_rows("values", b->offset, b->count, b->values.data()));
    if (has_truth_) PetscCall(r_.read_rows("truth", b->offset, b->count, b->truth.data()));
    if (has_weights_) PetscCall(r_.read_rows("weights", b->offset, b->count, b->weights.data()));
    next_ += b->count;
    if (M_) {
      PetscInt bad_row;
      const std::string msg = validate_block(*M_, ntargets_, where_, b, &bad_row);
      const PetscErrorCode ierr = agree_first_bad_row(comm_, bad_row, msg);
      if (ierr) (void)r_.close();  // agreed: every rank closes
      PetscCall(ierr);
    }
    PetscFunctionReturn(PETSC_SUCCESS);
  }

  PetscErrorCode rewind() override {
    next_ = begin_;
    return PETSC_SUCCESS;
  }
  PetscErrorCode seek(PetscInt local_row) override {
    PetscFunctionBeginUser;
    PetscCheck(local_row >= 0 && local_row <= count_, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE, "seek: row out of range");
    next_ = begin_ + local_row;
    PetscFunctionReturn(PETSC_SUCCESS);
  }
  PetscErrorCode close() override { return r_.close(); }

 private:
  MPI_Comm comm_ = MPI_COMM_NULL;
  const Manifold* M_ = nullptr;
  H5Reader r_;
  std::string where_;
  PetscInt n_ = 0, begin_ = 0, count_ = 0, next_ = 0;
  int dim_ = 0, ntargets_ = 0;
  bool has_weights_ = false, has_truth_ = false;
};

class H5RowSink final : public RowSink {
 public:
  PetscErrorCode create(MPI_Comm comm, const std::string& path, const std::string& option, PetscInt rows,
                        const std::vector<SinkArray>& arrays) {
    PetscFunctionBeginUser;
    PetscCall(w_.create(comm, path, option));
    for (const SinkArray& a : arrays) {
      std::vector<hsize_t> dims{hsize_t(rows)};
      if (a.cols > 0) dims.push_back(hsize_t(a.cols));
      PetscCall(w_.create_dataset(a.name, dims));
    }
    PetscFunctionReturn(PETSC_SUCCESS);
  }
  PetscErrorCode write_rows(const std::string& name, PetscInt offset, PetscInt count, const double* data) override {
    return w_.write_rows(name, offset, count, data);
  }
  PetscErrorCode set_attributes(const Attributes& attrs) override { return w_.write_attributes(attrs); }
  PetscErrorCode commit() override { return w_.commit(); }
  PetscErrorCode abandon() override { return w_.abandon(); }

 private:
  H5Writer w_;
};

}  // namespace

PetscErrorCode open_h5_row_source(MPI_Comm comm, const std::string& path, const RowRequest& req,
                                  std::unique_ptr<RowSource>* source) {
  PetscFunctionBeginUser;
  auto s = std::make_unique<H5RowSource>();
  PetscCall(s->open(comm, path, req));
  *source = std::move(s);
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode create_h5_row_sink(MPI_Comm comm, const std::string& path, const std::string& option,
                                  PetscInt rows_total, const std::vector<SinkArray>& arrays,
                                  std::unique_ptr<RowSink>* sink) {
  PetscFunctionBeginUser;
  auto s = std::make_unique<H5RowSink>();
  PetscCall(s->create(comm, path, option, rows_total, arrays));
  *sink = std::move(s);
  PetscFunctionReturn(PETSC_SUCCESS);
}

}  // namespace specavg
