#!/usr/bin/env bash
# Strong and weak scaling of the three steps of a job (synth, train, predict) over a list
# of rank counts, each step run with -log_view so that its time splits into specavg's
# stages (read, basis, assemble, select, solve; the rest is "other"). Then
# drivers/plot_scaling.py writes scaling.csv, the plots (time per phase, speed-up,
# parallel efficiency) and model.md: the time and efficiency predicted at 64-1024 ranks
# for n = 10^9 from the per-phase rates measured here plus a latency-bandwidth model of
# the reduction of the D_inv x D_inv system (its assumptions are printed with it).
#
# Usage: drivers/scaling_study.sh [-ranks "1 2"] [-n 1000000] [-n_per_rank 500000]
#                                 [-mode strong|weak|both] [-out DIR] [-- specavg options]
#   -n           points of the strong-scaling runs (the same data set for every rank count)
#   -n_per_rank  points per rank of the weak-scaling runs (n = P * n_per_rank)
#   specavg options after -- replace the default job's "-group Ih -lmax 24".
# Environment: SPECAVG_EXE (default build/specavg), SPECAVG_LAUNCH (default
# "mpiexec --oversubscribe", plus --allow-run-as-root as root; under SLURM "srun"), and
# OPENBLAS_NUM_THREADS (default 1: one BLAS thread per rank).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
ranks="1 2" n=1000000 n_per_rank=500000 mode=both out="$root/build/scaling"
job=(-group Ih -lmax 24)
while [ $# -gt 0 ]; do
  case $1 in
    -ranks) ranks=$2; shift 2 ;;
    -n) n=$2; shift 2 ;;
    -n_per_rank) n_per_rank=$2; shift 2 ;;
    -mode) mode=$2; shift 2 ;;
    -out) out=$2; shift 2 ;;
    --) shift; job=("$@"); break ;;
    -h|-help|--help) sed -n '2,18p' "${BASH_SOURCE[0]}"; exit 0 ;;
    *) echo "scaling_study.sh: unknown argument '$1' (see -help)" >&2; exit 2 ;;
  esac
done
case $mode in strong|weak|both) ;; *) echo "scaling_study.sh: unknown -mode '$mode': expected strong, weak or both" >&2; exit 2 ;; esac
for p in $ranks; do
  [[ $p =~ ^[1-9][0-9]*$ ]] || { echo "scaling_study.sh: -ranks must list positive integers, got '$p'" >&2; exit 2; }
done
exe=${SPECAVG_EXE:-$root/build/specavg}
[ -x "$exe" ] || { echo "scaling_study.sh: no executable $exe: build first (drivers/quickstart.sh or cmake --build build)" >&2; exit 1; }
if [ -n "${SPECAVG_LAUNCH:-}" ]; then
  read -r -a launch <<<"$SPECAVG_LAUNCH"
else
  launch=(mpiexec --oversubscribe)
  [ "$(id -u)" -eq 0 ] && launch+=(--allow-run-as-root)
fi
export OPENBLAS_NUM_THREADS=${OPENBLAS_NUM_THREADS:-1}
# synth takes only the options that describe the data set.
synth_opts=()
for ((i = 0; i < ${#job[@]}; i++)); do
  case ${job[i]} in
    -manifold|-dim|-group|-group_file|-target|-noise|-seed) synth_opts+=("${job[i]}" "${job[i + 1]}"); ((++i)) ;;
  esac
done
mkdir -p "$out"
rm -f "$out"/*.log
echo "[scaling] ${launch[*]}; ranks: $ranks; strong n = $n, weak n/P = $n_per_rank; job: ${job[*]}; logs in $out"

# run MODE P N: synth, train and predict on P ranks, each step's -log_view in MODE_P_STEP.log
run() {
  local m=$1 p=$2 npts=$3 data="$out/data_$1_$2.h5"
  local t0=$SECONDS
  "${launch[@]}" -n "$p" "$exe" synth -n "$npts" "${synth_opts[@]}" -output "$data" -log_view >"$out/${m}_${p}_synth.log"
  "${launch[@]}" -n "$p" "$exe" train -data "$data" "${job[@]}" -model "$out/model_${m}_${p}.h5" -log_view \
    >"$out/${m}_${p}_train.log"
  "${launch[@]}" -n "$p" "$exe" predict -model "$out/model_${m}_${p}.h5" -points "$data" \
    -output "$out/pred_${m}_${p}.h5" -log_view >"$out/${m}_${p}_predict.log"
  echo "[scaling] $m P=$p n=$npts: $((SECONDS - t0)) s"
  rm -f "$data" "$out/pred_${m}_${p}.h5"
}
for p in $ranks; do
  if [ "$mode" != weak ]; then run strong "$p" "$n"; fi
  if [ "$mode" != strong ]; then run weak "$p" $((p * n_per_rank)); fi
done
/usr/bin/python3 "$root/drivers/plot_scaling.py" "$out"
