#!/usr/bin/env bash
# End-to-end netCDF through the specavg executable: Debian's CMIP5 sample (netCDF-3,
# Gaussian grid, 12 months) trains at 1 and 3 ranks to the same coefficients; predict
# -like writes fit and residual that netCDF4-python (and ncdump/xarray when present) read,
# with fit + residual = data; malformed input exits 1 and leaves no output.
# Usage: cli_netcdf.sh SPECAVG_EXE WORKDIR MPIEXEC...
set -euo pipefail
exe=$1 work=$2
shift 2
mpi=("$@")
sample=/usr/share/ncarg/data/nug/tas_rectilinear_grid_2D.nc
py=/usr/bin/python3
rm -rf "$work" && mkdir -p "$work" && cd "$work"
fail() { echo "FAIL: $*" >&2; exit 1; }

"${mpi[@]}" -n 1 "$exe" train -data "$sample" -var tas -group Cs -lmax 8 -model m1.h5 > train1.log
"${mpi[@]}" -n 3 "$exe" train -data "$sample" -var tas -group Cs -lmax 8 -model m3.h5 > train3.log
grep -q "weights from cell bounds (lat_bnds, lon_bnds)" train3.log || fail "report does not name the weight source"
"${mpi[@]}" -n 2 "$exe" predict -model m3.h5 -like "$sample" -var tas -output fit.nc -output_residual > predict.log
test ! -e fit.nc.tmp || fail "temporary output left behind"

"$py" - "$sample" <<'PY'
import sys
import h5py
import netCDF4
import numpy as np
a = h5py.File("m1.h5")["coefficients"][()]
b = h5py.File("m3.h5")["coefficients"][()]
dev = np.abs(a - b).max() / np.abs(a).max()
assert dev < 1e-10, f"1 vs 3 ranks: relative coefficient deviation {dev}"
src, out = netCDF4.Dataset(sys.argv[1]), netCDF4.Dataset("fit.nc")
x = src["tas"][:].astype(float)
fit, res = out["tas"][:], out["tas_residual"][:]
assert fit.shape == x.shape == (12, 96, 192), fit.shape
assert np.abs(fit + res - x).max() < 1e-9, "fit + residual != data"
assert np.allclose(out["lat"][:], src["lat"][:], rtol=0, atol=0)
assert np.allclose(out["lat_bnds"][:], src["lat_bnds"][:], rtol=0, atol=0)
assert np.allclose(out["time"][:], src["time"][:], rtol=0, atol=0)
# Cs: the fit is symmetric about the equator (the Gaussian latitudes are, to float precision).
assert np.abs(fit[:, ::-1, :] - fit).max() < 1e-3 * np.abs(fit).max()
assert out["tas"].units == "K" and "G-invariant" in out["tas"].long_name
assert out.specavg_group == "Cs" and "specavg predict" in out.history
for k in ("specavg_cutoff", "specavg_estimator", "specavg_tau"):
    assert k in out.ncattrs(), k
try:
    import xarray
    xarray.open_dataset("fit.nc").load()
except ImportError:
    pass
PY
if command -v ncdump > /dev/null; then ncdump -h fit.nc > /dev/null || fail "ncdump cannot read fit.nc"; fi

# Malformed input: exit status 1, a message naming the problem, no output file.
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
expect_error "variable 'nope' not found" bad.h5 "${mpi[@]}" -n 2 "$exe" train -data "$sample" -var nope -group Cs -lmax 4 -model bad.h5
expect_error "-time_range" bad.h5 "${mpi[@]}" -n 2 "$exe" train -data "$sample" -var tas -time_range 5:40 -group Cs -lmax 4 -model bad.h5
expect_error "-output_residual needs a netCDF output" bad.h5 "${mpi[@]}" -n 2 "$exe" predict -model m3.h5 -like "$sample" -var tas -output bad.h5 -output_residual
expect_error "-like" bad.nc "${mpi[@]}" -n 2 "$exe" predict -model m3.h5 -points "$sample" -var tas -output bad.nc
"$py" - <<'PY'
import netCDF4
import numpy as np
for name, units in (("nolat.nc", "m"), ("units.nc", "furlongs")):
    d = netCDF4.Dataset(name, "w", format="NETCDF4")
    d.createDimension("lat", 4); d.createDimension("lon", 8)
    la = d.createVariable("lat", "f8", ("lat",)); la.units = units
    if units != "m":
        la.standard_name = "latitude"
    lo = d.createVariable("lon", "f8", ("lon",)); lo.units = "degrees_east"
    v = d.createVariable("tas", "f4", ("lat", "lon"))
    la[:] = np.linspace(-60, 60, 4); lo[:] = np.arange(8) * 45.0; v[:] = 1.0
    d.close()
PY
expect_error "no latitude coordinate" bad.h5 "${mpi[@]}" -n 2 "$exe" train -data nolat.nc -var tas -group Cs -lmax 4 -model bad.h5
expect_error "unknown units 'furlongs'" bad.h5 "${mpi[@]}" -n 2 "$exe" train -data units.nc -var tas -group Cs -lmax 4 -model bad.h5
echo "cli_netcdf: all checks passed"
