#!/usr/bin/env bash
# Exact Wigner route to S² invariant subspaces on 2 ranks (one BLAS thread each):
#   I_h and O_h at lmax 1000 (target ≤ 30 s), C_s, C_i, C_5 and D_6h at lmax 4000
#   (target ≤ 5 s), with D_inv and the largest residual max |D_l(g)ᵀ Q − Q| per block of
#   degrees (specavg_bench_wigner); then `specavg info -group Ih -lmax 1000`, the same
#   basis through the distributed pipeline (broadcast of every Q included).
# Usage: drivers/bench_wigner.sh   Results: build/bench-wigner/ (results.md, one CSV per run).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
out="$SPECAVG_BUILD/bench-wigner"
mkdir -p "$out"
run() { "${SPECAVG_MPIEXEC[@]}" -n 2 "$@"; }
{
  echo "| group | lmax | wall time, 2 ranks | D_inv | max residual | route |"
  echo "|---|---:|---:|---:|---:|---|"
} >"$out/results.md"
for job in "Ih 1000" "Oh 1000" "Cs 4000" "Ci 4000" "C5 4000" "D6h 4000"; do
  set -- $job
  run "$SPECAVG_BUILD/specavg_bench_wigner" "$1" "$2" "$out/$1_$2.csv" | tee "$out/$1_$2.log"
  /usr/bin/python3 - "$out/$1_$2.log" >>"$out/results.md" <<'PY'
import re, sys
text = open(sys.argv[1]).read()
m = re.search(r"group (\S+) lmax (\d+) ranks (\d+): ([\d.]+) s wall \(slowest rank\), D_inv (\d+), max residual (\S+)", text)
route = re.search(r"route: (.*)", text).group(1)
print(f"| {m[1]} | {m[2]} | {m[4]} s | {m[5]} | {m[6]} | {route} |")
PY
done
run "$SPECAVG_BUILD/specavg" info -group Ih -lmax 1000 -max_basis_seconds 600 | tee "$out/info_Ih_1000.log" |
  grep -E "^(route|             estimated|cost|basis time|max invariance)"
cat "$out/results.md"
