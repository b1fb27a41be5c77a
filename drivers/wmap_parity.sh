#!/usr/bin/env bash
# Parity of the CMB sky: the WMAP 7-year W-band temperature map (NSIDE 32, Debian's
# healpy-data) on the sky its analysis mask leaves, fitted up to degree 64 twice on 2
# ranks: with the inversion group Ci (the parity-even part, exactly f(-x) = f(x)) and with
# the trivial group C1 (every degree; its odd degrees are the parity-odd part). Then
# drivers/wmap_parity.py splits the power by degree, prints the even/odd power ratio and
# draws the figures.
# usage: drivers/wmap_parity.sh [OUTDIR (default build/wmap)] [FIGDIR (default: OUTDIR)]
# The README figures: drivers/wmap_parity.sh build/wmap docs/examples
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
cd "$SPECAVG_ROOT"
out=${1:-build/wmap}
figs=${2:-$out}
data=/usr/share/healpy/test/data/wmap_band_iqumap_r9_7yr_W_v4_udgraded32.fits
mask=/usr/share/healpy/test/data/wmap_temperature_analysis_mask_r9_7yr_v4_udgraded32.fits
[ -r "$data" ] && [ -r "$mask" ] || { echo "WMAP maps not found: apt-get install healpy-data" >&2; exit 1; }
mkdir -p "$out" "$figs"
run=("${SPECAVG_MPIEXEC[@]}" -n 2 "$SPECAVG_BUILD/specavg")
for g in Ci C1; do
  "${run[@]}" train -options_file inputs/wmap_parity.opts -data "$data" -columns I_STOKES -mask "$mask" -group $g \
    -model "$out/$g.h5" | tee "$out/train_$g.log"
  # The fit on the whole sky (predict reads only the map's pixels, not its values).
  "${run[@]}" predict -model "$out/$g.h5" -like "$data" -output "$out/fit_$g.fits"
done
/usr/bin/python3 drivers/wmap_parity.py "$out" "$figs" "$data" "$mask"
/usr/bin/python3 drivers/plot_map.py "$data" "$out/fit_Ci.fits" --mask "$mask" --unit mK \
  --subtitle "WMAP W band, parity-even part on the unmasked sky" -o "$figs/wmap_even_fit.png"
