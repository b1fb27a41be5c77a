#!/usr/bin/env bash
# The invariant-ring route (-basis_method ring) against the routes that work in the
# eigenspaces, and its growth with the dimension. Runs, one after the other:
#   1. S^11 under Sym(12), lmax 6: the basis by `specavg info` with -basis_method ring and
#      with -basis_method monomial (2 ranks each);
#   2. S^19 under Sym(20) (|G| = 20!), lmax 8: `specavg synth` of 10^6 points, then
#      `specavg train -basis_method ring` on 2 ranks (basis + training), with the peak
#      resident memory of each rank (/usr/bin/time);
#   3. features per point for S^9 under Sym(10), lmax 6: orbit sums against the eigenbasis
#      path, in one process (specavg_bench_ring features);
#   4. ring basis time on S^{d-1} under Sym(d) at lmax 6 for d = 6..30 (specavg_bench_ring table).
# Usage: [BENCH_RING_REUSE=1] drivers/bench_ring.sh [--readme]   Results: build/bench-ring/results.md; with
# --readme the table between the bench-ring markers of README.md is replaced by it.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
out="$SPECAVG_BUILD/bench-ring"
mkdir -p "$out"
run2() { "${SPECAVG_MPIEXEC[@]}" -n 2 "$@"; }
exe="$SPECAVG_BUILD/specavg"
basis_time() { grep -E "^basis time" "$1" | awk '{print $3}'; }

# 1. S^11 under Sym(12), lmax 6, both routes in the same run.
# BENCH_RING_REUSE=1 keeps the logs of an earlier run of this step (the monomial route takes minutes).
for method in ring monomial; do
  [ "${BENCH_RING_REUSE:-0}" = 1 ] && [ -s "$out/s11_sym12_$method.log" ] && continue
  run2 "$exe" info -manifold sphere -dim 12 -group Sym -lmax 6 -basis_method "$method" -max_basis_seconds 3600 \
    >"$out/s11_sym12_$method.log"
done
t_ring=$(basis_time "$out/s11_sym12_ring.log")
t_mono=$(basis_time "$out/s11_sym12_monomial.log")

# 2. S^19 under Sym(20), lmax 8, 10^6 points, 2 ranks.
run2 "$exe" synth -manifold sphere -dim 20 -group Sym -target powersum -n 1000000 -noise 0.1 -seed 3 \
  -output "$out/s19_sym20.h5" >"$out/s19_synth.log"
rm -f "$out/s19_sym20_model.h5"
/usr/bin/time -f "%e s wall" "${SPECAVG_MPIEXEC[@]}" -n 2 /usr/bin/time -f "peak RSS %M KiB" \
  "$exe" train -data "$out/s19_sym20.h5" -manifold sphere -group Sym -lmax 8 -basis_method ring \
  -model "$out/s19_sym20_model.h5" >"$out/s19_train.log" 2>&1
grep -E "invariant basis|features|training total|peak RSS|s wall" "$out/s19_train.log"
t_train=$(grep -E "training total" "$out/s19_train.log" | sed -E 's/.*training total ([0-9.]+) s.*/\1/')
t_b20=$(grep -E "invariant basis for" "$out/s19_train.log" | sed -E 's/.*: ([0-9.]+) s$/\1/')
rss=$(grep -E "peak RSS" "$out/s19_train.log" | awk '{printf "%s%.0f MiB", sep, $3/1024; sep=", "}')

# 3. and 4. in one process each.
feat=$("$SPECAVG_BUILD/specavg_bench_ring" features 10 6 20000)
table=$("$SPECAVG_BUILD/specavg_bench_ring" table 6 6 8 10 12 14 16 18 20 22 24 26 28 30)

{
  echo "Measured by \`drivers/bench_ring.sh\` on $(date -u +%Y-%m-%d) ($(nproc) cores, shared; one BLAS thread per rank)."
  echo
  echo "| measurement | result |"
  echo "|---|---|"
  echo "| S^11 under Sym(12), lmax 6, basis on 2 ranks (\`specavg info\`) | ring ${t_ring} s, monomial ${t_mono} s |"
  echo "| S^19 under Sym(20), lmax 8, 10^6 points, 2 ranks (\`specavg train -basis_method ring\`) | basis ${t_b20} s, training total ${t_train} s, peak RSS per rank ${rss} |"
  echo "$feat"
  echo
  echo "Ring basis time on S^{d-1} under Sym(d), lmax 6, one core (\`specavg_bench_ring table\`):"
  echo
  echo "$table"
} >"$out/results.md"
cat "$out/results.md"

if [ "${1:-}" = "--readme" ]; then specavg_readme_block bench-ring "$out/results.md"; fi
