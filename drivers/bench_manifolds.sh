#!/usr/bin/env bash
# Benchmarks for hyperspheres and tori under groups given by generators (2 MPI ranks):
#  1. S^9 under Sym(10) (|G| = 3,628,800), lmax 6, 10^5 training points: per-phase times;
#  2. invariant-subspace time vs d (Sym(d) on S^{d-1}, lmax 4, d = 6, 8, 10, 12) for the
#     automatic route and each forced route (dense, SLEPc, monomial), next to |G| = d!;
#  3. T^10 under Signs, lambda <= 4 pi^2 (396 invariants), 10^6 points: per-phase times.
# Results: build/bench-manifolds/results.md (the raw logs sit next to it).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
out="$SPECAVG_BUILD/bench-manifolds"
mkdir -p "$out"
run() { "${SPECAVG_MPIEXEC[@]}" -n 2 "$SPECAVG_BUILD/specavg" "$@"; }
res="$out/results.md"
{
  echo "# specavg manifold benchmarks ($(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, 2 ranks)"
  echo
} >"$res"

echo "[bench] 1/3: S^9 under Sym(10), lmax 6, 1e5 points"
run synth -manifold sphere -dim 10 -group Sym -n 100000 -noise 0.05 -seed 1 -output "$out/s9_train.h5" >/dev/null
run synth -manifold sphere -dim 10 -group Sym -n 10000 -noise 0.05 -seed 2 -output "$out/s9_test.h5" >/dev/null
start=$(date +%s%N)
run train -manifold sphere -data "$out/s9_train.h5" -group Sym -lmax 6 -model "$out/s9_model.h5" | tee "$out/s9_train.log"
wall_ms=$(( ($(date +%s%N) - start) / 1000000 ))
run eval -model "$out/s9_model.h5" -data "$out/s9_test.h5" | tee "$out/s9_eval.log"
{
  echo "## S^9 under Sym(10), lmax 6, 10^5 points"
  echo
  echo "wall time of \`specavg train\` (mpiexec included): ${wall_ms} ms"
  echo '```'
  grep -E "eigenspace|invariant basis|features|reduced|training total" "$out/s9_train.log"
  grep -E "RMSE|discrepancy" "$out/s9_eval.log"
  echo '```'
  echo
  echo "## Invariant-subspace time vs d (Sym(d) on S^{d-1}, lmax 4)"
  echo
  echo "| d | \|G\| = d! | D | D_inv | auto (s) | dense (s) | slepc (s) | monomial (s) |"
  echo "|---|---|---|---|---|---|---|---|"
} >>"$res"

echo "[bench] 2/3: invariant subspaces vs d"
for d in 6 8 10 12; do
  run info -manifold sphere -dim "$d" -group Sym -lmax 4 >"$out/info_d$d.log"
  for m in dense slepc monomial; do
    run info -manifold sphere -dim "$d" -group Sym -lmax 4 -basis_method $m >"$out/info_${m}_d$d.log"
  done
  order=$(awk '/closed form/ {print $3}' "$out/info_d$d.log")
  D=$(sed -n 's/.*D = \([0-9]*\) basis.*/\1/p' "$out/info_d$d.log")
  Dinv=$(sed -n 's/.*D_inv = \([0-9]*\) invariant.*/\1/p' "$out/info_d$d.log")
  ta=$(awk '/basis time/ {print $3}' "$out/info_d$d.log")
  t=()
  for m in dense slepc monomial; do t+=("$(awk '/basis time/ {print $3}' "$out/info_${m}_d$d.log")"); done
  echo "| $d | $order | $D | $Dinv | $ta | ${t[0]} | ${t[1]} | ${t[2]} |" | tee -a "$res"
done

echo "[bench] 3/3: T^10 under Signs, lambda <= 4 pi^2, 1e6 points"
run synth -manifold torus -dim 10 -group Signs -target paper -n 1000000 -noise 0.1 -seed 1 \
  -output "$out/t10_train.h5" | tee "$out/t10_synth.log"
run synth -manifold torus -dim 10 -group Signs -target paper -n 100000 -noise 0.1 -seed 2 \
  -output "$out/t10_test.h5" >/dev/null
for est in spectral ridge; do
  run train -manifold torus -data "$out/t10_train.h5" -group Signs -lambda_max 39.4784176044 -estimator "$est" \
    -model "$out/t10_$est.h5" | tee "$out/t10_train_$est.log"
  run eval -model "$out/t10_$est.h5" -data "$out/t10_test.h5" | tee "$out/t10_eval_$est.log"
done
{
  echo
  echo "## T^10 under Signs, lambda <= 4 pi^2, 10^6 points"
  for est in spectral ridge; do
    echo
    echo "### estimator $est"
    echo '```'
    grep -E "synthesized" "$out/t10_synth.log"
    grep -E "read|eigenspace|invariant basis|features|reduced|training total" "$out/t10_train_$est.log"
    grep -E "RMSE|discrepancy" "$out/t10_eval_$est.log"
    echo '```'
  done
} >>"$res"
echo "[bench] results in $res"
cat "$res"
