// The CF netCDF prediction sink: writes the rows back onto a grid as a netCDF-4 file: the
// -like field's grid (its kept cells; dimensions, coordinates, bounds and time sliced to
// -time_range, masked cells as _FillValue, optionally the residual data - fit) or a new
// regular grid (-grid latlon:NLAT:NLON, every cell). `values` becomes the fit variable,
// `std` (predict -std) <var>_std. Provenance as global attributes. Written to <path>.tmp,
// renamed on commit. The layouts are in nc_output.hpp.
#include <netcdf.h>
#include <netcdf_par.h>
#include <petscsys.h>

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <set>
#include <sstream>

#include "formats.hpp"
#include "nc_file.hpp"
#include "nc_output.hpp"
#include "specavg/comm/collective.hpp"
#include "specavg/comm/petsc_util.hpp"
#include "specavg/io/h5_parallel.hpp"
#include "specavg/io/nc_field.hpp"

namespace specavg {
namespace {

constexpr double kOutFill = 1e20;

class NcRowSink final : public RowSink {
 public:
  PetscErrorCode create(MPI_Comm comm, const std::string& path, const std::string& option, PetscInt rows,
                        const std::vector<SinkArray>& arrays) {
    PetscFunctionBeginUser;
    comm_ = comm;
    path_ = path;
    option_ = option;
    // Declared by predict (app/options.hpp); read here, where the format is known.
    std::string grid;
    NcFieldRequest like;
    PetscCall(nc_option_string("-like", &like.path));
    PetscCall(nc_option_string("-grid", &grid));
    PetscCall(PetscOptionsGetBool(nullptr, nullptr, "-output_residual", &residual_, nullptr));
    like.role = "-like";
    PetscCall(nc_input_options(comm, &like.var, &like.time_range));
    const int k = arrays.empty() ? 0 : std::max(arrays[0].cols, 1);
    bool names_ok = !arrays.empty() && arrays[0].name == "values";
    for (std::size_t a = 1; a < arrays.size(); ++a)
      names_ok = names_ok && arrays[a].name == "std" && std::max(arrays[a].cols, 1) == k;
    PetscCall(collective_check(comm, names_ok,
                               "netCDF output (" + option + " '" + path + "') holds predictions (values, std) only"));
    if (!grid.empty()) {
      PetscCall(collective_check(comm, !residual_,
                                 "-output_residual needs the data on the output grid: drop -grid to write on the "
                                 "-like grid"));
      PetscCall(nc_layout_grid(comm, grid, like, k, &L_));
    } else {
      PetscCall(collective_check(comm, !like.path.empty(),
                                 "netCDF output (" + option + " '" + path +
                                     "') is written on the grid of an input field or a new grid: pass -like <file.nc> "
                                     "or -grid latlon:NLAT:NLON"));
      PetscCall(nc_layout_like(comm, like, &L_));
    }
    const NcField& f = L_.f;
    PetscCall(collective_check(
        comm, k == f.ntargets && rows == PetscInt(f.nkept),
        "the predictions (" + std::to_string(rows) + " rows x " + std::to_string(k) + " target(s)) do not match the " +
            std::to_string(f.nkept) + " cells x " + std::to_string(f.ntargets) + " step(s) of " + f.where +
            ": train and predict with the same -var and -time_range"));
    int size;
    PetscCallMPI(MPI_Comm_size(comm, &size));
    offsets_.resize(std::size_t(size) + 1);
    long long mine = f.row_offset;
    PetscCallMPI(MPI_Allgather(&mine, 1, MPI_LONG_LONG, offsets_.data(), 1, MPI_LONG_LONG, comm));
    offsets_[std::size_t(size)] = f.nkept;
    for (const SinkArray& a : arrays) out_[a.name].assign(f.rows() * std::size_t(k), 0.0);
    PetscFunctionReturn(PETSC_SUCCESS);
  }

  // Rows arrive in the caller's partition; each is sent to the rank that read its cell.
  PetscErrorCode write_rows(const std::string& name, PetscInt offset, PetscInt count, const double* data) override {
    PetscFunctionBeginUser;
    const int k = L_.f.ntargets, size = int(offsets_.size()) - 1;
    std::vector<double>& dest = out_.at(name);
    std::vector<int> sendc(std::size_t(size), 0), recvc(std::size_t(size), 0), sd(std::size_t(size), 0),
        rd(std::size_t(size), 0);
    for (PetscInt i = 0; i < count; ++i) {
      const long long g = offset + i;
      const int p = int(std::upper_bound(offsets_.begin(), offsets_.end() - 1, g) - offsets_.begin()) - 1;
      ++sendc[std::size_t(p)];
    }
    PetscCallMPI(MPI_Alltoall(sendc.data(), 1, MPI_INT, recvc.data(), 1, MPI_INT, comm_));
    int nr = 0;
    for (int p = 1; p < size; ++p) sd[std::size_t(p)] = sd[std::size_t(p) - 1] + sendc[std::size_t(p) - 1];
    for (int p = 0; p < size; ++p) rd[std::size_t(p)] = nr, nr += recvc[std::size_t(p)];
    std::vector<double> in(std::size_t(nr) * std::size_t(k));
    MPI_Datatype row;
    PetscCallMPI(MPI_Type_contiguous(k, MPI_DOUBLE, &row));
    PetscCallMPI(MPI_Type_commit(&row));
    PetscCallMPI(MPI_Alltoallv(data, sendc.data(), sd.data(), row, in.data(), recvc.data(), rd.data(), row, comm_));
    PetscCallMPI(MPI_Type_free(&row));
    // Each sender's rows are contiguous: it tells where they start.
    std::vector<long long> send_first(std::size_t(size), -1), recv_first(std::size_t(size), -1);
    for (int p = 0; p < size; ++p)
      if (sendc[std::size_t(p)] > 0) send_first[std::size_t(p)] = offset + sd[std::size_t(p)];
    PetscCallMPI(MPI_Alltoall(send_first.data(), 1, MPI_LONG_LONG, recv_first.data(), 1, MPI_LONG_LONG, comm_));
    for (int p = 0; p < size; ++p)
      for (int i = 0; i < recvc[std::size_t(p)]; ++i) {
        const std::size_t r = std::size_t(recv_first[std::size_t(p)] + i - L_.f.row_offset);
        std::copy_n(&in[std::size_t(rd[std::size_t(p)] + i) * std::size_t(k)], k, &dest[r * std::size_t(k)]);
      }
    PetscFunctionReturn(PETSC_SUCCESS);
  }

  PetscErrorCode set_attributes(const Attributes& attrs) override {
    attrs_ = attrs;
    return PETSC_SUCCESS;
  }

  PetscErrorCode commit() override {
    PetscFunctionBeginUser;
    const PetscErrorCode ierr = write_file();
    if (ierr) {
      (void)abandon();
      PetscCall(ierr);
    }
    int rank, ok = 1;
    PetscCallMPI(MPI_Comm_rank(comm_, &rank));
    if (rank == 0) ok = std::rename((path_ + ".tmp").c_str(), path_.c_str()) == 0;
    PetscCallMPI(MPI_Bcast(&ok, 1, MPI_INT, 0, comm_));
    PetscCall(collective_check(comm_, ok, "cannot rename " + path_ + ".tmp to " + path_));
    PetscFunctionReturn(PETSC_SUCCESS);
  }

  PetscErrorCode abandon() override {
    if (ncid_ >= 0) nc_close(ncid_);
    ncid_ = -1;
    remove_file_on_root(comm_, path_ + ".tmp");
    return PETSC_SUCCESS;
  }

 private:
  PetscErrorCode check(int st, const std::string& what) { return nc_agree(comm_, st, what + " in " + path_ + ".tmp"); }

  PetscErrorCode put_attrs(int varid, const CfVar& src, bool skip_fill) {
    PetscFunctionBeginUser;
    for (const auto& [name, a] : src.attrs) {
      if (skip_fill && (name == "_FillValue" || name == "missing_value")) continue;
      int st;
      if (a.is_text)
        st = nc_put_att_text(ncid_, varid, name.c_str(), a.text.size(), a.text.c_str());
      else
        st = nc_put_att_double(ncid_, varid, name.c_str(), a.nctype == NC_STRING ? NC_DOUBLE : a.nctype, a.nums.size(),
                               a.nums.data());
      PetscCall(check(st, "attribute '" + name + "' of '" + src.name + "'"));
    }
    PetscFunctionReturn(PETSC_SUCCESS);
  }

  PetscErrorCode write_file() {
    PetscFunctionBeginUser;
    const NcField& f = L_.f;
    const CfVar& v = *f.meta.find(f.grid.var);
    const std::string tmp = path_ + ".tmp";
    PetscCall(check(nc_create_par(tmp.c_str(), NC_CLOBBER | NC_NETCDF4, comm_, MPI_INFO_NULL, &ncid_), "creating"));
    std::map<std::string, int> dimid;
    for (const auto& [d, n] : L_.dims) {
      int id = -1;
      PetscCall(check(nc_def_dim(ncid_, d.c_str(), d == L_.unlimited ? NC_UNLIMITED : n, &id), "dimension '" + d + "'"));
      dimid[d] = id;
    }
    auto ids_of = [&](const std::vector<std::string>& dims) {
      std::vector<int> ids;
      for (const auto& d : dims) ids.push_back(dimid.at(d));
      return ids;
    };
    std::vector<int> cids;
    for (const NcOutCoord& c : L_.coords) {
      const std::vector<int> ids = ids_of(c.var.dims);
      int id;
      PetscCall(check(nc_def_var(ncid_, c.var.name.c_str(), c.var.nctype, int(ids.size()), ids.data(), &id), c.var.name));
      PetscCall(put_attrs(id, c.var, false));
      cids.push_back(id);
    }
    const std::vector<int> vdims = ids_of(v.dims);
    const std::string group = attr("group"), what = v.text("long_name").empty() ? v.name : v.text("long_name");
    const bool with_std = out_.count("std") != 0;
    int fit_id, res_id = -1, std_id = -1;
    PetscCall(def_field(v.name, vdims, v, "G-invariant component (group " + group + ") of " + what, &fit_id));
    if (residual_)
      PetscCall(def_field(v.name + "_residual", vdims, v,
                          what + " minus its G-invariant component (group " + group + ")", &res_id));
    if (with_std) {
      const std::string sname = v.name + "_std";
      PetscCall(def_field(sname, vdims, v,
                          "predictive standard deviation of the G-invariant component (group " + group + ") of " +
                              what + " (noise only; truncation bias not included)",
                          &std_id));
      if (!v.text("standard_name").empty()) {
        const std::string sn = v.text("standard_name") + " standard_error";
        PetscCall(check(nc_put_att_text(ncid_, std_id, "standard_name", sn.size(), sn.c_str()), sname));
      }
      PetscCall(check(nc_put_att_text(ncid_, fit_id, "ancillary_variables", sname.size(), sname.c_str()), v.name));
    }
    PetscCall(global_attrs());
    PetscCall(check(nc_enddef(ncid_), "leaving define mode"));
    // Coordinates: rank 0 writes them whole, the others join with zero counts.
    int rank;
    PetscCallMPI(MPI_Comm_rank(comm_, &rank));
    NcFile in;
    if (!L_.like_path.empty()) PetscCall(in.open(comm_, L_.like_path, "-like file '" + L_.like_path + "'"));
    for (std::size_t i = 0; i < L_.coords.size(); ++i) {
      const NcOutCoord& c = L_.coords[i];
      std::vector<std::size_t> start(c.var.dims.size(), 0), count = c.var.shape;
      for (std::size_t d = 0; d < c.var.dims.size(); ++d)
        if (c.var.dims[d] == L_.like_tdim) start[d] = L_.like_t0, count[d] = L_.dim_size(L_.like_tdim);
      std::size_t n = 1;
      for (std::size_t x : count) n *= x;
      std::vector<double> buf = c.data;
      if (c.from_like) {
        buf.assign(std::max<std::size_t>(n, 1), 0.0);
        PetscCall(in.read(c.var, start, count, buf.data()));
      }
      std::vector<size_t> s0(start.size(), 0), cnt(count.begin(), count.end());
      if (rank != 0) std::fill(cnt.begin(), cnt.end(), 0);
      PetscCall(check(nc_var_par_access(ncid_, cids[i], NC_COLLECTIVE), c.var.name));
      PetscCall(check(nc_put_vara_double(ncid_, cids[i], s0.data(), cnt.data(), buf.data()), "writing " + c.var.name));
    }
    if (!L_.like_path.empty()) PetscCall(in.close());
    PetscCall(write_field(fit_id, out_.at("values"), false));
    if (residual_) PetscCall(write_field(res_id, out_.at("values"), true));
    if (with_std) PetscCall(write_field(std_id, out_.at("std"), false));
    const int st = nc_close(ncid_);
    ncid_ = -1;
    PetscCall(check(st, "closing"));
    PetscFunctionReturn(PETSC_SUCCESS);
  }

  std::string attr(const std::string& key) const {
    for (const auto& [k, v] : attrs_.strings)
      if (k == key) return v;
    return "";
  }

  PetscErrorCode def_field(const std::string& name, const std::vector<int>& dims, const CfVar& src,
                           const std::string& long_name, int* id) {
    PetscFunctionBeginUser;
    PetscCall(check(nc_def_var(ncid_, name.c_str(), NC_DOUBLE, int(dims.size()), dims.data(), id), name));
    PetscCall(check(nc_def_var_fill(ncid_, *id, 0, &kOutFill), name));
    auto text = [&](const char* k, const std::string& s) {
      return check(nc_put_att_text(ncid_, *id, k, s.size(), s.c_str()), name);
    };
    PetscCall(text("long_name", long_name));
    for (const char* k : {"units", "coordinates", "cell_measures"})
      if (!src.text(k).empty()) PetscCall(text(k, src.text(k)));
    PetscFunctionReturn(PETSC_SUCCESS);
  }

  PetscErrorCode global_attrs() {
    PetscFunctionBeginUser;
    auto text = [&](const std::string& k, const std::string& s) {
      return check(nc_put_att_text(ncid_, NC_GLOBAL, k.c_str(), s.size(), s.c_str()), "global attribute " + k);
    };
    PetscCall(text("Conventions", "CF-1.8"));
    char* all = nullptr;
    PetscCall(PetscOptionsGetAll(nullptr, &all));
    char when[32];
    const std::time_t now = std::time(nullptr);
    std::strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&now));
    // CF: newest first, then the input's history.
    std::string history = std::string(when) + ": specavg predict " + (all ? all : "");
    PetscCall(PetscFree(all));
    PetscCall(text("history", history));
    PetscCall(text("source", "specavg " SPECAVG_VERSION ": G-invariant least-squares fit (spectral averaging)"));
    for (const auto& [k, s] : attrs_.strings) PetscCall(text(k.rfind("specavg", 0) == 0 ? k : "specavg_" + k, s));
    for (const auto& [k, x] : attrs_.numbers)
      PetscCall(check(nc_put_att_double(ncid_, NC_GLOBAL, ("specavg_" + k).c_str(), NC_DOUBLE, 1, &x), k));
    PetscFunctionReturn(PETSC_SUCCESS);
  }

  // One collective put per selected step: this rank's slab, masked cells as _FillValue.
  PetscErrorCode write_field(int id, const std::vector<double>& rows, bool residual) {
    PetscFunctionBeginUser;
    const CfGrid& g = L_.f.grid;
    const CfVar& v = *L_.f.meta.find(g.var);
    const std::size_t k = std::size_t(L_.f.ntargets), rank = v.shape.size();
    PetscInt jb, jc;
    row_block(comm_, PetscInt(g.spatial_shape[0]), &jb, &jc);
    std::size_t rest = 1;
    for (std::size_t p = 1; p < g.spatial_shape.size(); ++p) rest *= g.spatial_shape[p];
    const std::size_t base = std::size_t(jb) * rest, ncl = std::size_t(jc) * rest;
    std::vector<long long> row_of(ncl, -1);  // local cell -> local row
    for (std::size_t r = 0; r < L_.f.rows(); ++r) row_of[std::size_t(L_.f.cell[r]) - base] = (long long)r;
    std::vector<std::size_t> cstride(rank, 0), tstride(rank, 0), cnt(rank);
    std::size_t cs = 1, ts = 1;
    for (int p = int(g.spatial_axes.size()) - 1; p >= 0; --p) {
      cstride[std::size_t(g.spatial_axes[std::size_t(p)])] = cs;
      cs *= p == 0 ? std::size_t(jc) : g.spatial_shape[std::size_t(p)];
    }
    for (int q = int(g.extra_axes.size()) - 1; q >= 0; --q) {
      const int a = g.extra_axes[std::size_t(q)];
      tstride[std::size_t(a)] = ts;
      ts *= a == g.time_axis ? L_.f.t1 - L_.f.t0 : v.shape[std::size_t(a)];
    }
    const std::size_t nsteps = g.time_axis >= 0 ? L_.f.t1 - L_.f.t0 : 1;
    PetscCall(check(nc_var_par_access(ncid_, id, NC_COLLECTIVE), "field"));
    std::vector<double> buf;
    std::vector<size_t> start(rank), count(rank);
    for (std::size_t step = 0; step < nsteps; ++step) {
      std::size_t n = 1;
      for (std::size_t a = 0; a < rank; ++a) {
        start[a] = 0;
        cnt[a] = int(a) == g.time_axis ? 1 : v.shape[a];
        if (int(a) == g.time_axis) start[a] = step;
        if (int(a) == g.spatial_axes[0]) start[a] = std::size_t(jb), cnt[a] = std::size_t(jc);
        count[a] = cnt[a];
        n *= cnt[a];
      }
      buf.assign(std::max<std::size_t>(n, 1), kOutFill);
      std::vector<std::size_t> idx(rank, 0);
      std::size_t cell = 0, tgt = g.time_axis >= 0 ? step * tstride[std::size_t(g.time_axis)] : 0;
      for (std::size_t e = 0; e < n; ++e) {
        const long long r = row_of[cell];
        if (r >= 0) {
          const double fit = rows[std::size_t(r) * k + tgt];
          buf[e] = residual ? L_.f.values[std::size_t(r) * k + tgt] - fit : fit;
        }
        for (std::size_t a = rank; a-- > 0;) {
          const std::size_t t = int(a) == g.time_axis ? 0 : tstride[a];
          cell += cstride[a];
          tgt += t;
          if (++idx[a] < cnt[a]) break;
          cell -= cstride[a] * cnt[a];
          tgt -= t * cnt[a];
          idx[a] = 0;
        }
      }
      if (n == 0)
        for (auto& c : count) c = 0;
      PetscCall(check(nc_put_vara_double(ncid_, id, start.data(), count.data(), buf.data()), "writing the field"));
    }
    PetscFunctionReturn(PETSC_SUCCESS);
  }

  MPI_Comm comm_ = MPI_COMM_NULL;
  std::string path_, option_;
  PetscBool residual_ = PETSC_FALSE;
  NcOutputLayout L_;
  std::vector<long long> offsets_;                   // first global row of each rank's slab (+ total)
  std::map<std::string, std::vector<double>> out_;  // values (and std): rows x k, in the slab partition
  Attributes attrs_;
  int ncid_ = -1;
};

}  // namespace

PetscErrorCode create_nc_row_sink(MPI_Comm comm, const std::string& path, const std::string& option,
                                  PetscInt rows_total, const std::vector<SinkArray>& arrays,
                                  std::unique_ptr<RowSink>* sink) {
  PetscFunctionBeginUser;
  auto s = std::make_unique<NcRowSink>();
  PetscCall(s->create(comm, path, option, rows_total, arrays));
  *sink = std::move(s);
  PetscFunctionReturn(PETSC_SUCCESS);
}

}  // namespace specavg
