// The HEALPix row source: the kept pixels of a FITS sky map as points on S² (their
// centres), the chosen columns as targets, -mask values as weights (io/healpix_map.hpp).
// Each rank reads its own range of the map's entries once at opening and keeps the
// pixel numbers and values; centres are computed block by block.
#include <petscsys.h>

#include <algorithm>
#include <cmath>

#include "formats.hpp"
#include "healpix_map.hpp"
#include "specavg/comm/collective.hpp"
#include "specavg/comm/petsc_util.hpp"

namespace specavg {
namespace {

class HealpixRowSource final : public RowSource {
 public:
  PetscErrorCode open(MPI_Comm comm, const std::string& path, const RowRequest& req) {
    PetscFunctionBeginUser;
    comm_ = comm;
    M_ = req.manifold;
    const std::string where = req.role + " file '" + path + "'";
    if (M_)
      PetscCall(collective_check(comm, M_->dim() == 3 && M_->translation_period() == 0,
                                 where + " is a HEALPix map on the sphere S^2, but the job is on " + M_->describe() +
                                     ": use -manifold s2 (the default)"));
    HealpixInputOptions opt;
    PetscCall(healpix_input_options(&opt));
    PetscCall(read_healpix_field(comm, path, req.role, opt, req.values != ValuesNeed::None, &f_));
    ntargets_ = int(f_.columns.size());
    healpix_ring_layout(f_.header.nside, &layout_.ring_begin, &layout_.nphi);
    layout_.kind = "HEALPix NSIDE " + std::to_string(f_.header.nside);
    layout_.points_from_layout = true;  // pixel centres from HEALPix C++
    const std::size_t nr = layout_.nrings();
    std::vector<double> first(3 * nr);  // each ring's cell 0 (a RING pixel number)
    healpix_centres(f_.header.nside, false, layout_.ring_begin.data(), nr, first.data());
    layout_.theta.resize(nr), layout_.phi0.resize(nr);
    for (std::size_t r = 0; r < nr; ++r) {
      const double* x = &first[3 * r];
      layout_.theta[r] = std::atan2(std::hypot(x[0], x[1]), x[2]);
      layout_.phi0[r] = std::atan2(x[1], x[0]);
    }
    if (M_) PetscCall(PetscPrintf(comm, "[specavg] %s\n", f_.summary().c_str()));  // not for a shape peek
    PetscFunctionReturn(PETSC_SUCCESS);
  }

  PetscInt rows_total() const override { return PetscInt(f_.nkept); }
  int dim() const override { return 3; }
  int ntargets() const override { return ntargets_; }
  bool has_weights() const override { return f_.has_mask; }
  bool has_truth() const override { return false; }
  PetscInt local_begin() const override { return PetscInt(f_.row_offset); }
  PetscInt local_count() const override { return PetscInt(f_.rows()); }
  std::string describe() const override { return f_.header.where; }
  const RingLayout* ring_layout() const override { return &layout_; }

  PetscErrorCode next_block(PetscInt max_rows, RowBlock* b, bool* done) override {
    return read_block(max_rows, true, b, done);
  }
  // The grid path takes the rings' geometry from the layout: no centres to compute.
  PetscErrorCode next_cells(PetscInt max_rows, RowBlock* b, bool* done) override {
    return read_block(max_rows, false, b, done);
  }

  PetscErrorCode read_block(PetscInt max_rows, bool with_points, RowBlock* b, bool* done) {
    PetscFunctionBeginUser;
    PetscCheck(max_rows > 0, comm_, PETSC_ERR_ARG_OUTOFRANGE, "next_block: max_rows must be positive");
    long long left = (long long)f_.rows() - (long long)next_, any = 0;
    PetscCallMPI(MPI_Allreduce(&left, &any, 1, MPI_LONG_LONG, MPI_MAX, comm_));
    *done = any == 0;
    b->offset = PetscInt(f_.row_offset) + PetscInt(next_);
    b->count = *done ? 0 : std::min<PetscInt>(max_rows, PetscInt(left));
    const std::size_t c = std::size_t(b->count), k = std::size_t(ntargets_);
    b->points.resize(with_points ? 3 * c : 0);
    if (with_points) healpix_centres(f_.header.nside, f_.header.nested, f_.pixel.data() + next_, c, b->points.data());
    b->cells.resize(c);
    healpix_ring_cells(f_.header.nside, f_.header.nested, f_.pixel.data() + next_, c, b->cells.data());
    b->values.assign(f_.values.begin() + long(k * next_), f_.values.begin() + long(k * (next_ + c)));
    b->weights.clear();
    if (f_.has_mask) b->weights.assign(f_.weights.begin() + long(next_), f_.weights.begin() + long(next_ + c));
    b->truth.clear();
    next_ += c;
    if (M_ && !*done) {
      PetscInt bad_row;
      const std::string msg = validate_block(*M_, ntargets_, f_.header.where, b, &bad_row);
      PetscCall(agree_first_bad_row(comm_, bad_row, msg));
    }
    PetscFunctionReturn(PETSC_SUCCESS);
  }

  PetscErrorCode rewind() override {
    next_ = 0;
    return PETSC_SUCCESS;
  }
  PetscErrorCode seek(PetscInt local_row) override {
    PetscFunctionBeginUser;
    PetscCheck(local_row >= 0 && local_row <= PetscInt(f_.rows()), PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE, "seek: row out of range");
    next_ = std::size_t(local_row);
    PetscFunctionReturn(PETSC_SUCCESS);
  }
  // The FITS file was closed after reading; this releases the kept pixels.
  PetscErrorCode close() override {
    f_.pixel = {};
    f_.entry = {};
    f_.values = {};
    f_.weights = {};
    return PETSC_SUCCESS;
  }

 private:
  MPI_Comm comm_ = MPI_COMM_NULL;
  const Manifold* M_ = nullptr;
  HealpixField f_;
  RingLayout layout_;
  std::size_t next_ = 0;
  int ntargets_ = 0;
};

}  // namespace

PetscErrorCode open_healpix_row_source(MPI_Comm comm, const std::string& path, const RowRequest& req,
                                       std::unique_ptr<RowSource>* source) {
  PetscFunctionBeginUser;
  auto s = std::make_unique<HealpixRowSource>();
  PetscCall(s->open(comm, path, req));
  *source = std::move(s);
  PetscFunctionReturn(PETSC_SUCCESS);
}

}  // namespace specavg
