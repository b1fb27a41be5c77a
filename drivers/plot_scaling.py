#!/usr/bin/env python3
"""Tables, plots and a model from the logs of drivers/scaling_study.sh.

Usage: plot_scaling.py DIR [--model-n 1e9] [--alpha 2e-6] [--bandwidth 1e10]

Reads DIR/{strong,weak}_{P}_{synth,train,predict}.log (each with -log_view) and writes
  DIR/scaling.csv   mode, ranks, n, step, phase, seconds (stage time, mean over ranks);
  DIR/scaling.png   time per phase, speed-up and parallel efficiency;
  DIR/model.md      the training time and efficiency predicted at 64-1024 ranks for
                    n = --model-n, with the assumptions it rests on.
The model: T(P) = t_basis + t_row * n / P + t_reduce(P) + t_solve, where t_basis and
t_solve are the measured 1-rank stage times (both are independent of n), t_row the
measured 1-rank time per row of the read + assemble stages, and t_reduce the
MPI_Reduce_scatter of the D_inv x D_inv normal equations (8 D_inv^2 bytes) in the
latency-bandwidth (Hockney) model of a recursive-halving reduce-scatter:
  t_reduce(P) = alpha * ceil(log2 P) + (P - 1) / P * 8 D_inv^2 * (1 / bandwidth + 1 / flop_rate).
"""
import argparse
import csv
import math
import pathlib
import re
import sys

STAGE = re.compile(r"^\s*\d+:\s+(.+?):\s+([0-9.eE+-]+)\s+[0-9.]+%")
DINV = re.compile(r"-> D_inv = (\d+) invariant features")
RATE = re.compile(r"assembly [0-9.]+ s \(([0-9.]+) GFLOP/s per rank\)")
LOG = re.compile(r"(strong|weak)_(\d+)_(synth|train|predict)\.log$")
NPTS = re.compile(r"(\d+) points")


def parse_log(path):
    """Stage times (Main Stage renamed 'other'), D_inv, assembly rate and n of a log."""
    stages, dinv, rate, n = {}, None, None, None
    in_summary = False
    for line in path.read_text(errors="replace").splitlines():
        if line.startswith("Summary of Stages"):
            in_summary = True
            continue
        if in_summary:
            m = STAGE.match(line)
            if m:
                name = m.group(1).strip()
                name = "other" if name == "Main Stage" else name.replace("specavg: ", "")
                stages[name] = float(m.group(2))
            elif stages and not line.strip():
                in_summary = False
        m = DINV.search(line)
        if m:
            dinv = int(m.group(1))
        m = RATE.search(line)
        if m:
            rate = float(m.group(1))
        m = NPTS.search(line)
        if m and n is None and "[specavg]" in line:
            n = int(m.group(1))
    if not stages:
        sys.exit(f"plot_scaling.py: {path} has no -log_view stage summary (did the step fail?)")
    return stages, dinv, rate, n


def collect(d):
    rows, info = [], {}
    for path in sorted(d.glob("*_*_*.log")):
        m = LOG.search(path.name)
        if not m:
            continue
        mode, p, step = m.group(1), int(m.group(2)), m.group(3)
        stages, dinv, rate, n = parse_log(path)
        if step == "train":
            info[(mode, p)] = {"dinv": dinv, "rate": rate, "n": n}
        for phase, t in stages.items():
            rows.append({"mode": mode, "ranks": p, "step": step, "phase": phase, "seconds": t})
    for r in rows:
        r["n"] = info.get((r["mode"], r["ranks"]), {}).get("n")
    if not rows:
        sys.exit(f"plot_scaling.py: no scaling logs in {d}")
    return rows, info


def totals(rows, mode, step=None):
    out = {}
    for r in rows:
        if r["mode"] == mode and (step is None or r["step"] == step):
            out[r["ranks"]] = out.get(r["ranks"], 0.0) + r["seconds"]
    return out


def model(rows, info, n_model, alpha, bandwidth):
    one = {r["phase"]: r["seconds"] for r in rows if r["mode"] == "strong" and r["ranks"] == 1 and r["step"] == "train"}
    meta = info.get(("strong", 1))
    if not one or not meta or not meta["n"]:
        return None
    t_basis = one.get("basis", 0.0)
    t_solve = one.get("solve", 0.0) + one.get("select", 0.0)
    t_row = (one.get("read", 0.0) + one.get("assemble", 0.0)) / meta["n"]
    flop_rate = (meta["rate"] or 1.0) * 1e9
    lines = [
        "# Predicted training time at scale",
        "",
        f"From the 1-rank strong-scaling run here (n = {meta['n']}): basis {t_basis:.3g} s, "
        f"read + assemble {t_row * 1e9:.3g} ns per row, solve and select {t_solve:.3g} s, "
        f"assembly {meta['rate']} GFLOP/s per rank.",
        "",
        "Assumptions: every rank reads and assembles at the 1-rank rate measured here (no I/O",
        "contention, no memory-bandwidth sharing); the basis and the reduced solve take their",
        "1-rank time on every rank count (both are independent of n; a distributed solve would",
        "only shorten them); the reduction of the D_inv x D_inv normal equations is a",
        f"recursive-halving MPI_Reduce_scatter with latency alpha = {alpha:g} s, bandwidth",
        f"{bandwidth / 1e9:g} GB/s per link and the sums at the measured flop rate.",
        "",
        f"| D_inv | ranks | n | predicted s | of which reduce s | efficiency vs 1 rank |",
        "|---:|---:|---:|---:|---:|---:|",
    ]
    for dinv in (meta["dinv"],):  # the job measured: its rates hold only for its own D_inv
        m = 8.0 * dinv * dinv

        def t(p):
            red = 0.0 if p == 1 else alpha * math.ceil(math.log2(p)) + (p - 1) / p * m * (1 / bandwidth + 1 / (8 * flop_rate))
            return t_basis + t_row * n_model / p + red + t_solve, red

        t1, _ = t(1)
        for p in (64, 128, 256, 512, 1024):
            tp, red = t(p)
            lines.append(f"| {dinv} | {p} | {n_model:.0e} | {tp:.3g} | {red:.2g} | {t1 / (p * tp):.1%} |")
    return "\n".join(lines) + "\n"


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("dir")
    ap.add_argument("--model-n", type=float, default=1e9)
    ap.add_argument("--alpha", type=float, default=2e-6, help="message latency in s (default 2e-6)")
    ap.add_argument("--bandwidth", type=float, default=1e10, help="bytes/s per link (default 1e10)")
    a = ap.parse_args()
    d = pathlib.Path(a.dir)
    rows, info = collect(d)
    with open(d / "scaling.csv", "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=["mode", "ranks", "n", "step", "phase", "seconds"])
        w.writeheader()
        w.writerows(rows)
    summary = ["| mode | ranks | n | synth s | train s | predict s | train speed-up | train efficiency |",
               "|---|---:|---:|---:|---:|---:|---:|---:|"]
    for mode in ("strong", "weak"):
        tr = totals(rows, mode, "train")
        if not tr:
            continue
        base = tr[min(tr)] * min(tr)
        for p in sorted(tr):
            speed = base / tr[p] if mode == "strong" else (base / min(tr)) / tr[p] * p
            eff = speed / p
            n = info.get((mode, p), {}).get("n")
            summary.append(f"| {mode} | {p} | {n} | {totals(rows, mode, 'synth').get(p, 0):.3g} | {tr[p]:.3g} | "
                           f"{totals(rows, mode, 'predict').get(p, 0):.3g} | {speed:.2f} | {eff:.0%} |")
    text = "\n".join(summary) + "\n"
    m = model(rows, info, a.model_n, a.alpha, a.bandwidth)
    (d / "summary.md").write_text(text)
    if m:
        (d / "model.md").write_text(m)
    print(text)
    if m:
        print(m)
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("plot_scaling.py: matplotlib missing, no plots (install python3-matplotlib)", file=sys.stderr)
        return 0
    fig, ax = plt.subplots(1, 3, figsize=(15, 4.2))
    phases = sorted({r["phase"] for r in rows if r["step"] == "train"})
    tr_rows = [r for r in rows if r["mode"] == "strong" and r["step"] == "train"]
    ps = sorted({r["ranks"] for r in tr_rows})
    bottom = [0.0] * len(ps)
    for ph in phases:
        v = [sum(r["seconds"] for r in tr_rows if r["ranks"] == p and r["phase"] == ph) for p in ps]
        ax[0].bar([str(p) for p in ps], v, bottom=bottom, label=ph)
        bottom = [b + x for b, x in zip(bottom, v)]
    ax[0].set(title="strong scaling: train time per phase", xlabel="ranks", ylabel="s")
    ax[0].legend(fontsize=8)
    for mode, style in (("strong", "o-"), ("weak", "s--")):
        tr = totals(rows, mode, "train")
        if not tr:
            continue
        p0 = min(tr)
        xs = sorted(tr)
        sp = [tr[p0] * p0 / tr[p] if mode == "strong" else tr[p0] / tr[p] * p / p0 for p in xs]
        ax[1].plot(xs, sp, style, label=mode)
        ax[2].plot(xs, [s / p for s, p in zip(sp, xs)], style, label=mode)
    ax[1].plot(ps, ps, "k:", label="ideal")
    ax[1].set(title="train speed-up", xlabel="ranks")
    ax[2].set(title="train parallel efficiency", xlabel="ranks", ylim=(0, 1.1))
    ax[1].legend()
    ax[2].legend()
    fig.tight_layout()
    fig.savefig(d / "scaling.png", dpi=110)
    print(f"plot_scaling.py: wrote {d / 'scaling.csv'}, {d / 'summary.md'}, {d / 'model.md'}, {d / 'scaling.png'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
