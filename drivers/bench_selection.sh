#!/usr/bin/env bash
# Cost and quality of data-only selection on the default job (S^2, I_h, lmax 24, 2 ranks):
#   1. training without selection, with -select gcv (30 tau x every cutoff), kfold (5 folds)
#      and loo: training totals and the select-stage time, from the same run;
#   2. test RMSE against the noise-free truth of each choice;
#   3. coverage of the 95% intervals of predict -std (this target has energy above the
#      chosen cutoff, so the coverage is below 95%: truncation bias is not in the interval).
# Usage: drivers/bench_selection.sh [n_train]   (default 1000000). Results: build/bench-selection/.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
n=${1:-1000000}
out="$SPECAVG_BUILD/bench-selection"
mkdir -p "$out"
run() { "${SPECAVG_MPIEXEC[@]}" -n 2 "$SPECAVG_BUILD/specavg" "$@"; }
run synth -n "$n" -group Ih -noise 0.1 -seed 1 -output "$out/train.h5" >/dev/null
run synth -n 100000 -group Ih -noise 0.1 -seed 2 -output "$out/test.h5" >/dev/null
printf "| select | training total (s) | select stage (s) | test RMSE vs truth | 95%% coverage |\n|---|---:|---:|---:|---:|\n" >"$out/results.md"
for s in none gcv kfold loo; do
  run train -data "$out/train.h5" -group Ih -lmax 24 -select "$s" -uncertainty 1 -model "$out/m_$s.h5" >"$out/train_$s.log"
  run predict -model "$out/m_$s.h5" -points "$out/test.h5" -output "$out/p_$s.h5" -std >/dev/null
  /usr/bin/python3 - "$out" "$s" >>"$out/results.md" <<'PY'
import sys, h5py, numpy as np
out, s = sys.argv[1], sys.argv[2]
with h5py.File(f"{out}/m_{s}.h5") as m:
    t = dict(m["provenance/timings"].attrs)
with h5py.File(f"{out}/p_{s}.h5") as p, h5py.File(f"{out}/test.h5") as d:
    f, sd = p["values"][()][:, 0], p["std"][()][:, 0]
    y = d["truth"][()].reshape(-1)
rmse = np.sqrt(np.mean((f - y) ** 2))
cov = np.mean(np.abs(f - y) <= 1.96 * sd)
print(f"| {s} | {t['total']:.2f} | {t.get('select', 0):.3f} | {rmse:.3e} | {cov:.3f} |")
PY
done
cat "$out/results.md"
