// The CF netCDF row source: the cells of one variable as points on S^2 with area weights,
// and its time (or other extra) dimension as targets. The field is read once at opening
// (each rank its own slab, io/nc_field.hpp), then moved to the row_block partition.
#include <petscsys.h>

#include <algorithm>

#include "formats.hpp"
#include "specavg/comm/collective.hpp"
#include "specavg/comm/petsc_util.hpp"
#include "specavg/io/nc_field.hpp"

namespace specavg {
namespace {

class NcRowSource final : public RowSource {
 public:
  PetscErrorCode open(MPI_Comm comm, const std::string& path, const RowRequest& req) {
    PetscFunctionBeginUser;
    comm_ = comm;
    M_ = req.manifold;
    NcFieldRequest fr;
    fr.path = path;
    fr.role = req.role;
    PetscCall(nc_input_options(comm, &fr.var, &fr.time_range));
    const std::string where = req.role + " file '" + path + "'";
    if (M_)
      PetscCall(collective_check(comm, (M_->name() == "s2" || M_->name() == "sphere") && M_->dim() == 3,
                                 where + " is a netCDF grid on the sphere S^2, but the job is on " + M_->describe() +
                                     ": use -manifold sphere -dim 3 (the defaults)"));
    PetscCall(read_nc_field(comm, fr, &f_));
    PetscCall(nc_field_to_row_blocks(comm, &f_));
    ntargets_ = req.values == ValuesNeed::None ? 0 : f_.ntargets;
    const CfGrid& g = f_.grid;
    if (g.kind == GridKind::Rectilinear && g.spatial_shape.size() == 2 && g.lat_axis >= 0 && g.lon_axis >= 0) {
      rectilinear_ = true;
      nlat_ = (long long)g.spatial_shape[std::size_t(g.lat_axis)];
      nlon_ = (long long)g.spatial_shape[std::size_t(g.lon_axis)];
      layout_.kind = "lat/lon " + std::to_string(nlat_) + " x " + std::to_string(nlon_);
      for (long long r = 0; r <= nlat_; ++r) layout_.ring_begin.push_back(r * nlon_);
      layout_.nphi.assign(std::size_t(nlat_), nlon_);
    }
    PetscCall(PetscPrintf(comm, "[specavg] %s\n", f_.summary().c_str()));
    PetscFunctionReturn(PETSC_SUCCESS);
  }

  PetscInt rows_total() const override { return PetscInt(f_.nkept); }
  int dim() const override { return 3; }
  int ntargets() const override { return ntargets_; }
  bool has_weights() const override { return true; }
  bool has_truth() const override { return false; }
  PetscInt local_begin() const override { return PetscInt(f_.row_offset); }
  PetscInt local_count() const override { return PetscInt(f_.rows()); }
  std::string describe() const override { return f_.where; }
  // Rectilinear grids: one ring per latitude (whether the longitudes are equally spaced
  // over the full circle is checked by the consumer, from the points).
  const RingLayout* ring_layout() const override { return rectilinear_ ? &layout_ : nullptr; }

  PetscErrorCode next_block(PetscInt max_rows, RowBlock* b, bool* done) override {
    PetscFunctionBeginUser;
    PetscCheck(max_rows > 0, comm_, PETSC_ERR_ARG_OUTOFRANGE, "next_block: max_rows must be positive");
    long long left = (long long)f_.rows() - (long long)next_, any = 0;
    PetscCallMPI(MPI_Allreduce(&left, &any, 1, MPI_LONG_LONG, MPI_MAX, comm_));
    *done = any == 0;
    b->offset = PetscInt(f_.row_offset) + PetscInt(next_);
    b->count = *done ? 0 : std::min<PetscInt>(max_rows, PetscInt(left));
    const std::size_t c = std::size_t(b->count), k = std::size_t(f_.ntargets);
    b->points.assign(f_.points.begin() + long(3 * next_), f_.points.begin() + long(3 * (next_ + c)));
    b->weights.assign(f_.weights.begin() + long(next_), f_.weights.begin() + long(next_ + c));
    b->values.clear();
    if (ntargets_ > 0) b->values.assign(f_.values.begin() + long(k * next_), f_.values.begin() + long(k * (next_ + c)));
    b->truth.clear();
    b->cells.clear();
    if (rectilinear_) {
      const long long n1 = (long long)f_.grid.spatial_shape[1];
      for (std::size_t i = 0; i < c; ++i) {
        const long long cell = f_.cell[next_ + i], i0 = cell / n1, i1 = cell % n1;
        const long long ilat = f_.grid.lat_axis == 0 ? i0 : i1, ilon = f_.grid.lat_axis == 0 ? i1 : i0;
        b->cells.push_back(ilat * nlon_ + ilon);
      }
    }
    next_ += c;
    if (M_ && !*done) {
      PetscInt bad_row;
      const std::string msg = validate_block(*M_, ntargets_, f_.where, b, &bad_row);
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
  // The file was closed after reading; this releases the cached rows.
  PetscErrorCode close() override {
    f_.points = {};
    f_.values = {};
    f_.weights = {};
    f_.cell = {};
    return PETSC_SUCCESS;
  }

 private:
  MPI_Comm comm_ = MPI_COMM_NULL;
  const Manifold* M_ = nullptr;
  NcField f_;
  RingLayout layout_;
  bool rectilinear_ = false;
  long long nlat_ = 0, nlon_ = 0;
  std::size_t next_ = 0;
  int ntargets_ = 0;
};

}  // namespace

PetscErrorCode nc_option_string(const char* name, std::string* value) {
  PetscFunctionBeginUser;
  char buf[PETSC_MAX_PATH_LEN] = "";
  PetscBool set = PETSC_FALSE;
  PetscCall(PetscOptionsGetString(nullptr, nullptr, name, buf, sizeof buf, &set));
  *value = set ? buf : "";
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode nc_input_options(MPI_Comm comm, std::string* var, std::string* time_range) {
  PetscFunctionBeginUser;
  (void)comm;
  PetscCall(nc_option_string("-var", var));
  PetscCall(nc_option_string("-time_range", time_range));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode open_nc_row_source(MPI_Comm comm, const std::string& path, const RowRequest& req,
                                  std::unique_ptr<RowSource>* source) {
  PetscFunctionBeginUser;
  auto s = std::make_unique<NcRowSource>();
  PetscCall(s->open(comm, path, req));
  *source = std::move(s);
  PetscFunctionReturn(PETSC_SUCCESS);
}

}  // namespace specavg
