#!/usr/bin/env bash
# Measurements behind docs/long-runs.md: peak resident memory per rank of `train` against n
# (S², I_h, lmax 24, 2 ranks) and for 100 targets, the cost of checkpoints, and 1 rank x 2
# BLAS threads against 2 ranks x 1 thread on the default job. Writes CSV lines to stdout.
# usage: drivers/measure_long_runs.sh BUILD_DIR SCRATCH_DIR [memory|targets|checkpoint|threads]... [-- N...]
#   memory: n = 1e6 1e7 (and 1e8 when MEASURE_1E8=1: 4 GB of data, tens of minutes)
#   large:  a distributed reduced solve at D_inv = 20301 (S² under Cs, lmax 200, 24000
#           points, fixed tau): 3-5 minutes and about 1.9 GiB per rank on 2 ranks
set -euo pipefail
exe=$(realpath "$1")/specavg
mkdir -p "$2"
cd "$2"
shift 2
what=("$@")
[ ${#what[@]} -gt 0 ] || what=(memory targets checkpoint threads)  # "large" only on request
MPI=(mpiexec --oversubscribe --allow-run-as-root)
export OPENBLAS_NUM_THREADS=1
TRAIN=(-group Ih -lmax 24 -tau 1e-6)

# Peak RSS (KiB) per rank of a command on P ranks: "rss_rank0 rss_rank1 ..." and wall seconds.
peak_rss() {
  local P=$1 log=$2
  shift 2
  rm -f rss.*
  local t0=$(date +%s.%N)
  "${MPI[@]}" -n "$P" bash -c '/usr/bin/time -f %M -o rss.$OMPI_COMM_WORLD_RANK "$@"' _ "$@" >"$log" 2>&1
  local t1=$(date +%s.%N)
  local out=""
  for r in $(seq 0 $((P - 1))); do out="$out $(cat rss.$r)"; done
  echo "$out $(echo "$t1 - $t0" | bc)"
}

data() {  # data file of n points (made once)
  local n=$1 f=s2_ih_$1.h5
  [ -s "$f" ] || "${MPI[@]}" -n 2 "$exe" synth -group Ih -n "$n" -noise 0.1 -seed 1 -output "$f" >"synth_$n.log"
  echo "$f"
}

for w in "${what[@]}"; do
  case $w in
    memory)
      ns=(1000000 10000000)
      [ "${MEASURE_1E8:-0}" = 1 ] && ns+=(100000000)
      echo "# memory: n, peak RSS rank 0 (KiB), rank 1 (KiB), train wall s"
      for n in "${ns[@]}"; do
        f=$(data "$n")
        echo "memory,$n,$(peak_rss 2 "train_$n.log" "$exe" train -data "$f" "${TRAIN[@]}" -model "m_$n.h5" | tr ' ' ',' | sed 's/^,//')"
      done
      ;;
    targets)
      echo "# targets: n, k, peak RSS rank 0 (KiB), rank 1 (KiB), train wall s"
      for n in 100000 1000000; do
        f=t100_$n.h5
        [ -s "$f" ] || /usr/bin/python3 - "$(data "$n")" "$f" <<'EOF'
import sys, h5py, numpy as np
src, dst = sys.argv[1], sys.argv[2]
with h5py.File(src, "r") as s, h5py.File(dst, "w") as d:
    x = s["points"][...]
    t = s["truth"][...]
    v = d.create_dataset("values", (x.shape[0], 100), "f8")
    rng = np.random.default_rng(1)
    for i in range(0, x.shape[0], 100000):  # targets j: truth * (1 + j/100) + noise
        c = t[i:i + 100000, None] * (1 + np.arange(100) / 100)
        v[i:i + 100000] = c + 0.1 * rng.standard_normal(c.shape)
    d["points"] = x
EOF
        echo "targets,$n,100,$(peak_rss 2 "train_t100_$n.log" "$exe" train -data "$f" "${TRAIN[@]}" -model "t100_$n.model.h5" | tr ' ' ',' | sed 's/^,//')"
      done
      ;;
    checkpoint)
      n=${CHECKPOINT_N:-10000000}
      f=$(data "$n")
      echo "# checkpoint: n, every s, train total s, checkpoints, checkpoint s"
      for every in ${CHECKPOINT_EVERY:-0 0.2 60}; do  # 0.2 s: several checkpoints even in a short run
        ck=()
        [ "$every" != 0 ] && ck=(-checkpoint ck.h5 -checkpoint_every "$every")
        "${MPI[@]}" -n 2 "$exe" train -data "$f" "${TRAIN[@]}" -model "ck_$every.h5" "${ck[@]}" >"ck_$every.log" 2>&1
        total=$(sed -n 's/.*training total \([0-9.]*\) s.*/\1/p' "ck_$every.log")
        cks=$(sed -n "s/.*, \([0-9]*\) checkpoint(s) \([0-9.]*\) s$/\1,\2/p" "ck_$every.log")
        echo "checkpoint,$n,$every,$total,${cks:-0,0}"
      done
      ;;
    large)
      f=cs_24000.h5
      [ -s "$f" ] || "${MPI[@]}" -n 2 "$exe" synth -group Cs -n 24000 -seed 5 -output "$f" >synth_large.log
      echo "# large: D_inv, peak RSS rank 0 (KiB), rank 1 (KiB), train wall s; the stage times are in train_large.log"
      r=$(peak_rss 2 train_large.log "$exe" train -data "$f" -group Cs -lmax 200 -select none -tau 1e-6 -model m_large.h5)
      echo "large,$(sed -n 's/.*-> D_inv = \([0-9]*\) invariant.*/\1/p' train_large.log),$(echo "$r" | tr ' ' ',' | sed 's/^,//')"
      grep -E "features .* assembly|reduced .*cholesky|training total" train_large.log
      ;;
    threads)
      echo "# threads: ranks, BLAS threads, default-job total wall s, features s, assembly s"
      for cfg in "2 1" "1 2" "1 1"; do
        set -- $cfg
        "${MPI[@]}" -n "$1" --bind-to none "$exe" -blas_threads "$2" -workdir "dj_$1x$2" >"dj_$1x$2.log" 2>&1
        line=$(grep "synth .* | read" "dj_$1x$2.log")
        feat=$(echo "$line" | sed -n 's/.*features \([0-9.]*\).*/\1/p')
        asm=$(echo "$line" | sed -n 's/.*assembly \([0-9.]*\).*/\1/p')
        tot=$(sed -n 's/.*total wall \([0-9.]*\) s.*/\1/p' "dj_$1x$2.log")
        echo "threads,$1,$2,$tot,$feat,$asm"
      done
      ;;
  esac
done
