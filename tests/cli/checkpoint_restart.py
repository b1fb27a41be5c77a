#!/usr/bin/python3
"""Checkpoint and restart of `specavg train` through real processes under mpiexec.

usage: checkpoint_restart.py SPECAVG_EXE SCRATCH_DIR MPIEXEC [MPIEXEC FLAGS...]

Asserts, on a small job with many blocks (-block_rows 40, -test_block_delay slows each
block so the job can be interrupted mid-accumulation):
  * kill -9 during the accumulation, then -restart from the last periodic checkpoint:
    the coefficients equal the uninterrupted run's bit for bit (same rank count);
  * SIGTERM to one rank: every rank stops at a block boundary, exit status 75, a
    checkpoint and no model; -restart on 2 ranks gives the same coefficients bit for bit,
    on 1 rank equal to 1e-12 (relative to the largest coefficient);
  * the same with -select kfold (one accumulator per fold), the ring route, and the
    owned-row Gram (-gram_assembly owned; restart on 1, 2 and 3 ranks);
  * a checkpoint of other options, of other data, truncated, or with a damaged partial
    sum is refused with exit status 1 and a message naming the problem;
  * SIGTERM without -checkpoint: exit status 75, no model;
  * no run leaves a half-written model or checkpoint (<file>.tmp), and a completed
    training removes its checkpoint.
"""
import os
import shutil
import signal
import subprocess
import sys
import time

import h5py
import numpy as np

exe, scratch, mpi = sys.argv[1], sys.argv[2], sys.argv[3:]
shutil.rmtree(scratch, ignore_errors=True)
os.makedirs(scratch)
os.chdir(scratch)
env = dict(os.environ, OPENBLAS_NUM_THREADS="1")
COMMON = ["-group", "D3", "-lmax", "12", "-tau", "1e-6", "-block_rows", "40"]
SLOW = ["-test_block_delay", "0.04"]
failures = []


def check(ok, what):
    print(("ok   " if ok else "FAIL ") + what, flush=True)
    if not ok:
        failures.append(what)


def run(np_, args, log):
    with open(log, "w") as f:
        return subprocess.run(mpi + ["-n", str(np_), exe] + args, stdout=f, stderr=subprocess.STDOUT, env=env).returncode


def start(np_, args, log):
    f = open(log, "w")
    return subprocess.Popen(mpi + ["-n", str(np_), exe] + args, stdout=f, stderr=subprocess.STDOUT, env=env,
                            start_new_session=True)


def ranks_of(p):
    """PIDs of the specavg processes under mpiexec p."""
    out = subprocess.run(["ps", "-o", "pid=,ppid=,comm="], capture_output=True, text=True).stdout
    kids, todo = [], [p.pid]
    rows = [l.split() for l in out.splitlines() if len(l.split()) == 3]
    while todo:
        parent = todo.pop()
        for pid, ppid, comm in rows:
            if int(ppid) == parent:
                todo.append(int(pid))
                if comm.startswith("specavg"):
                    kids.append(int(pid))
    return kids


def running(pid):
    """True while pid is a live (not zombie) process."""
    try:
        with open("/proc/%d/cmdline" % pid) as f:
            return bool(f.read())
    except OSError:
        return False


def wait_for(pred, timeout, what):
    t0 = time.time()
    while time.time() - t0 < timeout:
        if pred():
            return True
        time.sleep(0.05)
    check(False, "timed out waiting for " + what)
    return False


def log_has(log, text):
    return os.path.exists(log) and text in open(log).read()


def coef(path):
    with h5py.File(path, "r") as f:
        return np.array(f["coefficients"])


def no_tmp(what):
    left = [f for f in os.listdir(".") if f.endswith(".tmp")]
    check(not left, what + ": no half-written file left " + str(left))


# Data and the uninterrupted references.
assert run(2, ["synth", "-group", "Ih", "-n", "6000", "-noise", "0.05", "-seed", "3", "-output", "data.h5"], "synth.log") == 0
assert run(2, ["synth", "-group", "Ih", "-n", "6000", "-noise", "0.05", "-seed", "4", "-output", "other.h5"], "synth2.log") == 0
assert run(2, ["train", "-data", "data.h5", "-model", "ref2.h5"] + COMMON, "ref2.log") == 0
assert run(1, ["train", "-data", "data.h5", "-model", "ref1.h5"] + COMMON, "ref1.log") == 0
ref2, ref1 = coef("ref2.h5"), coef("ref1.h5")
scale = np.abs(ref2).max()

# 1. kill -9 mid-accumulation, restart from the last periodic checkpoint (2 ranks).
p = start(2, ["train", "-data", "data.h5", "-model", "m.h5", "-checkpoint", "ck.h5", "-checkpoint_every", "0.3"]
          + COMMON + SLOW, "kill9.log")
wait_for(lambda: os.path.exists("ck.h5"), 60, "the first periodic checkpoint")
time.sleep(0.5)
# Every rank, not only mpiexec: Open MPI puts each rank in its own process group, and a
# rank outliving mpiexec for a moment could still write a checkpoint while the restart reads.
ranks = ranks_of(p)
for r in ranks:
    os.kill(r, signal.SIGKILL)
os.killpg(p.pid, signal.SIGKILL)
p.wait()
wait_for(lambda: not any(running(r) for r in ranks), 60, "the killed ranks to exit")
check(not os.path.exists("m.h5") and not os.path.exists("m.h5.tmp"), "kill -9: no model written")
with h5py.File("ck.h5", "r") as f:
    summed, n = f.attrs["rows_summed"], f.attrs["n_rows"]
check(0 < summed < n, "kill -9: the checkpoint holds part of the rows (%d of %d)" % (summed, n))
rc = run(2, ["train", "-data", "data.h5", "-model", "m.h5", "-checkpoint", "ck.h5", "-restart", "ck.h5"] + COMMON,
         "kill9_restart.log")
check(rc == 0, "kill -9: restart succeeds")
check(np.array_equal(coef("m.h5"), ref2), "kill -9: restart on 2 ranks equals the uninterrupted model bit for bit")
check(not os.path.exists("ck.h5"), "the finished job removed its checkpoint")
no_tmp("kill -9 and restart")

# 2. SIGTERM to one rank: all stop at a block boundary, exit 75, checkpoint, no model.
p = start(2, ["train", "-data", "data.h5", "-model", "t.h5", "-checkpoint", "ck.h5"] + COMMON + SLOW, "term.log")
wait_for(lambda: log_has("term.log", "invariant features"), 60, "the accumulation")
time.sleep(0.6)
ranks = ranks_of(p)
check(len(ranks) == 2, "found the 2 ranks")
os.kill(ranks[-1], signal.SIGTERM)
rc = p.wait(timeout=60)
check(rc == 75, "SIGTERM: exit status 75 (got %d)" % rc)
check(os.path.exists("ck.h5") and not os.path.exists("t.h5"), "SIGTERM: checkpoint written, no model")
no_tmp("SIGTERM")
shutil.copy("ck.h5", "ck_term.h5")
with h5py.File("ck.h5", "r") as f:
    check(0 < f.attrs["rows_summed"] < f.attrs["n_rows"], "SIGTERM: stopped mid-accumulation")
rc = run(2, ["train", "-data", "data.h5", "-model", "t.h5", "-checkpoint", "ck.h5", "-restart", "ck.h5"] + COMMON,
         "term_restart2.log")
check(rc == 0 and np.array_equal(coef("t.h5"), ref2), "SIGTERM: restart on 2 ranks equals the uninterrupted model bit for bit")

# 3. The same checkpoint on 1 rank (and back on 2 after a second interruption on 1).
shutil.copy("ck_term.h5", "ck1.h5")
rc = run(1, ["train", "-data", "data.h5", "-model", "t1.h5", "-restart", "ck1.h5"] + COMMON, "term_restart1.log")
d1 = np.abs(coef("t1.h5") - ref2).max() / scale if rc == 0 else np.inf
check(rc == 0 and d1 <= 1e-12, "restart on 1 rank agrees with the 2-rank model to 1e-12 (%.1e)" % d1)
d0 = np.abs(ref1 - ref2).max() / scale
print("     (uninterrupted 1 vs 2 ranks differ by %.1e)" % d0)
p = start(1, ["train", "-data", "data.h5", "-model", "t3.h5", "-checkpoint", "ck3.h5", "-restart", "ck_term.h5"]
          + COMMON + SLOW, "mixed.log")
wait_for(lambda: log_has("mixed.log", "restart from"), 60, "the 1-rank restart")
time.sleep(0.5)
for r in ranks_of(p):
    os.kill(r, signal.SIGTERM)
rc = p.wait(timeout=60)
check(rc == 75, "SIGTERM on the 1-rank restart: exit status 75")
rc = run(2, ["train", "-data", "data.h5", "-model", "t3.h5", "-restart", "ck3.h5"] + COMMON, "mixed_restart.log")
d3 = np.abs(coef("t3.h5") - ref2).max() / scale if rc == 0 else np.inf
check(rc == 0 and d3 <= 1e-12, "2 ranks -> 1 rank -> 2 ranks agrees to 1e-12 (%.1e)" % d3)

# 3b. -select kfold keeps one accumulator per fold: SIGTERM and restart, bitwise.
def interrupted_train(args, log, what):
    """A slowed 2-rank train, SIGTERM to every rank once it accumulates; its exit status."""
    p = start(2, ["train"] + args + SLOW, log)
    wait_for(lambda: log_has(log, "invariant features"), 60, what)
    time.sleep(0.6)
    for r in ranks_of(p):
        os.kill(r, signal.SIGTERM)
    return p.wait(timeout=60)


KF = COMMON + ["-select", "kfold", "-select_folds", "3"]
assert run(2, ["train", "-data", "data.h5", "-model", "kref.h5"] + KF, "kref.log") == 0
rc = interrupted_train(["-data", "data.h5", "-model", "k.h5", "-checkpoint", "ckk.h5"] + KF, "kterm.log",
                       "the k-fold accumulation")
rc2 = run(2, ["train", "-data", "data.h5", "-model", "k.h5", "-restart", "ckk.h5"] + KF, "krestart.log")
check(rc == 75 and rc2 == 0 and np.array_equal(coef("k.h5"), coef("kref.h5")),
      "-select kfold: SIGTERM (rc %d) and restart (rc %d) equal the uninterrupted fit bit for bit" % (rc, rc2))

# 3c. The ring route (S^5 under Sym) keeps no Q_λ: the restart rebuilds its basis; bitwise
#     on the same rank count, to 1e-12 on another.
RING = ["-manifold", "sphere", "-group", "Sym", "-lmax", "6", "-block_rows", "100"]
assert run(2, ["synth", "-manifold", "sphere", "-dim", "6", "-group", "Sym", "-n", "4000", "-output", "ring.h5"],
           "ring_synth.log") == 0
assert run(2, ["train", "-data", "ring.h5", "-model", "rref.h5"] + RING, "rref.log") == 0
check(log_has("rref.log", "ring"), "S^5 under Sym takes the ring route")
rc = interrupted_train(["-data", "ring.h5", "-model", "rg.h5", "-checkpoint", "ckr.h5"] + RING, "rterm.log",
                       "the ring-route accumulation")
shutil.copy("ckr.h5", "ckr1.h5")
rc2 = run(2, ["train", "-data", "ring.h5", "-model", "rg.h5", "-restart", "ckr.h5"] + RING, "rrestart.log")
rc3 = run(1, ["train", "-data", "ring.h5", "-model", "rg1.h5", "-restart", "ckr1.h5"] + RING, "rrestart1.log")
ring_ref = coef("rref.h5")
dr = np.abs(coef("rg1.h5") - ring_ref).max() / np.abs(ring_ref).max() if rc3 == 0 else np.inf
check(rc == 75 and rc2 == 0 and np.array_equal(coef("rg.h5"), ring_ref) and dr <= 1e-12,
      "ring route: SIGTERM (rc %d), restart on 2 ranks bitwise (rc %d), on 1 rank %.1e (rc %d)" % (rc, rc2, dr, rc3))

# 3d. Owned Gram (-gram_assembly owned, S² under Cs at lmax 20: D_inv = 231, so the 2- and
#     3-rank solves are distributed and factored in place): the checkpoint holds the Gram's
#     lower triangle in one layout-free dataset; restart bitwise on 2 ranks, to 1e-12 on 1
#     and 3 ranks (other block-cyclic grids); the owned model equals the replicated one to
#     1e-12; a damaged Gram entry is refused.
OWN = ["-group", "Cs", "-lmax", "20", "-tau", "1e-6", "-block_rows", "40"]
assert run(2, ["train", "-data", "data.h5", "-model", "oref.h5", "-gram_assembly", "owned"] + OWN, "oref.log") == 0
assert run(2, ["train", "-data", "data.h5", "-model", "orep.h5", "-gram_assembly", "replicated"] + OWN,
           "orep.log") == 0
check(log_has("oref.log", "in place"), "owned Gram on 2 ranks: the solve factors in place")
oref = coef("oref.h5")
oscale = np.abs(oref).max()
dor = np.abs(coef("orep.h5") - oref).max() / oscale
check(dor <= 1e-12, "owned and replicated assembly agree to 1e-12 (%.1e)" % dor)
rc = interrupted_train(["-data", "data.h5", "-model", "o.h5", "-checkpoint", "cko.h5", "-gram_assembly", "owned"]
                       + OWN, "oterm.log", "the owned-row accumulation")
with h5py.File("cko.h5", "r") as f:
    layout = f.attrs["gram_layout"]
    layout = layout.decode() if isinstance(layout, bytes) else str(layout)
    check(layout == "owned_block_cyclic" and "gram_owned" in f and "partial_gram" not in f
          and 0 < f.attrs["rows_summed"] < f.attrs["n_rows"],
          "owned Gram: the checkpoint holds one gram_owned dataset, mid-accumulation")
for c in ("cko1.h5", "cko3.h5", "cko_bad.h5"):
    shutil.copy("cko.h5", c)
rc2 = run(2, ["train", "-data", "data.h5", "-model", "o.h5", "-restart", "cko.h5", "-gram_assembly", "owned"] + OWN,
          "orestart2.log")
check(rc == 75 and rc2 == 0 and np.array_equal(coef("o.h5"), oref),
      "owned Gram: SIGTERM (rc %d) and restart on 2 ranks (rc %d) equal the uninterrupted fit bit for bit" % (rc, rc2))
for np_, c in ((1, "cko1.h5"), (3, "cko3.h5")):
    rcn = run(np_, ["train", "-data", "data.h5", "-model", "o%d.h5" % np_, "-restart", c, "-gram_assembly", "owned"]
              + OWN, "orestart%d.log" % np_)
    dn = np.abs(coef("o%d.h5" % np_) - oref).max() / oscale if rcn == 0 else np.inf
    check(rcn == 0 and dn <= 1e-12, "owned Gram: restart on %d rank(s) agrees to 1e-12 (%.1e)" % (np_, dn))
with h5py.File("cko_bad.h5", "r") as f:
    off = f["gram_owned"].id.get_offset() + 8 * 300  # [1][69]: G_69,1, in the lower triangle
with open("cko_bad.h5", "r+b") as f:
    f.seek(off)
    b = f.read(1)
    f.seek(off)
    f.write(bytes([b[0] ^ 0x10]))
rc = run(3, ["train", "-data", "data.h5", "-model", "obad.h5", "-restart", "cko_bad.h5", "-gram_assembly", "owned"]
         + OWN, "obad.log")
check(rc == 1 and log_has("obad.log", "corrupt") and not os.path.exists("obad.h5"),
      "owned Gram: a damaged Gram entry is refused (rc %d)" % rc)

# 4. Refusals: exit 1, the message names the problem, no model and no temporary.
def refused(args, log, words, what):
    rc = run(2, ["train", "-model", "r.h5"] + args, log)
    text = open(log).read()
    check(rc == 1 and all(w in text for w in words) and not os.path.exists("r.h5"),
          what + " is refused (rc %d)" % rc)


base = ["-data", "data.h5", "-restart"]
refused(base + ["ck_term.h5", "-group", "Ih", "-lmax", "14", "-tau", "1e-5", "-block_rows", "40"], "other_opts.log",
        ["other options", "-tau"], "a checkpoint of other options (-tau)")
refused(["-data", "other.h5", "-restart", "ck_term.h5"] + COMMON, "other_data.log", ["other data"],
        "a checkpoint of other data")
size = os.path.getsize("ck_term.h5")
shutil.copy("ck_term.h5", "ck_trunc.h5")
with open("ck_trunc.h5", "r+b") as f:
    f.truncate(size // 2)
refused(base + ["ck_trunc.h5"] + COMMON, "trunc.log", ["ck_trunc.h5"], "a truncated checkpoint")
shutil.copy("ck_term.h5", "ck_bad.h5")
with h5py.File("ck_bad.h5", "r") as f:
    off = f["partial_rhs"].id.get_offset()
with open("ck_bad.h5", "r+b") as f:  # one bit of rank 0's first partial right-hand side
    f.seek(off)
    b = f.read(1)
    f.seek(off)
    f.write(bytes([b[0] ^ 0x10]))
refused(base + ["ck_bad.h5"] + COMMON, "corrupt.log", ["corrupt"], "a checkpoint with a damaged partial sum")
refused(base + ["missing.h5"] + COMMON, "missing.log", ["missing.h5"], "a missing checkpoint")
no_tmp("refusals")

# 5. SIGTERM without -checkpoint: exit 75, nothing written.
# (A slower job: the signal must land inside its accumulation even on a loaded machine;
# after the accumulation the handlers are gone and SIGTERM kills, rc 143.)
p = start(2, ["train", "-data", "data.h5", "-model", "n.h5"] + COMMON + ["-test_block_delay", "0.1"], "nock.log")
wait_for(lambda: log_has("nock.log", "invariant features"), 60, "the accumulation")
time.sleep(0.3)
for r in ranks_of(p):
    os.kill(r, signal.SIGTERM)
rc = p.wait(timeout=60)
check(rc == 75 and not os.path.exists("n.h5"), "SIGTERM without -checkpoint: exit 75, no model (rc %d)" % rc)
no_tmp("SIGTERM without -checkpoint")

print("%d failure(s)" % len(failures))
sys.exit(1 if failures else 0)
