#!/usr/bin/env bash
# CF netCDF grids and outputs through the specavg executable, on Debian's samples:
#  * predict -std writes <var>_std equal to the HDF5 path's std at the same cells;
#  * predict -grid latlon:NLAT:NLON writes a new regular grid (with and without -like)
#    whose values equal the model at the cell centres, and that ncdump reads;
#  * the bipolar ocean grid (curvilinear, 2-D lat/lon with corner bounds, land masked) and
#    ICON's triangular grid (unstructured, clat/clon in radians): training equals the
#    HDF5 path on points, values and area weights computed here independently
#    (L'Huilier's formula), and does not depend on the rank count;
#  * bad -grid use exits 1 with a message naming the problem and leaves no output.
# Usage: cli_netcdf_grids.sh SPECAVG_EXE WORKDIR MPIEXEC...
set -euo pipefail
exe=$1 work=$2
shift 2
mpi=("$@")
nug=/usr/share/ncarg/data/nug
tas=$nug/tas_rectilinear_grid_2D.nc
py=/usr/bin/python3
rm -rf "$work" && mkdir -p "$work" && cd "$work"
fail() { echo "FAIL: $*" >&2; exit 1; }

# --- -std and -grid on the CMIP5 sample --------------------------------------------
"${mpi[@]}" -n 2 "$exe" train -data "$tas" -var tas -group Cs -lmax 8 -uncertainty 1 -model m.h5 > train.log
"${mpi[@]}" -n 2 "$exe" predict -model m.h5 -like "$tas" -var tas -std -output fit.nc > p1.log
"${mpi[@]}" -n 2 "$exe" predict -model m.h5 -points "$tas" -var tas -std -output cells.h5 > p2.log
"${mpi[@]}" -n 2 "$exe" predict -model m.h5 -grid latlon:45:90 -like "$tas" -var tas -std -output grid.nc > p3.log
"${mpi[@]}" -n 2 "$exe" predict -model m.h5 -grid latlon:45:90 -output grid_plain.nc > p4.log
"$py" - <<'PY'
import h5py
import numpy as np
lat = -90 + (np.arange(45) + 0.5) * 4.0
lon = (np.arange(90) + 0.5) * 4.0
la, lo = np.meshgrid(np.radians(lat), np.radians(lon), indexing="ij")
x = np.stack([np.cos(la) * np.cos(lo), np.cos(la) * np.sin(lo), np.sin(la)], axis=-1).reshape(-1, 3)
with h5py.File("gridpoints.h5", "w") as f:
    f["points"] = x
PY
"${mpi[@]}" -n 2 "$exe" predict -model m.h5 -points gridpoints.h5 -output gridpoints_pred.h5 > p5.log
for f in fit.nc grid.nc grid_plain.nc; do ncdump -h "$f" > /dev/null || fail "ncdump cannot read $f"; done
"$py" - "$tas" <<'PY'
import sys
import h5py
import netCDF4
import numpy as np
src = netCDF4.Dataset(sys.argv[1])
fit = netCDF4.Dataset("fit.nc")
cells = h5py.File("cells.h5")
std = fit["tas_std"][:]
ref = cells["std"][()].T.reshape(std.shape)  # rows are the cells in C order (lat, lon)
assert std.shape == (12, 96, 192), std.shape
assert np.all(std > 0) and np.all(np.isfinite(std))
assert np.abs(std - ref).max() <= 1e-12 * np.abs(ref).max(), np.abs(std - ref).max()
assert np.abs(fit["tas"][:] - cells["values"][()].T.reshape(std.shape)).max() < 1e-9
assert fit["tas"].ancillary_variables == "tas_std" and fit["tas_std"].units == "K"
g = netCDF4.Dataset("grid.nc")
gp = netCDF4.Dataset("grid_plain.nc")
want = h5py.File("gridpoints_pred.h5")["values"][()].T.reshape(12, 45, 90)
assert g["tas"].dimensions == ("time", "lat", "lon"), g["tas"].dimensions
assert gp["fit"].dimensions == ("target", "lat", "lon"), gp["fit"].dimensions
assert np.abs(g["lat"][:] - (-90 + (np.arange(45) + 0.5) * 4)).max() < 1e-12
assert np.abs(g["lon_bnds"][:, 1] - (np.arange(90) + 1) * 4.0).max() < 1e-12
assert np.array_equal(g["time"][:], src["time"][:])
assert g["tas"].units == "K" and "G-invariant" in g["tas"].long_name
scale = np.abs(want).max()
for v in (g["tas"][:], gp["fit"][:]):
    assert np.abs(v - want).max() <= 1e-12 * scale, np.abs(v - want).max()
# Cs: the regular grid is symmetric about the equator, so is the fit.
assert np.abs(want[:, ::-1, :] - want).max() <= 1e-10 * scale
assert g["tas_std"].shape == (12, 45, 90) and np.all(g["tas_std"][:] > 0)
PY

expect_error() {  # pattern, output file, command...
  local pat=$1 out=$2
  shift 2
  set +e
  "$@" > err.log 2>&1
  local rc=$?
  set -e
  [ $rc -eq 1 ] || fail "exit status $rc (expected 1) for: $*"
  grep -q -- "$pat" err.log || { cat err.log >&2; fail "message does not mention '$pat'"; }
  test ! -e "$out" && test ! -e "$out.tmp" || fail "output $out left behind"
}
expect_error "latlon:NLAT:NLON" bad.nc "${mpi[@]}" -n 2 "$exe" predict -model m.h5 -grid latlon:0:10 -output bad.nc
expect_error "writes CF netCDF" bad.h5 "${mpi[@]}" -n 2 "$exe" predict -model m.h5 -grid latlon:4:8 -output bad.h5
expect_error "drop -grid" bad.nc "${mpi[@]}" -n 2 "$exe" predict -model m.h5 -grid latlon:4:8 -like "$tas" -output bad.nc -output_residual
expect_error "only one of them" bad.nc "${mpi[@]}" -n 2 "$exe" predict -model m.h5 -grid latlon:4:8 -points gridpoints.h5 -output bad.nc
expect_error "time_range" bad.nc "${mpi[@]}" -n 2 "$exe" predict -model m.h5 -grid latlon:4:8 -like "$tas" -time_range 0:3 -output bad.nc

# --- curvilinear (bipolar ocean) and unstructured (ICON) grids -----------------------
check_grid() {  # file var lmax
  local file=$1 var=$2 lmax=$3
  "${mpi[@]}" -n 1 "$exe" train -data "$file" -var "$var" -group Cs -lmax "$lmax" -model "$var"1.h5 > "$var"1.log
  "${mpi[@]}" -n 2 "$exe" train -data "$file" -var "$var" -group Cs -lmax "$lmax" -model "$var"2.h5 > "$var"2.log
  grep -q "weights from cell bounds" "$var"2.log || fail "$var: weights not from the cell bounds"
  "$py" - "$file" "$var" <<'PY'
import sys
import h5py
import netCDF4
import numpy as np
d = netCDF4.Dataset(sys.argv[1])
v = d[sys.argv[2]]
lat_name, lon_name = [n for n in d.variables if getattr(d[n], "standard_name", "") == "latitude"][0], \
                     [n for n in d.variables if getattr(d[n], "standard_name", "") == "longitude"][0]
la, lo = d[lat_name], d[lon_name]
s = 1.0 if "rad" in la.units else np.pi / 180
def unit(a, b):
    a, b = np.asarray(a, float) * s, np.asarray(b, float) * s
    return np.stack([np.cos(a) * np.cos(b), np.cos(a) * np.sin(b), np.sin(a)], axis=-1)
sp = la.ndim
x = unit(la[:], lo[:]).reshape(-1, 3)
bv = unit(d[la.bounds][:], d[lo.bounds][:]).reshape(x.shape[0], -1, 3)
def lhuilier(a, b, c):  # spherical excess of the triangle (a, b, c)
    A = np.arccos(np.clip((b * c).sum(-1), -1, 1)); B = np.arccos(np.clip((a * c).sum(-1), -1, 1))
    C = np.arccos(np.clip((a * b).sum(-1), -1, 1)); p = (A + B + C) / 2
    t = np.tan(p / 2) * np.tan((p - A) / 2) * np.tan((p - B) / 2) * np.tan((p - C) / 2)
    return 4 * np.arctan(np.sqrt(np.clip(t, 0, None)))
area = sum(lhuilier(bv[:, 0], bv[:, i], bv[:, i + 1]) for i in range(1, bv.shape[1] - 1))
vals = np.ma.masked_invalid(np.ma.asarray(v[:]))
vals = vals.reshape(-1, x.shape[0]).T  # cells x targets (extra dims lead)
keep = ~np.ma.getmaskarray(vals).any(axis=1)
w = area[keep] / area[keep].mean()
with h5py.File("same_rows.h5", "w") as f:
    f["points"] = x[keep]
    f["values"] = np.asarray(vals[keep], float)
    f["weights"] = w
print(f"{sys.argv[2]}: {keep.sum()} of {x.shape[0]} cells kept, {vals.shape[1]} target(s)")
PY
  "${mpi[@]}" -n 2 "$exe" train -data same_rows.h5 -group Cs -lmax "$lmax" -model "$var"h.h5 > "$var"h.log
  "$py" - "$var" <<'PY'
import sys
import h5py
import numpy as np
v = sys.argv[1]
a, b, h = (h5py.File(f"{v}{s}.h5")["coefficients"][()] for s in ("1", "2", "h"))
rel = lambda p, q: np.abs(p - q).max() / np.abs(q).max()
assert rel(a, b) < 1e-10, f"{v}: 1 vs 2 ranks {rel(a, b)}"
assert rel(b, h) < 1e-8, f"{v}: netCDF vs the same rows in HDF5 {rel(b, h)}"
PY
}
check_grid "$nug/tos_ocean_bipolar_grid.nc" tos 6
grep -q "curvilinear grid" tos2.log || fail "bipolar grid not read as curvilinear"
check_grid "$nug/triangular_grid_ICON.nc" S 6
grep -q "unstructured grid" S2.log || fail "ICON grid not read as unstructured"
# The bipolar field back on its grid: fit + residual = data on the ocean, fill on land.
"${mpi[@]}" -n 2 "$exe" predict -model tos2.h5 -like "$nug/tos_ocean_bipolar_grid.nc" -var tos -output tos_fit.nc \
  -output_residual > p6.log
ncdump -h tos_fit.nc > /dev/null || fail "ncdump cannot read tos_fit.nc"
"$py" - "$nug/tos_ocean_bipolar_grid.nc" <<'PY'
import sys
import netCDF4
import numpy as np
src, out = netCDF4.Dataset(sys.argv[1]), netCDF4.Dataset("tos_fit.nc")
x = src["tos"][:]
fit, res = out["tos"][:], out["tos_residual"][:]
ocean = ~np.ma.getmaskarray(x)
assert np.array_equal(~np.ma.getmaskarray(fit), ocean) and np.array_equal(~np.ma.getmaskarray(res), ocean)
assert np.abs((fit + res - x)[ocean]).max() < 1e-4  # tos is float32
assert np.array_equal(out["lat_bnds"][:], src["lat_bnds"][:])
PY
echo "cli_netcdf_grids: all checks passed"
