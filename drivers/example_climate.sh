#!/usr/bin/env bash
# Climate example: which share of the monthly surface-temperature field is equatorially
# symmetric (group Cs) and which is zonally symmetric (C41, more rotations than lmax 40
# resolves, so only m = 0 survives)? Fits both on all 12 months of Debian's CMIP5 sample
# (libncarg-data, T63 Gaussian grid, area weights from the cell bounds), writes the fits on
# the input grid as CF netCDF, the fraction of area-weighted variance each explains per
# month (docs/climate/variance_explained.csv and .png) and maps of January and July
# (docs/climate/*.png, drawn by drivers/plot_map.py).
# Usage: drivers/example_climate.sh   (results in build/climate/, figures in docs/climate/)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
tas=/usr/share/ncarg/data/nug/tas_rectilinear_grid_2D.nc
run="$SPECAVG_BUILD/climate" docs="$SPECAVG_ROOT/docs/climate"
mkdir -p "$run" "$docs"
S=("${SPECAVG_MPIEXEC[@]}" -n 2 "$SPECAVG_BUILD/specavg")
opts="$SPECAVG_ROOT/inputs/climate_tas.opts"
for g in Cs C41; do
  "${S[@]}" train -options_file "$opts" -group "$g" -data "$tas" -model "$run/$g.h5" | tee "$run/train_$g.log"
  "${S[@]}" predict -model "$run/$g.h5" -like "$tas" -var tas -output "$run/$g.nc" -output_residual
done
/usr/bin/python3 - "$tas" "$run" "$docs" <<'PY'
import sys
import netCDF4
import numpy as np
import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt
tas, run, docs = sys.argv[1:4]
d = netCDF4.Dataset(tas)
x = np.asarray(d["tas"][:], float)  # (12, lat, lon)
b = np.radians(np.asarray(d["lat_bnds"][:], float))
w = np.abs(np.sin(b[:, 1]) - np.sin(b[:, 0]))[:, None] * np.ones(x.shape[2])  # cell areas (equal longitudes)
w /= w.sum()
months = "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split()
rows = []
for g, label in (("Cs", "equatorially symmetric (Cs)"), ("C41", "zonally symmetric (C41)")):
    f = np.asarray(netCDF4.Dataset(f"{run}/{g}.nc")["tas"][:], float)
    frac = []
    for t in range(12):
        mean = (w * x[t]).sum()
        frac.append(1 - (w * (x[t] - f[t]) ** 2).sum() / (w * (x[t] - mean) ** 2).sum())
    rows.append((g, label, frac))
with open(f"{docs}/variance_explained.csv", "w") as out:
    out.write("month," + ",".join(g for g, _, _ in rows) + "\n")
    for t in range(12):
        out.write(months[t] + "," + ",".join(f"{r[2][t]:.4f}" for r in rows) + "\n")
fig, ax = plt.subplots(figsize=(7, 3.6), constrained_layout=True)
for g, label, frac in rows:
    ax.plot(range(12), frac, marker="o", label=label)
ax.set_xticks(range(12), months)
ax.set_ylabel("area-weighted variance explained")
ax.set_ylim(0, 1)
ax.grid(alpha=0.3)
ax.legend()
ax.set_title("Surface temperature (CMIP5 sample): symmetric components, lmax 40")
fig.savefig(f"{docs}/variance_explained.png", dpi=110)
print("month  " + "  ".join(f"{g:>6}" for g, _, _ in rows))
for t in range(12):
    print(f"{months[t]:5}  " + "  ".join(f"{r[2][t]:6.3f}" for r in rows))
PY
for g in Cs C41; do
  for step in 0 6; do
    /usr/bin/python3 "$SPECAVG_ROOT/drivers/plot_map.py" "$tas" "$run/$g.nc" --var tas --step $step \
      -o "$docs/tas_${g}_step${step}.png"
  done
done
echo "[climate] figures in $docs"
