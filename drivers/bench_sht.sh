#!/usr/bin/env bash
# The grid path (spherical-harmonic transforms, docs/sky-maps.md) against healpy, in one job:
#   1. healpy.map2alm (python3-healpy) on a NSIDE 512 map at lmax 1000 (iter=0: one
#      adjoint pass; and healpy's default iter=3), next to specavg train -group Ih
#      -lmax 1000 -estimator spectral on 2 ranks: the first run builds the invariant basis,
#      the second reuses it (-basis_from), so training is timed with and without the basis;
#   2. masked ridge on the same map with a generated |b| < 20° galactic cut (-mask), the
#      stored basis, CG iterations, final relative residual and time (target ≤ 120 s);
#   3. a NSIDE 2048 map (5·10⁷ pixels), spectral I_h at lmax 1000 with the stored basis:
#      time and peak RSS per rank.
# with peak RSS per rank (/usr/bin/time) and the machine load before each run.
# --full runs only the full-resolution case instead (minutes): a NSIDE 2048 map with power
# up to lmax 4000, train -group Cs -lmax 4000 -estimator spectral on 2 ranks (block-sparse
# Q, ~8·10⁶ invariant features), with time per phase and peak RSS per rank (results_full.md).
# Usage: drivers/bench_sht.sh [--full] [TAU]   Results: build/bench-sht/ (results*.md, logs).
set -euo pipefail
full=0
if [ "${1:-}" = "--full" ]; then full=1; shift; fi
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
out="$SPECAVG_BUILD/bench-sht"
tau=${1:-1e-4}
mkdir -p "$out"
export OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1
py=/usr/bin/python3
load() { cut -d' ' -f1-3 /proc/loadavg; }

if [ "$full" = 1 ]; then
  # A random sky with a CMB-like spectrum up to lmax 4000 (seed fixed).
  $py - "$out" <<'PY'
import os, sys
import numpy as np, healpy as hp
out = sys.argv[1]
if not os.path.exists(f"{out}/sky2048_l4000.fits"):
    ell = np.arange(4001)
    cl = np.zeros(4001); cl[2:] = 1.0 / (ell[2:] * (ell[2:] + 1.0))
    np.random.seed(16)
    hp.write_map(f"{out}/sky2048_l4000.fits", hp.synfast(cl, 2048, lmax=4000, new=True), overwrite=True,
                 dtype=np.float64)
PY
  log="$out/full_cs4000.log"
  echo "load before Cs lmax 4000 NSIDE 2048 spectral: $(load)" | tee "$log"
  "${SPECAVG_MPIEXEC[@]}" -n 2 /usr/bin/time -f "peak RSS %M KiB, elapsed %e s" "$SPECAVG_BUILD/specavg" train \
    -data "$out/sky2048_l4000.fits" -group Cs -lmax 4000 -estimator spectral -features sht \
    -model "$out/cs4000.h5" 2>&1 | tee -a "$log"
  echo "load after: $(load)" | tee -a "$log"
  $py - "$log" >"$out/results_full.md" <<'PY'
import re, sys
t = open(sys.argv[1]).read()
def num(pat, default="n/a"):
    m = re.search(pat, t); return m.group(1) if m else default
rss = " / ".join(f"{int(x) / 1048576:.2f}" for x in re.findall(r"peak RSS (\d+) KiB", t))
dinv, basis = num(r"D_inv = (\d+)"), num(r"invariant features: ([\d.]+) s")
move, sht = num(r"moved to their rings. ranks in ([\d.]+) s"), num(r"no solve\): ([\d.]+) s")
total, write = num(r"training total ([\d.]+) s"), num(r"model written to \S+ \(([\d.]+) s\)")
est, load = num(r"estimate: peak (\S+ \S+) per rank"), num(r"load before [^:]*: (.*)")
paused = " (the job was paused and resumed by a signal meanwhile)" if "Forwarding signal 18" in t else ""
print("| phase (Cs, lmax 4000, NSIDE 2048, spectral, 2 ranks) | value |")
print("|---|---:|")
print(f"| invariant basis (block sparse), D_inv = {dinv} | {basis} s |")
print(f"| read + move rows to their rings' ranks | {move} s |")
print(f"| adjoint SHT + all-reduce + projection Q^T c | {sht} s |")
print(f"| training total{paused} | {total} s |")
print(f"| model write | {write} s |")
print(f"| peak RSS per rank (estimated before the read: {est}) | {rss} GiB |")
print(f"| load before (1, 5, 15 min) | {load} |")
PY
  cat "$out/results_full.md"
  exit 0
fi

# The map (a random sky with a CMB-like spectrum, seed fixed) and the galactic cut.
$py - "$out" <<'PY'
import os, sys, time
import numpy as np, healpy as hp
out = sys.argv[1]
nside, lmax = 512, 1000
if not os.path.exists(f"{out}/sky512.fits"):
    ell = np.arange(lmax + 1)
    cl = np.zeros(lmax + 1); cl[2:] = 1.0 / (ell[2:] * (ell[2:] + 1.0))
    np.random.seed(14)
    m = hp.synfast(cl, nside, lmax=lmax, new=True)
    hp.write_map(f"{out}/sky512.fits", m, overwrite=True, dtype=np.float64)
    theta, _ = hp.pix2ang(nside, np.arange(hp.nside2npix(nside)))
    cut = (np.abs(90.0 - np.degrees(theta)) >= 20.0).astype(np.float64)
    hp.write_map(f"{out}/cut512.fits", cut, overwrite=True, dtype=np.float64)
if not os.path.exists(f"{out}/sky2048.fits"):
    ell = np.arange(lmax + 1)
    cl = np.zeros(lmax + 1); cl[2:] = 1.0 / (ell[2:] * (ell[2:] + 1.0))
    np.random.seed(15)
    hp.write_map(f"{out}/sky2048.fits", hp.synfast(cl, 2048, lmax=lmax, new=True), overwrite=True, dtype=np.float64)
PY

# 1. healpy in this job: reading the map, then map2alm, on 1 thread and on 2 (the cores
#    specavg's two ranks use).
echo "load before healpy: $(load)" | tee "$out/healpy.log"
for threads in 1 2; do
  OMP_NUM_THREADS=$threads $py - "$out" "$threads" <<'PY' | tee -a "$out/healpy.log"
import sys, time
import healpy as hp
out, threads = sys.argv[1], sys.argv[2]
t = time.perf_counter(); m = hp.read_map(f"{out}/sky512.fits"); dr = time.perf_counter() - t
print(f"healpy read_map nside 512 threads {threads}: {dr:.2f} s")
for it in (0, 3):
    t = time.perf_counter(); hp.map2alm(m, lmax=1000, iter=it); dt = time.perf_counter() - t
    print(f"healpy map2alm nside 512 lmax 1000 threads {threads} iter {it}: {dt:.2f} s")
PY
done

S=("${SPECAVG_MPIEXEC[@]}" -n 2 /usr/bin/time -f "peak RSS %M KiB" "$SPECAVG_BUILD/specavg")
# 2. specavg spectral I_h: basis built, then reused.
echo "load before spectral (basis built): $(load)" | tee "$out/spectral_basis.log"
"${S[@]}" train -data "$out/sky512.fits" -group Ih -lmax 1000 -estimator spectral -features sht \
  -model "$out/ih_spectral.h5" 2>&1 | tee -a "$out/spectral_basis.log"
echo "load before spectral (basis reused): $(load)" | tee "$out/spectral_reuse.log"
"${S[@]}" train -data "$out/sky512.fits" -group Ih -lmax 1000 -estimator spectral -features sht \
  -basis_from "$out/ih_spectral.h5" -model "$out/ih_spectral2.h5" 2>&1 | tee -a "$out/spectral_reuse.log"
# 3. masked ridge with the stored basis.
echo "load before masked ridge: $(load)" | tee "$out/ridge_cut.log"
"${S[@]}" train -data "$out/sky512.fits" -mask "$out/cut512.fits" -group Ih -lmax 1000 -estimator ridge \
  -tau "$tau" -features sht -basis_from "$out/ih_spectral.h5" -model "$out/ih_ridge_cut.h5" 2>&1 |
  tee -a "$out/ridge_cut.log"
# 4. NSIDE 2048, stored basis.
echo "load before NSIDE 2048 spectral: $(load)" | tee "$out/spectral2048.log"
"${S[@]}" train -data "$out/sky2048.fits" -group Ih -lmax 1000 -estimator spectral -features sht \
  -basis_from "$out/ih_spectral.h5" -model "$out/ih_spectral2048.h5" 2>&1 | tee -a "$out/spectral2048.log"

$py - "$out" "$tau" >"$out/results.md" <<'PY'
import re, sys
out, tau = sys.argv[1], sys.argv[2]
def read(name): return open(f"{out}/{name}").read()
def num(pat, text, default="n/a"):
    m = re.search(pat, text); return m.group(1) if m else default
def rss(text):
    v = [int(x) for x in re.findall(r"RSS (\d+) KiB", text)]
    return " / ".join(f"{x / 1024:.0f}" for x in v) + " MiB" if v else "n/a"
TOTAL, SHT = r"training total ([\d.]+) s", r"no solve\): ([\d.]+) s"
BASIS, DINV, LOAD = r"D_inv = \d+ invariant features: ([\d.]+) s", r"D_inv = (\d+)", r"load before [^:]*: (.*)"
CG = r"\((\d+) products, (\d+) iterations\): ([\d.]+) s, final relative residual (\S+)"
hp = read("healpy.log")
print("| run (lmax 1000; specavg on 2 ranks, 1 thread each) | time | detail | peak RSS per rank | load before (1, 5, 15 min) |")
print("|---|---:|---|---:|---|")
for th in ("1", "2"):
    rd = num(rf"read_map nside 512 threads {th}: ([\d.]+) s", hp)
    for it, what in (("0", "one pass"), ("3", "default")):
        t = num(rf"threads {th} iter {it}: ([\d.]+) s", hp)
        print(f"| healpy.map2alm NSIDE 512, iter={it} ({what}) | {t} s | {th} thread(s); read_map {rd} s before it | – | "
              f"{num(LOAD, hp) if th == '1' and it == '0' else ''} |")
for label, name in (("basis built", "spectral_basis.log"), ("basis reused (-basis_from)", "spectral_reuse.log")):
    t = read(name)
    print(f"| specavg spectral I_h NSIDE 512, {label} | {num(TOTAL, t)} s total | adjoint SHT + all-reduce + "
          f"projection {num(SHT, t)} s; basis {num(BASIS, t)} s; D_inv {num(DINV, t)} | {rss(t)} | {num(LOAD, t)} |")
rc = read("ridge_cut.log")
m = re.search(CG, rc)
it, res, tsolve = (m.group(2), m.group(4), m.group(3)) if m else ("n/a", "n/a", "n/a")
print(f"| specavg ridge I_h NSIDE 512, tau {tau}, \\|b\\| < 20° cut, basis reused | {num(TOTAL, rc)} s total | "
      f"CG {it} iterations, final relative residual {res}, solve {tsolve} s | {rss(rc)} | {num(LOAD, rc)} |")
s4 = read("spectral2048.log")
print(f"| specavg spectral I_h NSIDE 2048 (50,331,648 pixels), basis reused | {num(TOTAL, s4)} s total | "
      f"adjoint SHT + all-reduce + projection {num(SHT, s4)} s | {rss(s4)} | {num(LOAD, s4)} |")
PY
cat "$out/results.md"
