// Points of a generated regular latitude/longitude grid (predict -grid latlon:NLAT:NLON):
// nothing is read; each rank computes the centres of its own rows.
#include <petscsys.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "specavg/comm/collective.hpp"
#include "specavg/comm/petsc_util.hpp"
#include "specavg/io/cf_grid.hpp"
#include "specavg/io/h5_parallel.hpp"
#include "specavg/io/row_source.hpp"

namespace specavg {
namespace {

class GridRowSource final : public RowSource {
 public:
  GridRowSource(MPI_Comm comm, const LatLonGrid& g, const std::string& spec) : comm_(comm), g_(g), spec_(spec) {
    row_block(comm, PetscInt(g.nlat * g.nlon), &begin_, &count_);
    layout_.kind = "lat/lon " + std::to_string(g.nlat) + " x " + std::to_string(g.nlon);
    for (std::size_t r = 0; r <= g.nlat; ++r) layout_.ring_begin.push_back((long long)(r * g.nlon));
    layout_.nphi.assign(g.nlat, (long long)g.nlon);
    layout_.points_from_layout = true;
  }
  PetscInt rows_total() const override { return PetscInt(g_.nlat * g_.nlon); }
  int dim() const override { return 3; }
  int ntargets() const override { return 0; }
  bool has_weights() const override { return false; }
  bool has_truth() const override { return false; }
  PetscInt local_begin() const override { return begin_; }
  PetscInt local_count() const override { return count_; }
  std::string describe() const override { return "-grid " + spec_; }
  const RingLayout* ring_layout() const override { return &layout_; }

  PetscErrorCode next_block(PetscInt max_rows, RowBlock* b, bool* done) override {
    PetscFunctionBeginUser;
    PetscCheck(max_rows > 0, comm_, PETSC_ERR_ARG_OUTOFRANGE, "next_block: max_rows must be positive");
    long long left = (long long)(count_ - next_), any = 0;
    PetscCallMPI(MPI_Allreduce(&left, &any, 1, MPI_LONG_LONG, MPI_MAX, comm_));
    *done = any == 0;
    b->offset = begin_ + next_;
    b->count = *done ? 0 : std::min<PetscInt>(max_rows, PetscInt(left));
    b->points.resize(std::size_t(b->count) * 3);
    b->cells.resize(std::size_t(b->count));
    const double deg = M_PI / 180.0;
    for (PetscInt r = 0; r < b->count; ++r) {
      const std::size_t c = std::size_t(b->offset + r);
      latlon_to_unit(g_.lat(c / g_.nlon) * deg, g_.lon(c % g_.nlon) * deg, &b->points[std::size_t(r) * 3]);
      b->cells[std::size_t(r)] = (long long)c;  // C order is ring order (one ring per latitude)
    }
    b->values.clear();
    b->weights.clear();
    b->truth.clear();
    next_ += b->count;
    PetscFunctionReturn(PETSC_SUCCESS);
  }
  PetscErrorCode rewind() override {
    next_ = 0;
    return PETSC_SUCCESS;
  }
  PetscErrorCode seek(PetscInt local_row) override {
    PetscFunctionBeginUser;
    PetscCheck(local_row >= 0 && local_row <= count_, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE, "seek: row out of range");
    next_ = PetscInt(local_row);
    PetscFunctionReturn(PETSC_SUCCESS);
  }
  PetscErrorCode close() override { return PETSC_SUCCESS; }

 private:
  MPI_Comm comm_;
  LatLonGrid g_;
  std::string spec_;
  RingLayout layout_;
  PetscInt begin_ = 0, count_ = 0, next_ = 0;
};

}  // namespace

PetscErrorCode open_grid_row_source(MPI_Comm comm, const std::string& spec, const RowRequest& req,
                                    std::unique_ptr<RowSource>* source) {
  PetscFunctionBeginUser;
  LatLonGrid g;
  std::string msg;
  try {
    g = parse_latlon_grid(spec, "-grid");
  } catch (const std::exception& e) {
    msg = e.what();
  }
  PetscCall(collective_check(comm, msg.empty(), msg));
  if (req.manifold)
    PetscCall(collective_check(comm, (req.manifold->name() == "s2" || req.manifold->name() == "sphere") &&
                                         req.manifold->dim() == 3,
                               "-grid " + spec + " is a latitude/longitude grid on S^2, but the model is on " +
                                   req.manifold->describe() + ": use -grid only with models on the sphere S^2"));
  *source = std::make_unique<GridRowSource>(comm, g, spec);
  PetscFunctionReturn(PETSC_SUCCESS);
}

}  // namespace specavg
