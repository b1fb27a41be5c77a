#!/usr/bin/env bash
# specavg against the kernel-ridge baselines (2 MPI ranks), then plots and tables:
#   1. S^2 under I_h and D3 (inputs/bench_s2.opts): all four methods, tuned;
#   2. S^9 under Sym(10) (inputs/bench_sphere_sym10.opts): krr-ga/krr-aug refuse;
#   3. the paper's T^10 / sign-flip experiment (inputs/paper_torus_signs.opts), seeds 1-10.
# Results: build/bench/*.csv, build/bench/plots/*.png and build/bench/plots/summary.md.
# Pass experiment names (s2 s9 paper) to run a subset.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
out="$SPECAVG_BUILD/bench"
mkdir -p "$out"
cd "$SPECAVG_ROOT"
declare -A inputs=([s2]=inputs/bench_s2.opts [s9]=inputs/bench_sphere_sym10.opts [paper]=inputs/paper_torus_signs.opts)
declare -A csvs=([s2]=s2.csv [s9]=s9_sym10.csv [paper]=paper_t10_signs.csv)
selected=("$@")
[ ${#selected[@]} -eq 0 ] && selected=(s2 s9 paper)
for e in "${selected[@]}"; do
  [ -n "${inputs[$e]:-}" ] || { echo "unknown experiment '$e': expected s2, s9 or paper" >&2; exit 2; }
  echo "[bench] $e: ${inputs[$e]}"
  "${SPECAVG_MPIEXEC[@]}" -n 2 "$SPECAVG_BUILD/specavg" bench -options_file "${inputs[$e]}" \
    -bench_output "$out/${csvs[$e]}" | tee "$out/$e.log"
done
# Every CSV present goes into one summary (header once).
first=1
for f in "$out"/s2.csv "$out"/s9_sym10.csv "$out"/paper_t10_signs.csv; do
  [ -f "$f" ] || continue
  if [ $first -eq 1 ]; then cat "$f"; first=0; else tail -n +2 "$f"; fi
done >"$out/all.csv"
/usr/bin/python3 "$SPECAVG_ROOT/drivers/plot_bench.py" "$out/all.csv" "$out/plots"
echo "[bench] tables: $out/plots/summary.md"
