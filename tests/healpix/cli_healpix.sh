#!/usr/bin/env bash
# End-to-end HEALPix through the specavg executable, on maps healpy writes here: a
# Ci-invariant sky (within lmax) with UNSEEN pixels, in RING and NESTED ordering, trains
# at 1 and 2 ranks to the same coefficients; predict -like writes a map healpy.read_map
# reads with the input's NSIDE and ordering, whose values match the sky at healpy's pixel
# centres, plus a -std column; a -mask leaves UNSEEN outside it; a partial (EXPLICIT)
# map gives the same fit and a partial prediction; drivers/plot_map.py draws the maps.
# Malformed input (a Q column, a mask of the wrong NSIDE, a missing column) exits 1 with
# a message naming the problem and leaves no output.
# Usage: cli_healpix.sh SPECAVG_EXE WORKDIR MPIEXEC...
set -euo pipefail
exe=$1 work=$2
shift 2
mpi=("$@")
py=/usr/bin/python3
plot_map=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../drivers" && pwd)/plot_map.py
rm -rf "$work" && mkdir -p "$work" && cd "$work"
fail() { echo "FAIL: $*" >&2; exit 1; }

"$py" - <<'PY'
import healpy as hp
import numpy as np
nside = 16
npix = hp.nside2npix(nside)
x, y, z = hp.pix2vec(nside, np.arange(npix))
# Even under x -> -x (Ci), degree <= 2: inside the invariant span for lmax >= 2.
sky = 1.0 + x**2 + 0.5 * y * z - 0.25 * z**2
sky = sky.astype(np.float64)
seen = sky.copy()
seen[np.arange(npix) % 11 == 4] = hp.UNSEEN
hp.write_map("ring.fits", [seen, seen, seen], nest=False, column_names=["I_STOKES", "Q_STOKES", "U_STOKES"],
             dtype=np.float64, overwrite=True)
hp.write_map("nest.fits", hp.reorder(seen, r2n=True), nest=True, column_names=["TEMPERATURE"], dtype=np.float64,
             overwrite=True)
mask = (np.abs(z) > 0.2).astype(np.float64)
hp.write_map("partial.fits", seen, nest=False, partial=True, column_names=["T"], dtype=np.float64, overwrite=True)
hp.write_map("mask.fits", mask, nest=False, dtype=np.float64, overwrite=True)
hp.write_map("mask8.fits", np.ones(hp.nside2npix(8)), nest=False, dtype=np.float64, overwrite=True)
np.save("sky.npy", sky)
PY

"${mpi[@]}" -n 1 "$exe" train -data ring.fits -group Ci -lmax 4 -tau 1e-12 -model m1.h5 > train1.log
"${mpi[@]}" -n 2 "$exe" train -data nest.fits -group Ci -lmax 4 -tau 1e-12 -uncertainty 1 -model m2.h5 > train2.log
grep -q "NSIDE 16, NESTED" train2.log || fail "train report does not describe the map"
"${mpi[@]}" -n 2 "$exe" predict -model m2.h5 -like nest.fits -output fit.fits -std > predict.log
"${mpi[@]}" -n 2 "$exe" predict -model m1.h5 -like ring.fits -mask mask.fits -output fit_masked.fits > predict2.log
test ! -e fit.fits.tmp || fail "temporary output left behind"
"${mpi[@]}" -n 2 "$exe" train -data partial.fits -group Ci -lmax 4 -tau 1e-12 -model mp.h5 > trainp.log
grep -q "explicit (partial" trainp.log || fail "partial map not described as such"
"${mpi[@]}" -n 2 "$exe" predict -model mp.h5 -like partial.fits -output fit_partial.fits > predictp.log
"$py" "$plot_map" ring.fits fit_masked.fits --mask mask.fits -o maps.png > plot.log
test -s maps.png || fail "plot_map.py wrote no figure"

"$py" - <<'PY'
import h5py
import healpy as hp
import numpy as np
a = h5py.File("m1.h5")["coefficients"][()]
b = h5py.File("m2.h5")["coefficients"][()]
dev = np.abs(a - b).max() / np.abs(a).max()
assert dev < 1e-10, f"RING on 1 rank vs NESTED on 2 ranks: relative coefficient deviation {dev}"
sky = np.load("sky.npy")
(fit, std), h = hp.read_map("fit.fits", field=(0, 1), nest=None, h=True)
h = dict(h)
assert h["ORDERING"] == "NESTED" and h["NSIDE"] == 16, (h["ORDERING"], h["NSIDE"])
assert fit.size == sky.size
# Every pixel is predicted (predict does not need the map's values), at healpy's centres.
err = np.abs(hp.reorder(fit, n2r=True) - sky).max()
assert err < 1e-9, f"fit vs the sky at healpy's pixel centres: {err}"
# The data are exact (no noise), so the predictive standard deviation is ~0.
assert np.all(np.isfinite(std)) and np.all(std >= 0) and std.max() < 1e-6, (std.min(), std.max())
assert h["TTYPE2"] == "TEMPERATURE_STD", h["TTYPE2"]
assert h["SPECAVG GROUP"] == "Ci", h.get("SPECAVG GROUP")
m, hm = hp.read_map("fit_masked.fits", h=True)
mask = hp.read_map("mask.fits")
assert np.all((m == hp.UNSEEN) == (mask == 0)), "UNSEEN outside the mask only"
assert np.abs(m[mask > 0] - sky[mask > 0]).max() < 1e-9
assert dict(hm)["ORDERING"] == "RING"
# A partial (EXPLICIT) map gives the same fit, and its prediction lists the same pixels.
c = h5py.File("mp.h5")["coefficients"][()]
assert np.abs(c - a).max() / np.abs(a).max() < 1e-10, "partial map vs full RING map"
pix = np.flatnonzero(np.arange(sky.size) % 11 != 4)
p, hp_ = hp.read_map("fit_partial.fits", partial=True, h=True)
assert dict(hp_)["INDXSCHM"] == "EXPLICIT"
assert np.all(p[pix] != hp.UNSEEN) and np.all(np.delete(p, pix) == hp.UNSEEN)
assert np.abs(p[pix] - sky[pix]).max() < 1e-9
PY

# Malformed input: exit status 1, a message naming the problem, no output file.
expect_error() {  # pattern, output file, command...
  local pat=$1 out=$2
  shift 2
  set +e
  "$@" > err.log 2>&1
  local rc=$?
  set -e
  [ $rc -eq 1 ] || fail "exit status $rc (expected 1) for: $*"
  grep -q -- "$pat" err.log || { cat err.log; fail "message without '$pat' for: $*"; }
  [ ! -e "$out" ] && [ ! -e "$out.tmp" ] || fail "$out left behind by: $*"
}
expect_error "polarization_as_scalars" bad.h5 "${mpi[@]}" -n 2 "$exe" train -data ring.fits -columns Q_STOKES \
  -group Ci -lmax 4 -model bad.h5
expect_error "NSIDE 8" bad.h5 "${mpi[@]}" -n 2 "$exe" train -data ring.fits -mask mask8.fits -group Ci -lmax 4 \
  -model bad.h5
expect_error "NSIDE 8" bad.fits "${mpi[@]}" -n 2 "$exe" predict -model m1.h5 -like ring.fits -mask mask8.fits \
  -output bad.fits
expect_error "no data column 'T_STOKES'" bad.h5 "${mpi[@]}" -n 2 "$exe" train -data ring.fits -columns T_STOKES \
  -group Ci -lmax 4 -model bad.h5
expect_error "pass -like" bad.fits "${mpi[@]}" -n 2 "$exe" predict -model m1.h5 -points ring.fits -output bad.fits
# A partial map listing a pixel twice (the copy at the end, so on another rank than the
# original) is refused: it would count twice in the fit.
"$py" - <<'PY'
import numpy as np
from astropy.io import fits
with fits.open("partial.fits") as f:
    t = f[1].data
    rows = np.concatenate([np.arange(len(t)), [5]])
    fits.BinTableHDU(data=t[rows], header=f[1].header).writeto("dup.fits", overwrite=True)
PY
expect_error "more than once" bad.h5 "${mpi[@]}" -n 2 "$exe" train -data dup.fits -group Ci -lmax 4 -model bad.h5
expect_error "only predictions" syn.fits "${mpi[@]}" -n 2 "$exe" synth -n 100 -group Ci -output syn.fits
# Q/U asked for as scalars is accepted.
"${mpi[@]}" -n 2 "$exe" train -data ring.fits -columns I_STOKES,Q_STOKES -polarization_as_scalars -group Ci -lmax 4 \
  -model qu.h5 > qu.log
echo "cli_healpix: all checks passed"
