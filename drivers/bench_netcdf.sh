#!/usr/bin/env bash
# CF netCDF benchmark: a generated netCDF-4 field on a 0.25° global grid (721 × 1440
# cells) × 120 monthly steps, fitted with the equatorially symmetric group Cs at lmax 64
# on 2 ranks. Prints the time of each phase (PETSc -log_view stages), the share of
# reading in the total, and the multi-target assembly rate next to the DGEMM rate of the
# linked BLAS measured in the same run (specavg_perf, as drivers/perf_report.sh).
# Usage: drivers/bench_netcdf.sh [NLAT NLON NSTEPS LMAX]   (defaults 721 1440 120 64)
# Writes build/bench_netcdf/ (the generated file, logs, report.md).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
nlat=${1:-721} nlon=${2:-1440} nsteps=${3:-120} lmax=${4:-64}
out="$SPECAVG_BUILD/bench_netcdf"
mkdir -p "$out"
cd "$out"
data="field_${nlat}x${nlon}x${nsteps}.nc"
if [ ! -s "$data" ]; then
  # A smooth temperature-like field (zonal mean, seasonal cycle, a wave), float32, with
  # cell bounds and an unlimited time axis; one chunk per step.
  /usr/bin/python3 - "$data" "$nlat" "$nlon" "$nsteps" <<'PY'
import sys
import netCDF4
import numpy as np
path, nlat, nlon, nt = sys.argv[1], *map(int, sys.argv[2:5])
lat = np.linspace(-90, 90, nlat)
lon = np.arange(nlon) * 360.0 / nlon
d = netCDF4.Dataset(path + ".tmp", "w", format="NETCDF4")
d.createDimension("time", None); d.createDimension("lat", nlat); d.createDimension("lon", nlon)
d.createDimension("bnds", 2)
v = d.createVariable("lat", "f8", ("lat",)); v[:] = lat
v.standard_name, v.units, v.axis, v.bounds = "latitude", "degrees_north", "Y", "lat_bnds"
e = np.clip(np.concatenate(([lat[0] - 90 / (nlat - 1)], (lat[1:] + lat[:-1]) / 2, [lat[-1] + 90 / (nlat - 1)])), -90, 90)
d.createVariable("lat_bnds", "f8", ("lat", "bnds"))[:] = np.stack([e[:-1], e[1:]], axis=1)
v = d.createVariable("lon", "f8", ("lon",)); v[:] = lon
v.standard_name, v.units, v.axis, v.bounds = "longitude", "degrees_east", "X", "lon_bnds"
h = 180.0 / nlon
d.createVariable("lon_bnds", "f8", ("lon", "bnds"))[:] = np.stack([lon - h, lon + h], axis=1)
t = d.createVariable("time", "f8", ("time",)); t.units, t.calendar, t.axis = "days since 2000-01-01", "365_day", "T"
tas = d.createVariable("tas", "f4", ("time", "lat", "lon"), chunksizes=(1, nlat, nlon), fill_value=np.float32(1e20))
tas.standard_name, tas.units = "air_temperature", "K"
phi, lam = np.meshgrid(np.radians(lat), np.radians(lon), indexing="ij")
base = 250 + 40 * np.cos(phi) ** 2 + 3 * np.sin(phi) ** 3 + 2 * np.cos(phi) * np.cos(2 * lam)
rng = np.random.default_rng(1)
for s in range(nt):
    season = 10 * np.sin(phi) * np.cos(2 * np.pi * s / 12)
    tas[s] = (base + season + rng.normal(0, 0.5, phi.shape)).astype(np.float32)
    t[s] = 15 + 30.4 * s
d.close()
import os
os.rename(path + ".tmp", path)
PY
fi
ls -l "$data"
"${SPECAVG_MPIEXEC[@]}" -n 2 "$SPECAVG_BUILD/specavg_perf" 20000 | tee perf.log
"${SPECAVG_MPIEXEC[@]}" -n 2 "$SPECAVG_BUILD/specavg" train -data "$data" -var tas -group Cs -lmax "$lmax" \
  -model model.h5 -log_view :log_view.txt | tee train.log
dgemm=$(awk '/^DGEMM/ {print $(NF-1)}' perf.log)
/usr/bin/python3 - "$dgemm" "$nlat" "$nlon" "$nsteps" "$lmax" <<'PY' | tee report.md
import re, sys
dgemm, nlat, nlon, nt, lmax = float(sys.argv[1]), *sys.argv[2:]
log = open("log_view.txt").read()
# "Summary of Stages": stage number, name, then time and percent of total.
stages = {}
for m in re.finditer(r"^\s*\d+:\s+(.+?):\s+([0-9.e+-]+)\s+([0-9.]+)%", log, re.M):
    stages[m.group(1).strip()] = (float(m.group(2)), float(m.group(3)))
total = float(re.search(r"^Time \(sec\):\s+([0-9.e+-]+)", log, re.M).group(1))
train = open("train.log").read()
gf = float(re.search(r"assembly [0-9.]+ s \(([0-9.]+) GFLOP/s per rank\)", train).group(1))
print(f"# CF netCDF benchmark: {nlat} x {nlon} cells x {nt} steps, Cs, lmax {lmax}, 2 ranks\n")
print("| phase (-log_view stage) | seconds | share of total |")
print("|---|---|---|")
for name, (sec, pct) in stages.items():
    print(f"| {name} | {sec:.2f} | {pct:.1f}% |")
print(f"| total (whole job) | {total:.2f} | 100% |\n")
read = stages.get("specavg: read", (0, 0))
print(f"Reading: {read[0]:.2f} s = {100 * read[0] / total:.1f}% of the total.")
print(f"Multi-target assembly: {gf:.2f} GFLOP/s per rank = {100 * gf / dgemm:.0f}% of DGEMM "
      f"({dgemm:.2f} GFLOP/s per rank, n = 2000, same run).")
PY
