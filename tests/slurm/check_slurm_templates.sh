#!/usr/bin/env bash
# The sbatch templates of drivers/slurm/ run here through stand-ins for sbatch, srun and
# scontrol (tests/slurm/bin: srun -> mpiexec, sbatch runs the script now with SLURM's
# environment, requeue reruns it), with 2 tasks:
#   array.sbatch   4 tasks = 2 groups x 2 cutoffs: 4 models, each bitwise equal to a direct
#                  train on as many ranks; a task beyond the pairs exits 1 saying so;
#   scaling.sbatch ranks 1 and 2: scaling.csv has every step for both, plus the plots;
#   train.sbatch   a plain run: the model equals a direct train and no checkpoint is left;
#                  then USR1 "before the time limit": specavg checkpoints and exits 75, the
#                  job requeues itself, resumes, and the final model is bitwise identical to
#                  the uninterrupted one.
# Usage: check_slurm_templates.sh SPECAVG_EXE SOURCE_DIR WORKDIR
set -euo pipefail
exe=$1 src=$2 work=$3
py=/usr/bin/python3
rm -rf "$work" && mkdir -p "$work" && cd "$work"
export PATH="$src/tests/slurm/bin:$PATH" SPECAVG_EXE=$exe SPECAVG_ROOT=$src SBATCH_STANDIN_NTASKS=2
export SBATCH_STANDIN_DIR=$work/standin OPENBLAS_NUM_THREADS=1 SLURM_NTASKS=2  # direct runs: srun -n 2 as the jobs
mkdir -p "$SBATCH_STANDIN_DIR"
fail() { echo "FAIL: $*" >&2; exit 1; }
same_coefficients() {  # model A, model B, tolerance (0: bitwise)
  "$py" - "$@" <<'PY'
import sys, h5py, numpy as np
a = h5py.File(sys.argv[1])["coefficients"][()]
b = h5py.File(sys.argv[2])["coefficients"][()]
tol = float(sys.argv[3])
d = np.abs(a - b).max() / max(np.abs(a).max(), 1e-300)
ok = (a.shape == b.shape) and ((a == b).all() if tol == 0 else d <= tol)
print(f"{sys.argv[1]} vs {sys.argv[2]}: max rel. difference {d:.3g}")
sys.exit(0 if ok else 1)
PY
}

srun "$exe" synth -n 4000 -group Ih -noise 0.01 -output data.h5 > synth.log

# Job array over groups and cutoffs.
GROUP_LIST="Ih Td" LMAX_LIST="4 6" sbatch --array=0-3 "$src/drivers/slurm/array.sbatch" > array.log 2>&1 ||
  { cat array.log; fail "array job failed"; }
for g in Ih Td; do
  for l in 4 6; do
    [ -s "model_${g}_l$l.h5" ] || fail "array task for $g lmax $l wrote no model"
  done
done
srun "$exe" train -data data.h5 -group Td -lmax 6 -model direct_Td6.h5 > direct.log
same_coefficients model_Td_l6.h5 direct_Td6.h5 0 || fail "array model differs from a direct train"
set +e
GROUP_LIST="Ih" LMAX_LIST="4" sbatch --array=1-1 "$src/drivers/slurm/array.sbatch" > array_bad.log 2>&1
rc=$?
set -e
[ $rc -eq 1 ] || fail "array task beyond the pairs: exit $rc (expected 1)"
grep -q "submit with --array=0-0" array_bad.log || { cat array_bad.log; fail "no advice for a too long array"; }

# Scaling study inside one allocation.
RANKS="1 2" N=20000 N_PER_RANK=10000 OUT=scal sbatch "$src/drivers/slurm/scaling.sbatch" > scaling.log 2>&1 ||
  { cat scaling.log; fail "scaling job failed"; }
"$py" - <<'PY' || fail "scaling.csv incomplete"
import csv
rows = list(csv.DictReader(open("scal/scaling.csv")))
have = {(r["mode"], r["ranks"], r["step"]) for r in rows}
need = {(m, p, s) for m in ("strong", "weak") for p in ("1", "2") for s in ("synth", "train", "predict")}
missing = need - have
assert not missing, f"missing {sorted(missing)}"
assert all(float(r["seconds"]) >= 0 for r in rows)
assert {r["phase"] for r in rows if r["step"] == "train"} >= {"basis", "assemble", "solve"}
PY
[ -s scal/scaling.png ] && [ -s scal/model.md ] || fail "scaling plots or model missing"

# Training with checkpoint, signal and requeue.
opts="-group Ih -lmax 12 -block_rows 50"
srun "$exe" train -data data.h5 $opts -model direct_train.h5 > direct_train.log
DATA=data.h5 MODEL=plain.h5 TRAIN_OPTS="$opts" CHECKPOINT_EVERY=1 sbatch "$src/drivers/slurm/train.sbatch" \
  > train_plain.log 2>&1 || { cat train_plain.log; fail "train job failed"; }
[ ! -e plain.h5.ck.h5 ] || fail "checkpoint left after a completed job"
same_coefficients plain.h5 direct_train.h5 0 || fail "train job model differs from a direct train"

# 20 blocks per rank, slowed down (-test_block_delay, test-only, not part of the options
# fingerprint) so that USR1 arrives mid-accumulation, once the first periodic checkpoint exists.
opts="-group Ih -lmax 12 -block_rows 100"
srun "$exe" train -data data.h5 $opts -model slow_direct.h5 > slow_direct.log
DATA=data.h5 MODEL=slow.h5 TRAIN_OPTS="$opts -test_block_delay 0.1" CHECKPOINT_EVERY=0.3 \
  SBATCH_STANDIN_SIGNAL_WHEN=slow.h5.ck.h5 sbatch "$src/drivers/slurm/train.sbatch" > train_signal.log 2>&1 ||
  { cat train_signal.log; fail "signalled train job failed"; }
grep -q "requeueing job" train_signal.log || { cat train_signal.log; fail "the job did not checkpoint and requeue"; }
grep -q "resuming from" train_signal.log || { cat train_signal.log; fail "the requeued job did not resume"; }
[ ! -e slow.h5.ck.h5 ] && [ ! -e slow.h5.ck.h5.tmp ] || fail "checkpoint left after the resumed job completed"
same_coefficients slow.h5 slow_direct.h5 0 || fail "resumed model differs from the uninterrupted one"
echo "check_slurm_templates: all checks passed"
