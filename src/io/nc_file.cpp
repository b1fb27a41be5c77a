#include "nc_file.hpp"

#include <netcdf.h>
#include <netcdf_par.h>

#include <cstring>
#include <fstream>

#include "specavg/comm/collective.hpp"
#include "specavg/comm/petsc_util.hpp"

namespace specavg {

PetscErrorCode nc_agree(MPI_Comm comm, int status, const std::string& what) {
  return collective_check(comm, status == NC_NOERR, what + ": " + nc_strerror(status));
}

NcFile::~NcFile() {
  if (ncid_ >= 0) nc_close(ncid_);
}

PetscErrorCode NcFile::open(MPI_Comm comm, const std::string& path, const std::string& where) {
  PetscFunctionBeginUser;
  comm_ = comm;
  where_ = where;
  int rank, classic = 0;
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  if (rank == 0) {
    char head[4] = {};
    std::ifstream(path, std::ios::binary).read(head, 4);
    classic = std::memcmp(head, "CDF", 3) == 0;
  }
  PetscCallMPI(MPI_Bcast(&classic, 1, MPI_INT, 0, comm));
  netcdf4_ = !classic;
  int st = netcdf4_ ? nc_open_par(path.c_str(), NC_NOWRITE, comm, MPI_INFO_NULL, &ncid_)
                    : nc_open(path.c_str(), NC_NOWRITE, &ncid_);
  if (st != NC_NOERR) ncid_ = -1;
  const PetscErrorCode ierr = nc_agree(comm, st, "cannot open " + where + " as netCDF (check the path, or regenerate a truncated file)");
  if (ierr && ncid_ >= 0) {
    nc_close(ncid_);
    ncid_ = -1;
  }
  PetscCall(ierr);
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NcFile::close() {
  PetscFunctionBeginUser;
  if (ncid_ < 0) PetscFunctionReturn(PETSC_SUCCESS);
  const int st = nc_close(ncid_);
  ncid_ = -1;
  PetscCall(nc_agree(comm_, st, "closing " + where_));
  PetscFunctionReturn(PETSC_SUCCESS);
}

namespace {

int read_attrs(int ncid, int varid, int natts, std::map<std::string, CfAttr>* out) {
  for (int a = 0; a < natts; ++a) {
    char name[NC_MAX_NAME + 1];
    nc_type t;
    size_t len;
    int st = nc_inq_attname(ncid, varid, a, name);
    if (st == NC_NOERR) st = nc_inq_att(ncid, varid, name, &t, &len);
    if (st != NC_NOERR) return st;
    CfAttr at;
    at.nctype = t;
    if (t == NC_CHAR) {
      at.is_text = true;
      at.text.resize(len);
      if (len) st = nc_get_att_text(ncid, varid, name, &at.text[0]);
      at.text = at.text.c_str();  // drop trailing NULs
    } else if (t == NC_STRING) {
      at.is_text = true;
      std::vector<char*> s(len);
      st = nc_get_att_string(ncid, varid, name, s.data());
      for (size_t i = 0; st == NC_NOERR && i < len; ++i) at.text += (i ? " " : "") + std::string(s[i] ? s[i] : "");
      if (st == NC_NOERR) nc_free_string(len, s.data());
    } else {
      at.nums.resize(len);
      if (len) st = nc_get_att_double(ncid, varid, name, at.nums.data());
    }
    if (st != NC_NOERR) return st;
    (*out)[name] = at;
  }
  return NC_NOERR;
}

int scan(int ncid, CfMeta* m) {
  int ndims, nvars, ngatts, unlim;
  int st = nc_inq(ncid, &ndims, &nvars, &ngatts, &unlim);
  if (st != NC_NOERR) return st;
  std::vector<int> dimids(std::size_t(ndims > 0 ? ndims : 1));
  if ((st = nc_inq_dimids(ncid, &ndims, dimids.data(), 0)) != NC_NOERR) return st;
  std::map<int, std::size_t> pos;
  for (int d = 0; d < ndims; ++d) {
    char name[NC_MAX_NAME + 1];
    size_t len;
    if ((st = nc_inq_dim(ncid, dimids[std::size_t(d)], name, &len)) != NC_NOERR) return st;
    pos[dimids[std::size_t(d)]] = m->dim_names.size();
    m->dim_names.push_back(name);
    m->dim_sizes.push_back(len);
    if (dimids[std::size_t(d)] == unlim) m->unlimited = name;
  }
  for (int v = 0; v < nvars; ++v) {
    CfVar var;
    char name[NC_MAX_NAME + 1];
    nc_type t;
    int nd, natts;
    int vd[NC_MAX_VAR_DIMS];
    if ((st = nc_inq_var(ncid, v, name, &t, &nd, vd, &natts)) != NC_NOERR) return st;
    var.name = name;
    var.id = v;
    var.nctype = t;
    for (int d = 0; d < nd; ++d) {
      const std::size_t p = pos.at(vd[d]);
      var.dims.push_back(m->dim_names[p]);
      var.shape.push_back(m->dim_sizes[p]);
    }
    if ((st = read_attrs(ncid, v, natts, &var.attrs)) != NC_NOERR) return st;
    m->vars.push_back(std::move(var));
  }
  return NC_NOERR;
}

}  // namespace

PetscErrorCode NcFile::read_meta(CfMeta* meta) {
  PetscFunctionBeginUser;
  *meta = CfMeta{};
  PetscCall(nc_agree(comm_, scan(ncid_, meta), "reading the metadata of " + where_));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode NcFile::read(const CfVar& v, const std::vector<std::size_t>& start,
                            const std::vector<std::size_t>& count, double* buf) {
  PetscFunctionBeginUser;
  int st = NC_NOERR;
  if (netcdf4_) st = nc_var_par_access(ncid_, v.id, NC_COLLECTIVE);
  std::vector<size_t> s(start.begin(), start.end()), c(count.begin(), count.end());
  // A zero count still joins the collective transfer; start must stay inside the extents.
  for (std::size_t d = 0; d < c.size(); ++d)
    if (c[d] == 0) s[d] = 0;
  if (st == NC_NOERR) st = nc_get_vara_double(ncid_, v.id, s.data(), c.data(), buf);
  PetscCall(nc_agree(comm_, st, "reading variable '" + v.name + "' from " + where_));
  PetscFunctionReturn(PETSC_SUCCESS);
}

double NcFile::default_fill(int t) {
  switch (t) {
    case NC_BYTE:
      return NC_FILL_BYTE;
    case NC_SHORT:
      return NC_FILL_SHORT;
    case NC_INT:
      return NC_FILL_INT;
    case NC_FLOAT:
      return double(NC_FILL_FLOAT);
    case NC_DOUBLE:
      return NC_FILL_DOUBLE;
    case NC_UBYTE:
      return NC_FILL_UBYTE;
    case NC_USHORT:
      return NC_FILL_USHORT;
    case NC_UINT:
      return NC_FILL_UINT;
    default:
      return 0;
  }
}

}  // namespace specavg
