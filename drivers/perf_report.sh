#!/usr/bin/env bash
# The figures of README.md's "Performance" section, from one run on this machine: the
# default job on 2 ranks (per-phase times, RMSE, discrepancy) and the kernel benchmark
# specavg_perf on 2 ranks, whose rates are stated next to the DGEMM rate measured in the
# same run (a ratio survives a change of machine better than a CPU name).
# Writes build/perf/report.md (raw logs next to it). Extra arguments go to the default job.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
out="$SPECAVG_BUILD/perf"
mkdir -p "$out"
cd "$SPECAVG_ROOT"
"${SPECAVG_MPIEXEC[@]}" -n 2 "$SPECAVG_BUILD/specavg" -workdir "$out/run" "$@" | tee "$out/default_job.log"
"${SPECAVG_MPIEXEC[@]}" -n 2 "$SPECAVG_BUILD/specavg_perf" | tee "$out/perf.log"
dgemm=$(awk '/^DGEMM/ {print $(NF-1)}' "$out/perf.log")
{
  echo "# specavg performance report"
  echo
  echo "$(date -u +%Y-%m-%d), $(nproc) cores, 2 MPI ranks, OPENBLAS_NUM_THREADS=${OPENBLAS_NUM_THREADS:-unset}."
  echo "DGEMM (n = 2000) in this run: **$dgemm GFLOP/s per rank**; every rate below is from the same run."
  echo
  echo "## Default job (\`drivers/quickstart.sh\`)"
  echo
  echo '```'
  sed -n '/==== specavg report ====/,$p' "$out/default_job.log"
  echo '```'
  echo
  echo "## Kernels (\`mpiexec -n 2 build/specavg_perf\`, rate of the slowest rank)"
  echo
  echo "| kernel | rate per rank | relative to DGEMM |"
  echo "|---|---|---|"
  awk '
    /^harmonic evaluation|^hypersphere|^torus Fourier/ {
      rate = $(NF-3); name = $0; sub(/ +[0-9.e+]+ values\/s per rank$/, "", name)
      gsub(/[|]/, "\\|", name); printf "| %s | %s values/s | |\n", name, rate }
    /^assembly/ {
      split($0, a, "|"); label = a[1]; sub(/^assembly +/, "", label); gsub(/ +/, " ", label); sub(/ $/, "", label)
      match(a[3], /= *[0-9.]+ GFLOP\/s/); gf = substr(a[3], RSTART + 2, RLENGTH - 2); sub(/^ +/, "", gf)
      match(a[3], /[0-9.]+% of square DGEMM/); pct = substr(a[3], RSTART, RLENGTH)
      printf "| assembly DSYRK+DGEMM %s | %s | %s |\n", label, gf, pct }' "$out/perf.log"
} >"$out/report.md"
echo "[perf] report: $out/report.md"
