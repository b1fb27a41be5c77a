#!/usr/bin/env python3
"""Plot the CSV written by `specavg bench` and write a Markdown summary.

Usage:  python3 drivers/plot_bench.py RESULTS.csv OUTDIR

CSV schema (comma separated, no quoting, header line exactly):
  experiment,method,variant,manifold,dim,group,order,n,seed,D,D_inv,
  train_s,predict_s,test_rmse,rel_discrepancy,peak_mem_mib,status
  - variant: hyperparameters as text; "tuned: ..." means tuned per n
    (the curve is then labelled by the method alone).
  - order: integer or "not enumerated"; n, seed, dim: integers;
    D, D_inv: integers or empty; the remaining numeric fields: floats or empty.
  - status: "ok", or text starting with "refused" (not plotted, listed only).

For each experiment (and group, when an experiment has several) writes
OUTDIR/<experiment>[_<group>]_{rmse,train_time,discrepancy,memory}.png and one
OUTDIR/summary.md.  Needs only matplotlib (Agg backend).
"""
import os
import statistics
import sys
from collections import OrderedDict

try:
    import matplotlib
except ImportError:
    sys.exit("plot_bench.py: error: matplotlib missing (apt-get install python3-matplotlib)")
matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.ticker import NullLocator  # noqa: E402

COLUMNS = ("experiment,method,variant,manifold,dim,group,order,n,seed,D,D_inv,"
           "train_s,predict_s,test_rmse,rel_discrepancy,peak_mem_mib,status").split(",")
FLOATS = ("train_s", "predict_s", "test_rmse", "rel_discrepancy", "peak_mem_mib")
DISC_FLOOR = 1e-17
MARKERS = "osD^vP*X<>"
# (file suffix, column, y label, log y)
PLOTS = [("rmse", "test_rmse", "test RMSE", True),
         ("train_time", "train_s", "train time [s]", True),
         ("discrepancy", "rel_discrepancy",
          f"relative invariance discrepancy (values < {DISC_FLOOR:g} shown at {DISC_FLOOR:g})", True),
         ("memory", "peak_mem_mib", "peak memory per rank [MiB]", False)]


def die(msg):
    sys.exit(f"plot_bench.py: error: {msg}")


def read_rows(path):
    if not os.path.isfile(path):
        die(f"results file not found: {path}")
    with open(path, encoding="utf-8-sig") as f:
        lines = [(i, l.rstrip("\r\n")) for i, l in enumerate(f, 1)]
    lines = [(i, l) for i, l in lines if l.strip()]
    if not lines:
        die(f"{path} is empty")
    header = [h.strip() for h in lines[0][1].split(",")]
    if header != COLUMNS:
        die(f"{path}: unexpected header\n  expected: {','.join(COLUMNS)}\n  got:      {lines[0][1]}")
    rows = []
    for lineno, line in lines[1:]:
        fields = line.split(",", len(COLUMNS) - 1)  # status is last: keep it whole
        if len(fields) != len(COLUMNS):
            die(f"{path}:{lineno}: expected {len(COLUMNS)} fields, got {len(fields)}")
        r = dict(zip(COLUMNS, (x.strip() for x in fields)))
        try:
            for k in ("n", "seed"):
                r[k] = int(r[k])
            for k in FLOATS:
                r[k] = float(r[k]) if r[k] else None
        except ValueError as e:
            die(f"{path}:{lineno}: bad number ({e})")
        r["ok"] = r["status"] == "ok"
        r["key"] = (r["method"] if r["variant"].startswith("tuned")
                    else f"{r['method']} ({r['variant']})")
        rows.append(r)
    if not rows:
        die(f"{path} has a header but no data rows")
    return rows


def group(rows):
    """{curve key: {n: [rows]}} over ok rows, keys and n sorted."""
    out = {}
    for r in rows:
        if r["ok"]:
            out.setdefault(r["key"], {}).setdefault(r["n"], []).append(r)
    return OrderedDict((k, OrderedDict(sorted(out[k].items()))) for k in sorted(out))


def values(rs, col):
    return [r[col] for r in rs if r[col] is not None]


def mean_std(v):
    return statistics.fmean(v), (statistics.stdev(v) if len(v) > 1 else 0.0)


def title(r):
    return f"{r['experiment']}: {r['manifold']}, dim {r['dim']}, group {r['group']} (|G| = {r['order']})"


def plot(exp, first, curves, suffix, col, ylabel, logy, outdir):
    fig, ax = plt.subplots(figsize=(8, 4.8))
    all_ns = set()
    for i, (key, by_n) in enumerate(curves.items()):
        ns, means, lo, hi = [], [], [], []
        for n, rs in by_n.items():
            v = values(rs, col)
            if col == "rel_discrepancy":
                v = [max(x, DISC_FLOOR) for x in v]
            if v:
                m, s = mean_std(v)
                # on a log axis the lower bar stops at the smallest seed value (> 0)
                lo.append(m - max(m - s, min(v)) if logy else s)
                ns.append(n), means.append(m), hi.append(s)
        if not ns:
            continue
        all_ns.update(ns)
        yerr = [lo, hi] if any(s > 0 for s in hi) else None
        ax.errorbar(ns, means, yerr=yerr, marker=MARKERS[i % len(MARKERS)], markersize=4,
                    capsize=3, label=key)
    if not all_ns:
        ax.text(0.5, 0.5, "no data", ha="center", va="center", transform=ax.transAxes)
    else:
        ax.set_xscale("log")
        ax.set_xticks(sorted(all_ns), [str(n) for n in sorted(all_ns)])
        ax.xaxis.set_minor_locator(NullLocator())
        if logy:
            ax.set_yscale("log")
        ax.legend(loc="upper left", bbox_to_anchor=(1.02, 1.0), fontsize="small", frameon=False)
    ax.set_xlabel("n (training points)")
    ax.set_ylabel(ylabel, fontsize="small" if len(ylabel) > 40 else None)
    ax.set_title(title(first), fontsize="medium")
    ax.grid(True, which="both", alpha=0.3)
    name = f"{exp}_{suffix}.png"
    fig.savefig(os.path.join(outdir, name), dpi=110, bbox_inches="tight")
    plt.close(fig)
    print(f"wrote {os.path.join(outdir, name)}")
    return name


def fmt(v, spec, agg=max):
    return format(agg(v), spec) if v else "–"


def distinct(rs, col):
    seen = list(OrderedDict.fromkeys(r[col] for r in rs if r[col] != ""))
    return "/".join(seen) if seen else "–"


def summary(exp, rows, curves, images):
    md = [f"### {exp}", "", title(rows[0]), "",
          "| method / variant | n | seeds | test RMSE | train s | predict s "
          "| max rel. discrepancy | max peak MiB | D | D_inv |",
          "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for key, by_n in curves.items():
        for n, rs in by_n.items():
            v = values(rs, "test_rmse")
            rmse = "–"
            if v:
                m, s = mean_std(v)
                rmse = f"{m:.3g}" + (f" ± {s:.2g}" if len(v) > 1 else "")
            md.append("| " + " | ".join([
                key.replace("|", "\\|"), str(n), str(len({r["seed"] for r in rs})), rmse,
                fmt(values(rs, "train_s"), ".3g", statistics.fmean),
                fmt(values(rs, "predict_s"), ".3g", statistics.fmean),
                fmt(values(rs, "rel_discrepancy"), ".1e"),
                fmt(values(rs, "peak_mem_mib"), ".4g"),
                distinct(rs, "D"), distinct(rs, "D_inv")]) + " |")
    refused = OrderedDict.fromkeys(f"- {r['method']} n={r['n']}: {r['status']}"
                                   for r in rows if not r["ok"])
    md += ["", "Refused / not run:" if refused else "No refused runs.", ""]
    md += list(refused) + ([""] if refused else [])
    md += [f"![{name[:-4]}]({name})" for name in images] + [""]
    return md


def main(argv):
    if len(argv) != 3:
        sys.exit(f"usage: {os.path.basename(argv[0])} RESULTS.csv OUTDIR")
    rows = read_rows(argv[1])
    outdir = argv[2]
    os.makedirs(outdir, exist_ok=True)
    # One set of plots per experiment, or per experiment and group when it has several.
    groups_of = {}
    for r in rows:
        groups_of.setdefault(r["experiment"], set()).add(r["group"])
    experiments = OrderedDict()
    for r in rows:
        key = r["experiment"] if len(groups_of[r["experiment"]]) == 1 else f"{r['experiment']}_{r['group']}"
        experiments.setdefault(key, []).append(r)
    md = [f"## Benchmark summary ({os.path.basename(argv[1])})", ""]
    for exp, rs in experiments.items():
        curves = group(rs)
        images = [plot(exp, rs[0], curves, *p, outdir) for p in PLOTS]
        md += summary(exp, rs, curves, images)
    path = os.path.join(outdir, "summary.md")
    with open(path, "w", encoding="utf-8") as f:
        f.write("\n".join(md))
    print(f"wrote {path}")


if __name__ == "__main__":
    main(sys.argv)
